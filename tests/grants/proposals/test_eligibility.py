from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from grants.proposals.budget import EQUIPMENT, OPERATIONS, PERSONNEL, Line
from grants.proposals.eligibility import check
from grants.proposals.eligibility_data import (
    ACCEPTED,
    DECLINED,
    PENDING,
    REVOKED,
    Member,
    ProposalData,
    Rules,
)

SHANGHAI_TZ = ZoneInfo("Asia/Shanghai")
OPENS = datetime(2025, 9, 1, 9, 0, tzinfo=SHANGHAI_TZ)
CLOSES = datetime(2025, 10, 31, 16, 0, tzinfo=SHANGHAI_TZ)
NOW = datetime(2025, 10, 15, 10, 0, tzinfo=SHANGHAI_TZ)

# key -> (institution name, province code)
INSTITUTIONS = {
    "fudan": ("Fudan University", "310000"),
    "tongji": ("Tongji University", "310000"),
    "sjtu": ("Shanghai Jiao Tong University", "310000"),
    "nju": ("Nanjing University", "320000"),
    "seu": ("Southeast University", "320000"),
    "zju": ("Zhejiang University", "330000"),
    "ustc": ("University of Science and Technology of China", "340000"),
    "pku": ("Peking University", "110000"),
}


def member(key, *, lead=False, status=ACCEPTED, pi_id=None):
    name, province = INSTITUTIONS[key]
    if pi_id is None and status == ACCEPTED:
        pi_id = f"pi-{key}"
    return Member(
        key=key,
        institution_id=key,
        institution_name=name,
        province_code=province,
        is_lead=lead,
        pi_id=pi_id,
        status=status,
    )


def line(key, category, year, amount):
    return Line(key, INSTITUTIONS[key][1], category, year, Decimal(amount))


def budget_for(*keys):
    """¥450,000 direct per member over two years, 22% equipment."""
    return tuple(
        budget_line
        for key in keys
        for budget_line in (
            line(key, EQUIPMENT, 1, "100000"),
            line(key, OPERATIONS, 1, "200000"),
            line(key, PERSONNEL, 2, "150000"),
        )
    )


def make_proposal(**overrides):
    """A proposal that passes every rule of make_rules(); override to break one."""
    fields = {
        "title_zh": "面向长三角制造业的可信机器学习",
        "title_en": "Trustworthy machine learning for Yangtze River Delta manufacturing",
        "primary_code": "F0601",
        "secondary_code": "E0501",
        "keywords": ("machine learning", "manufacturing", "trust", "robustness"),
        "abstract_zh": "本项目研究可信机器学习。",
        "abstract_en": "This project studies trustworthy machine learning.",
        "duration_months": 36,
        "sections": {"rationale": "...", "basis": "...", "other": "..."},
        "has_narrative_pdf": False,
        "other_funding_declared": True,
        "members": (member("fudan", lead=True), member("zju")),
        "budget_lines": budget_for("fudan", "zju"),
        "pi_load": {},
    }
    return ProposalData(**(fields | overrides))


def make_rules(**overrides):
    fields = {"opens_at": OPENS, "closes_at": CLOSES, "discipline_areas": ("F", "E03")}
    return Rules(**(fields | overrides))


def codes(proposal, rules=None, now=NOW):
    return [violation.code for violation in check(proposal, rules or make_rules(), now)]


def test_a_valid_proposal_has_no_violations():
    assert check(make_proposal(), make_rules(), NOW) == []


def test_an_empty_draft_lists_everything_still_missing_in_order():
    violations = check(ProposalData(), make_rules(), NOW)
    assert [(v.code, v.field) for v in violations] == [
        ("title_zh_missing", "title_zh"),
        ("title_en_missing", "title_en"),
        ("primary_code_missing", "primary_code"),
        ("abstract_zh_missing", "abstract_zh"),
        ("abstract_en_missing", "abstract_en"),
        ("keywords_too_few", "keywords"),
        ("duration_missing", "duration_months"),
        ("section_missing", "sections.rationale"),
        ("section_missing", "sections.basis"),
        ("section_missing", "sections.other"),
        ("other_funding_undeclared", "other_funding_declared"),
        ("provinces_too_few", "members"),
        ("institutions_too_few", "members"),
        ("lead_missing", "members"),
        ("budget_empty", "budget_lines"),
    ]


def _case(case_id, expected, rules=None, **proposal):
    return pytest.param(proposal, rules or {}, expected, id=case_id)


THREE_PROVINCES = (member("fudan", lead=True), member("zju"), member("nju"))
SIX = ("fudan", "zju", "nju", "ustc", "tongji", "seu")
WITH_OUTSIDER = (member("fudan", lead=True), member("zju"), member("pku"))

