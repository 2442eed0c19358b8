"""Whether a proposal may be submitted to a call: every rule it breaks, not just the first.

The same check runs live on the draft (so applicants see everything still missing) and as the
final gate at submission. Pure: the caller turns models into ProposalData and Rules and shows
the violations; nothing here touches the database.

Each violation has a stable code (tests, logs and the UI key on it), the form field it belongs
to and a message in Chinese and English. Fields are ProposalData attribute names, with two
exceptions: "sections.<key>" for one narrative section and "narrative_pdf" for the PDF upload.
Rules about the whole proposal (the call window) use "__all__", Django's key for errors that
belong to no one field. What the check takes and gives (Rules, ProposalData, Violation) is
grants.proposals.eligibility_data.
"""

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from grants.core import limits
from grants.core.money import format_yuan
from grants.proposals import budget, instrument_rules
from grants.proposals.eligibility_data import (
    ACCEPTED,
    DECLINED,
    PENDING,
    PROVINCE_NAMES,
    REVOKED,
    Member,
    ProposalData,
    Rules,
    Violation,
)

# Deadlines are announced, and judged, in Beijing time.
SHANGHAI = ZoneInfo("Asia/Shanghai")
NON_FIELD = "__all__"

# NSFC's narrative structure; other keys a call may require are shown by their key.
SECTION_NAMES = {
    "rationale": ("立项依据与研究内容", "rationale and research content"),
    "basis": ("研究基础与工作条件", "research basis and conditions"),
    "other": ("其他需要说明的情况", "other matters"),
}
# The most characters each section may have (grants.core.limits says why); a section of a key not
# listed here is bounded by the largest.
SECTION_LIMITS = {
    "rationale": limits.SECTION_RATIONALE,
    "basis": limits.SECTION_BASIS,
    "other": limits.SECTION_OTHER,
}


