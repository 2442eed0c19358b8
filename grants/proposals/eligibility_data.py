"""What the eligibility check (grants.proposals.eligibility) takes and gives: a call's rules,
the proposal as plain data, and the violations. Pure, like the check: grants.proposals.plain
builds these from the models.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from grants.core import limits
from grants.proposals import budget

PROVINCE_NAMES = {
    "310000": ("上海", "Shanghai"),
    "320000": ("江苏", "Jiangsu"),
    "330000": ("浙江", "Zhejiang"),
    "340000": ("安徽", "Anhui"),
}
FUNDING_PROVINCES = frozenset(PROVINCE_NAMES)

ACCEPTED = "accepted"
PENDING = "pending"
DECLINED = "declined"
REVOKED = "revoked"


@dataclass(frozen=True, kw_only=True)
class Rules:
    """A call's eligibility rules; the defaults are the fund's (see DOMAIN.md).

    Narrative: if ``narrative_pdf_required`` the PDF is compulsory and the text sections are
    optional. Otherwise either form will do: the required sections must have text unless a
    narrative PDF is attached, because NSFC accepts the narrative as sections or as one file.
    An empty ``discipline_areas`` means the call is open to every discipline.
    """

    opens_at: datetime
    closes_at: datetime
    min_provinces: int = 2
    min_institutions: int = 2
    max_institutions: int = 6
    funding_provinces: frozenset[str] = FUNDING_PROVINCES
    allow_unfunded_partners: bool = False
    max_led_per_pi: int = 1
    max_participations_per_pi: int = 2
    # NSFC counts applications, i.e. what was submitted: a partner's stray or abandoned drafts
    # must not make the lead's real one unsubmittable. A call may count drafts too.
    drafts_count_toward_quotas: bool = False
    discipline_areas: tuple[str, ...] = ()
    max_direct_total: Decimal = Decimal("3000000")
    max_direct_per_year: Decimal | None = None
    max_equipment_share: Decimal = Decimal("0.40")
    min_duration_months: int = 24
    max_duration_months: int = 48
    required_sections: tuple[str, ...] = ("rationale", "basis", "other")
    narrative_pdf_required: bool = False
    keywords_min: int = 3
    keywords_max: int = 5
    abstract_zh_max: int = limits.ABSTRACT_ZH
    abstract_en_max: int = limits.ABSTRACT_EN
    # An equipment line above this names its instrument (grants.proposals.instrument_rules).
    instrument_threshold: Decimal = Decimal("500000")


@dataclass(frozen=True, kw_only=True)
class Member:
    """One consortium member: an institution and its PI (None until the PI has accepted)."""

    key: str
    institution_id: int | str
    institution_name: str
    province_code: str
    is_lead: bool = False
    pi_id: int | str | None = None
    status: str = PENDING


@dataclass(frozen=True, kw_only=True)
class InstrumentLine:
    """An equipment line above the call's instrument threshold: what it buys, the shared
    large-instrument catalogue's likely match for that ("" when none) and the applicant's
    reason why the shared one cannot serve."""

    member: str
    institution_name: str
    year: int
    amount: Decimal
    instrument: str = ""
    likely_match: str = ""
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ProposalData:
    """What the check needs to know about a proposal; the defaults describe an empty draft.

    ``pi_load`` maps a PI to (proposals led, proposals taken part in) among their OTHER
    submitted proposals in the same call (returned ones included), ``pi_draft_load`` the same
    among their other drafts; taking part counts leading too, as NSFC's quota on applications
    does. Which of the two count is the rules' decision (``drafts_count_toward_quotas``).
    """

    title_zh: str = ""
    title_en: str = ""
    primary_code: str = ""
    secondary_code: str = ""
    keywords: tuple[str, ...] = ()
    abstract_zh: str = ""
    abstract_en: str = ""
    duration_months: int | None = None
    sections: dict[str, str] = field(default_factory=dict)
    has_narrative_pdf: bool = False
    other_funding_declared: bool = False
    members: tuple[Member, ...] = ()
    budget_lines: tuple[budget.Line, ...] = ()
    instrument_lines: tuple[InstrumentLine, ...] = ()
    pi_load: dict[int | str, tuple[int, int]] = field(default_factory=dict)
    pi_draft_load: dict[int | str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Violation:
    code: str
    field: str
    message_zh: str
    message_en: str