RULE_CASES = [
    # Required texts.
    _case("title-zh-blank", ["title_zh_missing"], title_zh="  "),
    _case("title-en-missing", ["title_en_missing"], title_en=""),
    _case("primary-code-missing", ["primary_code_missing"], primary_code=""),
    _case("abstract-zh-missing", ["abstract_zh_missing"], abstract_zh=""),
    _case("abstract-en-missing", ["abstract_en_missing"], abstract_en="\n"),
    # Keywords.
    _case("three-keywords", [], keywords=("a", "b", "c")),
    _case("five-keywords", [], keywords=("a", "b", "c", "d", "e")),
    _case("two-keywords", ["keywords_too_few"], keywords=("a", "b")),
    _case("six-keywords", ["keywords_too_many"], keywords=("a", "b", "c", "d", "e", "f")),
    _case("duplicate-keywords", ["keywords_too_few"], keywords=("AI", "ai ", "b", " ")),
    # Abstract lengths.
    _case("abstract-zh-at-limit", [], abstract_zh="字" * 400),
    _case("abstract-zh-too-long", ["abstract_zh_too_long"], abstract_zh="字" * 401),
    _case("abstract-en-at-limit", [], abstract_en="x" * 3000),
    _case("abstract-en-too-long", ["abstract_en_too_long"], abstract_en="x" * 3001),
    # Discipline areas.
    _case("code-equals-area", [], primary_code="E03"),
    _case("code-under-area", [], primary_code="E0301"),
    _case("code-outside-areas", ["primary_code_outside_call"], primary_code="E0401"),
    _case("department-above-area", ["primary_code_outside_call"], primary_code="E"),
    _case("call-open-to-all", [], {"discipline_areas": ()}, primary_code="H0101"),
    # Duration.
    _case("duration-minimum", [], duration_months=24),
    _case("duration-maximum", [], duration_months=48),
    _case("duration-too-short", ["duration_out_of_range"], duration_months=23),
    _case("duration-too-long", ["duration_out_of_range"], duration_months=49),
    _case("duration-missing", ["duration_missing"], duration_months=None),
    # Narrative: sections, or a PDF.
    _case(
        "section-blank",
        ["section_missing"],
        sections={"rationale": "...", "basis": " ", "other": "..."},
    ),
    _case("pdf-instead-of-sections", [], sections={}, has_narrative_pdf=True),
    _case(
        "pdf-required-missing",
        ["narrative_pdf_missing"],
        {"narrative_pdf_required": True},
    ),
    _case("pdf-required-present", [], {"narrative_pdf_required": True}, has_narrative_pdf=True),
    # Section lengths (grants.core.limits), with or without a PDF.
    _case(
        "sections-at-their-limits",
        [],
        sections={"rationale": "字" * 20000, "basis": "字" * 8000, "other": "字" * 2000},
    ),
    _case(
        "section-over-its-limit",
        ["section_too_long"],
        sections={"rationale": "...", "basis": "字" * 8001, "other": "..."},
    ),
    _case(
        "section-over-its-limit-beside-a-pdf",
        ["section_too_long"],
        sections={"rationale": "...", "basis": "...", "other": "x" * 2001},
        has_narrative_pdf=True,
    ),
    _case(
        "one-megabyte-section",
        ["section_too_long"],
        sections={"rationale": "x" * 1_000_000, "basis": "...", "other": "..."},
    ),
    # Other funding.
    _case("other-funding-undeclared", ["other_funding_undeclared"], other_funding_declared=False),
    # Provinces and institutions.
    _case(
        "one-province",
        ["provinces_too_few"],
        members=(member("fudan", lead=True), member("tongji")),
        budget_lines=budget_for("fudan", "tongji"),
    ),
    _case("three-provinces-required", [], {"min_provinces": 3}, members=THREE_PROVINCES),
    _case(
        "lead-alone",
        ["provinces_too_few", "institutions_too_few"],
        members=(member("fudan", lead=True),),
        budget_lines=budget_for("fudan"),
    ),
    _case("six-institutions", [], members=tuple(member(k, lead=k == "fudan") for k in SIX)),
    _case(
        "seven-institutions",
        ["institutions_too_many"],
        members=tuple(member(k, lead=k == "fudan") for k in (*SIX, "sjtu")),
    ),
    # Lead.
    _case(
        "lead-outside",
        ["lead_outside_funding_provinces"],
        members=(member("pku", lead=True), member("zju"), member("nju")),
        budget_lines=budget_for("zju", "nju"),
    ),
    _case("no-lead", ["lead_missing"], members=(member("fudan"), member("zju"))),
    _case(
        "two-leads",
        ["lead_multiple"],
        members=(member("fudan", lead=True), member("zju", lead=True)),
    ),
    # Partners outside the funding provinces.
    _case("outsider-refused", ["partner_outside_funding_provinces"], members=WITH_OUTSIDER),
    _case(
        "outsider-unfunded",
        [],
        {"allow_unfunded_partners": True},
        members=WITH_OUTSIDER,
        budget_lines=(*budget_for("fudan", "zju"), line("pku", OPERATIONS, 1, "0")),
    ),
    _case(
        "outsider-funded",
        ["unfunded_partner_has_budget"],
        {"allow_unfunded_partners": True},
        members=WITH_OUTSIDER,
        budget_lines=budget_for("fudan", "zju", "pku"),
    ),
    # Partners confirmed.
    _case(
        "partner-pending",
        ["member_pending"],
        members=(*THREE_PROVINCES, member("ustc", status=PENDING)),
    ),
    _case(
        "partner-declined",
        ["member_declined"],
        members=(*THREE_PROVINCES, member("ustc", status=DECLINED)),
    ),
    _case(
        "partner-revoked",
        [],
        members=(*THREE_PROVINCES, member("ustc", status=REVOKED)),
    ),
    _case(
        "only-partner-pending",
        ["provinces_too_few", "institutions_too_few", "member_pending"],
        members=(member("fudan", lead=True), member("zju", status=PENDING)),
    ),
    # PI quotas across the call.
    _case("lead-pi-in-one-other", [], pi_load={"pi-fudan": (0, 1)}),
    _case("lead-pi-leads-another", ["pi_lead_quota"], pi_load={"pi-fudan": (1, 1)}),
    _case("partner-pi-leads-another", [], pi_load={"pi-zju": (1, 1)}),
    _case("partner-pi-in-two-others", ["pi_participation_quota"], pi_load={"pi-zju": (0, 2)}),
    _case(
        "lead-pi-over-both",
        ["pi_lead_quota", "pi_participation_quota"],
        pi_load={"pi-fudan": (1, 2)},
    ),
    # Other drafts count only where the call says so.
    _case("partner-pi-in-two-other-drafts", [], pi_draft_load={"pi-zju": (0, 2)}),
    _case("lead-pi-leads-other-drafts", [], pi_draft_load={"pi-fudan": (10, 10)}),
    _case(
        "drafts-counted-by-the-call",
        ["pi_participation_quota"],
        {"drafts_count_toward_quotas": True},
        pi_draft_load={"pi-zju": (0, 2)},
    ),
    _case(
        "drafts-and-submitted-add-up-where-counted",
        ["pi_lead_quota", "pi_participation_quota"],
        {"drafts_count_toward_quotas": True},
        pi_load={"pi-fudan": (0, 1)},
        pi_draft_load={"pi-fudan": (1, 1)},
    ),
    _case(
        "submitted-counted-whatever-the-drafts",
        ["pi_participation_quota"],
        pi_load={"pi-zju": (0, 2)},
        pi_draft_load={"pi-zju": (0, 5)},
    ),
    _case(
        "one-pi-at-two-members-counts-once",
        [],
        members=(member("fudan", lead=True), member("zju"), member("nju", pi_id="pi-zju")),
        pi_load={"pi-zju": (0, 1)},
    ),
    # Budget.
    _case("budget-empty", ["budget_empty"], budget_lines=()),
    _case(
        "direct-at-cap",
        [],
        budget_lines=(
            line("fudan", OPERATIONS, 1, "1500000"),
            line("zju", PERSONNEL, 2, "1500000"),
        ),
    ),
    _case(
        "direct-above-cap",
        ["budget_direct_total_cap"],
        budget_lines=(
            line("fudan", OPERATIONS, 1, "1500000"),
            line("zju", PERSONNEL, 2, "1500000.01"),
        ),
    ),
    _case("year-at-cap", [], {"max_direct_per_year": Decimal("600000")}),
    _case(
        "year-above-cap",
        ["budget_direct_year_cap"],
        {"max_direct_per_year": Decimal("599999.99")},
    ),
    _case(
        "equipment-at-share",
        [],
        budget_lines=(line("fudan", EQUIPMENT, 1, "400000"), line("zju", OPERATIONS, 1, "600000")),
    ),
    _case(
        "equipment-above-share",
        ["budget_equipment_share"],
        budget_lines=(
            line("fudan", EQUIPMENT, 1, "400000.01"),
            line("zju", OPERATIONS, 1, "600000"),
        ),
    ),
    _case(
        "year-within-duration",
        [],
        duration_months=25,
        budget_lines=(*budget_for("fudan", "zju"), line("zju", OPERATIONS, 3, "1000")),
    ),
    _case(
        "year-beyond-duration",
        ["budget_year_out_of_range"],
        duration_months=24,
        budget_lines=(*budget_for("fudan", "zju"), line("zju", OPERATIONS, 3, "1000")),
    ),
    _case(
        "lines-of-revoked-member",
        ["budget_member_unknown"],
        members=(*THREE_PROVINCES, member("ustc", status=REVOKED)),
        budget_lines=budget_for("fudan", "ustc"),
    ),
]