def check(proposal: ProposalData, rules: Rules, now: datetime) -> list[Violation]:
    """Every rule ``proposal`` breaks under ``rules`` at ``now``, in a fixed order."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    violations = list(_call_window(rules, now))
    for rule in _PROPOSAL_RULES:
        violations.extend(rule(proposal, rules))
    return violations


def _call_window(rules: Rules, now: datetime) -> Iterator[Violation]:
    # Half-open window: at closes_at itself the call is already closed.
    if now < rules.opens_at:
        opens = _beijing_time(rules.opens_at)
        yield Violation(
            "call_not_open",
            NON_FIELD,
            f"本指南尚未开放申请，开放时间为北京时间 {opens}。",
            f"The call opens at {opens} Beijing time; it is not open yet.",
        )
    elif now >= rules.closes_at:
        closes = _beijing_time(rules.closes_at)
        yield Violation(
            "call_closed",
            NON_FIELD,
            f"本指南已于北京时间 {closes} 截止申请。",
            f"The call closed at {closes} Beijing time.",
        )


# (field, name in Chinese, name in English) of the texts every proposal needs.
_REQUIRED_TEXTS = (
    ("title_zh", "中文题目", "Chinese title"),
    ("title_en", "英文题目", "English title"),
    ("primary_code", "主申请代码", "primary discipline code"),
    ("abstract_zh", "中文摘要", "Chinese abstract"),
    ("abstract_en", "英文摘要", "English abstract"),
)


def _required_texts(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    for name, name_zh, name_en in _REQUIRED_TEXTS:
        if _blank(getattr(proposal, name)):
            yield Violation(
                f"{name}_missing", name, f"请填写{name_zh}。", f"The {name_en} is required."
            )


def _keywords(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    count = len({word.strip().casefold() for word in proposal.keywords if not _blank(word)})
    if rules.keywords_min <= count <= rules.keywords_max:
        return
    code = "keywords_too_few" if count < rules.keywords_min else "keywords_too_many"
    yield Violation(
        code,
        "keywords",
        f"已填写 {count} 个关键词，本指南要求 {rules.keywords_min}–{rules.keywords_max} 个。",
        f"The proposal has {_count(count, 'keyword')}; "
        f"this call requires {rules.keywords_min} to {rules.keywords_max}.",
    )


def _abstract_lengths(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    limits = (
        ("abstract_zh", "中文摘要", "Chinese abstract", rules.abstract_zh_max),
        ("abstract_en", "英文摘要", "English abstract", rules.abstract_en_max),
    )
    for name, name_zh, name_en, limit in limits:
        length = len(getattr(proposal, name).strip())
        if length > limit:
            yield Violation(
                f"{name}_too_long",
                name,
                f"{name_zh}共 {length} 字，本指南限 {limit} 字以内。",
                f"The {name_en} has {length} characters; this call allows at most {limit}.",
            )


def _discipline(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    code = proposal.primary_code.strip()
    # Codes are hierarchical by prefix: F0601 lies under F06, which lies under F.
    if not code or not rules.discipline_areas or code.startswith(rules.discipline_areas):
        return
    yield Violation(
        "primary_code_outside_call",
        "primary_code",
        f"申请代码 {code} 不在本指南的资助领域（{'、'.join(rules.discipline_areas)}）内。",
        f"Discipline code {code} is outside this call's areas "
        f"({', '.join(rules.discipline_areas)}).",
    )


def _duration(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    months = proposal.duration_months
    low, high = rules.min_duration_months, rules.max_duration_months
    if months is None:
        yield Violation(
            "duration_missing",
            "duration_months",
            "请填写研究期限（月）。",
            "The duration in months is required.",
        )
    elif not low <= months <= high:
        yield Violation(
            "duration_out_of_range",
            "duration_months",
            f"研究期限为 {months} 个月，本指南要求 {low}–{high} 个月。",
            f"The duration is {_count(months, 'month')}; "
            f"this call requires {low} to {high} months.",
        )


def _narrative(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    if rules.narrative_pdf_required:
        if not proposal.has_narrative_pdf:
            yield Violation(
                "narrative_pdf_missing",
                "narrative_pdf",
                "本指南要求以 PDF 上传申请书正文。",
                "This call requires the narrative as one PDF.",
            )
        return
    if proposal.has_narrative_pdf:
        return
    for key in rules.required_sections:
        if _blank(proposal.sections.get(key, "")):
            yield _section_missing(key)


def _section_lengths(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    # Checked whether or not a PDF is attached: every section's text is printed for each
    # reviewer and in the panel book. Rows older than the form's limit may still hold more.
    for key, text in proposal.sections.items():
        limit = SECTION_LIMITS.get(key, max(SECTION_LIMITS.values()))
        length = len(text or "")
        if length > limit:
            name_zh, name_en = SECTION_NAMES.get(key, (key, key))
            yield Violation(
                "section_too_long",
                f"sections.{key}",
                f"“{name_zh}”部分共 {length} 字，限 {limit} 字以内，请删减后再提交。",
                f"The section “{name_en}” has {length} characters; at most {limit} are "
                "allowed. Shorten it before submitting.",
            )


def _section_missing(key: str) -> Violation:
    name_zh, name_en = SECTION_NAMES.get(key, (key, key))
    return Violation(
        "section_missing",
        f"sections.{key}",
        f"请填写“{name_zh}”部分，或以 PDF 上传申请书正文。",
        f"The section “{name_en}” is empty; fill it in or attach the narrative as one PDF.",
    )


def _other_funding(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    if not proposal.other_funding_declared:
        yield Violation(
            "other_funding_undeclared",
            "other_funding_declared",
            "请声明相同研究内容是否已获得或正在申请其他资助。",
            "Declare whether the same research has other funding, received or applied for.",
        )


def _consortium_size(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    # Only accepted members count: an invitation nobody has answered spans no province yet.
    accepted = [member for member in proposal.members if member.status == ACCEPTED]
    provinces = {m.province_code for m in accepted if m.province_code in rules.funding_provinces}
    institutions = len({member.institution_id for member in accepted})
    if len(provinces) < rules.min_provinces:
        yield Violation(
            "provinces_too_few",
            "members",
            f"联合体仅覆盖 {len(provinces)} 个出资省份，本指南要求至少 {rules.min_provinces} 个。",
            f"The consortium spans {_count(len(provinces), 'funding province')}; "
            f"this call requires at least {rules.min_provinces}.",
        )
    if institutions < rules.min_institutions:
        yield Violation(
            "institutions_too_few",
            "members",
            f"联合体有 {institutions} 家单位，本指南要求至少 {rules.min_institutions} 家。",
            f"The consortium has {_count(institutions, 'institution')}; "
            f"this call requires at least {rules.min_institutions}.",
        )
    if institutions > rules.max_institutions:
        yield Violation(
            "institutions_too_many",
            "members",
            f"联合体有 {institutions} 家单位，本指南限 {rules.max_institutions} 家以内。",
            f"The consortium has {_count(institutions, 'institution')}; "
            f"this call allows at most {rules.max_institutions}.",
        )


def _lead(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    leads = [member for member in _active(proposal) if member.is_lead]
    if not leads:
        yield Violation(
            "lead_missing",
            "members",
            "联合体尚无牵头单位。",
            "The consortium has no lead institution.",
        )
    elif len(leads) > 1:
        yield Violation(
            "lead_multiple",
            "members",
            f"联合体有 {len(leads)} 家牵头单位，只能有 1 家。",
            f"The consortium has {len(leads)} lead institutions; it must have exactly one.",
        )
    for lead in leads:
        if lead.province_code not in rules.funding_provinces:
            names_zh, names_en = _province_list(rules.funding_provinces)
            yield Violation(
                "lead_outside_funding_provinces",
                "members",
                f"牵头单位{lead.institution_name}不在出资省份（{names_zh}）内。",
                f"The lead institution, {lead.institution_name}, is outside the funding "
                f"provinces ({names_en}).",
            )


def _outside_partners(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    # Partners from elsewhere bring no provincial money, so at most they come at their own cost.
    funded = {line.member for line in proposal.budget_lines if line.amount != 0}
    names_zh, names_en = _province_list(rules.funding_provinces)
    for member in _active(proposal):
        if member.is_lead or member.province_code in rules.funding_provinces:
            continue
        name = member.institution_name
        if not rules.allow_unfunded_partners:
            yield Violation(
                "partner_outside_funding_provinces",
                "members",
                f"{name}不在出资省份（{names_zh}）内，本指南不接受出资省份以外的合作单位。",
                f"{name} is outside the funding provinces ({names_en}); "
                "this call admits no partners from elsewhere.",
            )
        elif member.key in funded:
            yield Violation(
                "unfunded_partner_has_budget",
                "budget_lines",
                f"{name}不在出资省份内，只能不受资助参加，不能列支预算。",
                f"{name} is outside the funding provinces and may take part only unfunded; "
                "remove its budget lines.",
            )


def _partners_confirmed(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    for member in proposal.members:
        name = member.institution_name
        if member.status == PENDING:
            yield Violation(
                "member_pending",
                "members",
                f"{name}尚未确认参加。",
                f"{name} has not accepted the invitation yet.",
            )
        elif member.status == DECLINED:
            yield Violation(
                "member_declined",
                "members",
                f"{name}已拒绝邀请，请将其移出联合体。",
                f"{name} declined the invitation; remove it from the consortium.",
            )


def _pi_quotas(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    for pi_id, (member, leads_here) in _pis(proposal).items():
        led, participations = _counted_load(proposal, rules, pi_id)
        name = member.institution_name
        if leads_here and led + 1 > rules.max_led_per_pi:
            yield Violation(
                "pi_lead_quota",
                "members",
                f"{name}的负责人在本指南下将牵头 {led + 1} 项申请，限 {rules.max_led_per_pi} 项。",
                f"The PI at {name} would lead {_count(led + 1, 'proposal')} in this call; "
                f"the limit is {rules.max_led_per_pi}.",
            )
        if participations + 1 > rules.max_participations_per_pi:
            limit = rules.max_participations_per_pi
            yield Violation(
                "pi_participation_quota",
                "members",
                f"{name}的负责人在本指南下将参与 {participations + 1} 项申请（含牵头），"
                f"限 {limit} 项。",
                f"The PI at {name} would take part in {_count(participations + 1, 'proposal')} "
                f"in this call, leading included; the limit is {limit}.",
            )


def _counted_load(proposal: ProposalData, rules: Rules, pi_id) -> tuple[int, int]:
    led, participations = proposal.pi_load.get(pi_id, (0, 0))
    if rules.drafts_count_toward_quotas:
        draft_led, draft_participations = proposal.pi_draft_load.get(pi_id, (0, 0))
        led, participations = led + draft_led, participations + draft_participations
    return led, participations


def _pis(proposal: ProposalData) -> dict:
    """pi_id -> (first member they lead or join, whether they lead here), in member order."""
    pis: dict = {}
    for member in _active(proposal):
        if member.pi_id is None:
            continue
        first, leads = pis.get(member.pi_id, (member, False))
        pis[member.pi_id] = (first, leads or member.is_lead)
    return pis


def _budget(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    summary = budget.summarise(proposal.budget_lines)
    if summary.direct_total <= 0:
        yield Violation(
            "budget_empty",
            "budget_lines",
            "预算尚无直接费用。",
            "The budget has no direct costs yet.",
        )
    yield from _budget_members(proposal)
    yield from _budget_years(summary, proposal.duration_months)
    yield from _budget_caps(summary, rules)


def _budget_members(proposal: ProposalData) -> Iterator[Violation]:
    # Lines left behind by a revoked member would otherwise still be paid.
    members = {member.key for member in _active(proposal)}
    names = {member.key: member.institution_name for member in proposal.members}
    for key in sorted({line.member for line in proposal.budget_lines} - members):
        name = names.get(key, key)
        yield Violation(
            "budget_member_unknown",
            "budget_lines",
            f"预算中列有{name}的费用，但该单位已不在联合体内。",
            f"The budget has lines for {name}, which is not in the consortium.",
        )


def _budget_years(summary: budget.BudgetSummary, months: int | None) -> Iterator[Violation]:
    if months is None:
        return
    last_year = -(-months // 12)
    for year in budget.years(summary):
        if not 1 <= year <= last_year:
            yield Violation(
                "budget_year_out_of_range",
                "budget_lines",
                f"预算列入第 {year} 年，而 {months} 个月的项目只有第 1–{last_year} 年。",
                f"Budget lines fall in project year {year}, but a {months}-month project runs "
                f"over years 1 to {last_year}.",
            )


def _budget_caps(summary: budget.BudgetSummary, rules: Rules) -> Iterator[Violation]:
    direct, cap = summary.direct_total, rules.max_direct_total
    if direct > cap:
        yield Violation(
            "budget_direct_total_cap",
            "budget_lines",
            f"直接费用合计 {format_yuan(direct)}，超过本指南上限 {format_yuan(cap)}。",
            f"Direct costs total {format_yuan(direct)}; this call allows at most "
            f"{format_yuan(cap)}.",
        )
    yield from _budget_year_caps(summary, rules.max_direct_per_year)
    share, max_share = budget.equipment_share(summary), rules.max_equipment_share
    if share > max_share:
        equipment = format_yuan(summary.equipment_total)
        yield Violation(
            "budget_equipment_share",
            "budget_lines",
            f"设备费 {equipment} 占直接费用 {format_yuan(direct)} 的 {_percent(share)}，"
            f"本指南上限为 {_percent(max_share)}。",
            f"Equipment ({equipment}) is {_percent(share)} of direct costs "
            f"({format_yuan(direct)}); this call allows at most {_percent(max_share)}.",
        )


def _budget_year_caps(summary: budget.BudgetSummary, cap: Decimal | None) -> Iterator[Violation]:
    if cap is None:
        return
    for year, totals in summary.by_year.items():
        if totals.direct > cap:
            yield Violation(
                "budget_direct_year_cap",
                "budget_lines",
                f"第 {year} 年直接费用 {format_yuan(totals.direct)}，"
                f"超过本指南每年上限 {format_yuan(cap)}。",
                f"Direct costs in year {year} are {format_yuan(totals.direct)}; "
                f"this call allows at most {format_yuan(cap)} a year.",
            )


_PROPOSAL_RULES = (
    _required_texts,
    _keywords,
    _abstract_lengths,
    _discipline,
    _duration,
    _narrative,
    _section_lengths,
    _other_funding,
    _consortium_size,
    _lead,
    _outside_partners,
    _partners_confirmed,
    _pi_quotas,
    _budget,
    instrument_rules.check,
)


def _active(proposal: ProposalData) -> list[Member]:
    # A revoked member has left the consortium; it counts for nothing and blocks nothing.
    return [member for member in proposal.members if member.status != REVOKED]


def _blank(text: str | None) -> bool:
    return not text or not text.strip()


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _percent(share: Decimal) -> str:
    # Display only, two decimals at most with trailing zeros dropped: 40%, 40.5%, 40.04%.
    return f"{share * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _province_list(codes: frozenset[str]) -> tuple[str, str]:
    names = [PROVINCE_NAMES.get(code, (code, code)) for code in sorted(codes)]
    return "、".join(zh for zh, _ in names), ", ".join(en for _, en in names)


def _beijing_time(moment: datetime) -> str:
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