@pytest.mark.parametrize(("proposal", "rules", "expected"), RULE_CASES)
def test_rule(proposal, rules, expected):
    assert codes(make_proposal(**proposal), make_rules(**rules)) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (OPENS - timedelta(seconds=1), ["call_not_open"]),
        (OPENS, []),
        (CLOSES - timedelta(seconds=1), []),
        (CLOSES, ["call_closed"]),
        (CLOSES + timedelta(seconds=1), ["call_closed"]),
        (datetime(2025, 10, 31, 7, 59, 59, tzinfo=UTC), []),
        (datetime(2025, 10, 31, 8, 0, tzinfo=UTC), ["call_closed"]),
    ],
    ids=[
        "second-before-opening",
        "at-opening",
        "second-before-deadline",
        "at-deadline",
        "second-after-deadline",
        "second-before-deadline-in-utc",
        "at-deadline-in-utc",
    ],
)
def test_call_window(now, expected):
    assert codes(make_proposal(), now=now) == expected


def test_now_must_be_aware():
    with pytest.raises(ValueError):
        check(make_proposal(), make_rules(), datetime(2025, 10, 15, 10, 0))


def _messages(proposal=None, rules=None, now=NOW):
    return [
        (v.message_zh, v.message_en)
        for v in check(proposal or make_proposal(), rules or make_rules(), now)
    ]


@pytest.mark.parametrize(
    ("proposal", "rules", "now", "expected"),
    [
        pytest.param(
            {
                "members": (member("fudan", lead=True), member("tongji")),
                "budget_lines": budget_for("fudan", "tongji"),
            },
            {},
            NOW,
            (
                "联合体仅覆盖 1 个出资省份，本指南要求至少 2 个。",
                "The consortium spans 1 funding province; this call requires at least 2.",
            ),
            id="provinces",
        ),
        pytest.param(
            {
                "budget_lines": (
                    line("fudan", OPERATIONS, 1, "1500000"),
                    line("zju", OPERATIONS, 1, "1500000.01"),
                )
            },
            {},
            NOW,
            (
                "直接费用合计 ¥3,000,000.01，超过本指南上限 ¥3,000,000.00。",
                "Direct costs total ¥3,000,000.01; this call allows at most ¥3,000,000.00.",
            ),
            id="direct-cap",
        ),
        pytest.param(
            {
                "budget_lines": (
                    line("fudan", EQUIPMENT, 1, "450000"),
                    line("zju", OPERATIONS, 1, "550000"),
                )
            },
            {},
            NOW,
            (
                "设备费 ¥450,000.00 占直接费用 ¥1,000,000.00 的 45%，本指南上限为 40%。",
                "Equipment (¥450,000.00) is 45% of direct costs (¥1,000,000.00); "
                "this call allows at most 40%.",
            ),
            id="equipment-share",
        ),
        pytest.param(
            {"pi_load": {"pi-zju": (0, 2)}},
            {},
            NOW,
            (
                "Zhejiang University的负责人在本指南下将参与 3 项申请（含牵头），限 2 项。",
                "The PI at Zhejiang University would take part in 3 proposals in this call, "
                "leading included; the limit is 2.",
            ),
            id="participation-quota",
        ),
        pytest.param(
            {
                "members": (*THREE_PROVINCES, member("ustc", status=REVOKED)),
                "budget_lines": budget_for("fudan", "ustc"),
            },
            {},
            NOW,
            (
                "预算中列有University of Science and Technology of China的费用，但该单位已不在联合体内。",
                "The budget has lines for University of Science and Technology of China, "
                "which is not in the consortium.",
            ),
            id="lines-of-revoked-member",
        ),
        pytest.param(
            {"sections": {"rationale": "x" * 20001, "basis": "...", "other": "..."}},
            {},
            NOW,
            (
                "“立项依据与研究内容”部分共 20001 字，限 20000 字以内，请删减后再提交。",
                "The section “rationale and research content” has 20001 characters; at most "
                "20000 are allowed. Shorten it before submitting.",
            ),
            id="section-too-long",
        ),
        pytest.param(
            {},
            {},
            CLOSES,
            (
                "本指南已于北京时间 2025-10-31 16:00 截止申请。",
                "The call closed at 2025-10-31 16:00 Beijing time.",
            ),
            id="deadline",
        ),
    ],
)
def test_messages_name_the_rule_with_its_numbers(proposal, rules, now, expected):
    assert _messages(make_proposal(**proposal), make_rules(**rules), now) == [expected]
