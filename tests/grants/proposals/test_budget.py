from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.core.money import FEN, format_yuan
from grants.proposals.budget import (
    AMOUNT_ERROR_MESSAGES,
    AMOUNT_NEGATIVE,
    AMOUNT_NOT_A_NUMBER,
    AMOUNT_TOO_LARGE,
    AMOUNT_TOO_PRECISE,
    CATEGORIES,
    EQUIPMENT,
    OPERATIONS,
    PERSONNEL,
    Line,
    Totals,
    equipment_share,
    indirect_cost_cap,
    summarise,
    validate_amount,
    years,
)

SHANGHAI, JIANGSU, ZHEJIANG, ANHUI = "310000", "320000", "330000", "340000"


def line(member, province, category, year, amount):
    return Line(member, province, category, year, Decimal(amount))


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("0", "0.00"),
        ("-100", "0.00"),
        ("0.01", "0.00"),
        ("0.05", "0.02"),  # 0.015 rounds half up, once, at the end
        ("1000000", "300000.00"),
        ("4999900", "1499970.00"),
        ("4999999.99", "1500000.00"),
        ("5000000", "1500000.00"),
        ("5000000.01", "1500000.00"),
        ("5000100", "1500025.00"),
        ("9999900", "2749975.00"),
        ("10000000", "2750000.00"),
        ("10000100", "2750020.00"),
        ("12000000", "3150000.00"),
    ],
    ids=[
        "zero",
        "negative",
        "one-fen",
        "rounds-half-up",
        "first-tier",
        "just-below-5m",
        "one-fen-below-5m",
        "exactly-5m",
        "one-fen-above-5m",
        "just-above-5m",
        "just-below-10m",
        "exactly-10m",
        "just-above-10m",
        "third-tier",
    ],
)
def test_indirect_cost_cap_follows_the_tiers(base, expected):
    cap = indirect_cost_cap(Decimal(base))
    assert cap == Decimal(expected)
    assert cap.as_tuple().exponent == -2


SUMMARY_CASES = [
    pytest.param([], "0.00", "0.00", "0.00", {}, id="no-lines"),
    pytest.param(
        [line("fudan", SHANGHAI, OPERATIONS, 1, "0")],
        "0.00",
        "0.00",
        "0.00",
        {SHANGHAI: ("0.00", "0.00")},
        id="zero-amounts",
    ),
    pytest.param(
        [
            line("fudan", SHANGHAI, EQUIPMENT, 1, "500000"),
            line("zju", ZHEJIANG, EQUIPMENT, 2, "300000"),
        ],
        "800000.00",
        "800000.00",
        "0.00",
        {SHANGHAI: ("500000.00", "0.00"), ZHEJIANG: ("300000.00", "0.00")},
        id="equipment-only",
    ),
    pytest.param(
        [
            line("fudan", SHANGHAI, OPERATIONS, 1, "600000"),
            line("tongji", SHANGHAI, PERSONNEL, 2, "400000"),
        ],
        "1000000.00",
        "0.00",
        "300000.00",
        {SHANGHAI: ("1000000.00", "300000.00")},
        id="one-province",
    ),
    pytest.param(
        [
            line("fudan", SHANGHAI, EQUIPMENT, 1, "200000"),
            line("fudan", SHANGHAI, OPERATIONS, 1, "600000"),
            line("nju", JIANGSU, PERSONNEL, 1, "300000"),
            line("ustc", ANHUI, OPERATIONS, 2, "100000"),
        ],
        "1200000.00",
        "200000.00",
        "300000.00",
        {
            SHANGHAI: ("800000.00", "180000.00"),
            JIANGSU: ("300000.00", "90000.00"),
            ANHUI: ("100000.00", "30000.00"),
        },
        id="several-provinces",
    ),
    pytest.param(
        [line("fudan", SHANGHAI, OPERATIONS, 1, "7000000")],
        "7000000.00",
        "0.00",
        "2000000.00",
        {SHANGHAI: ("7000000.00", "2000000.00")},
        id="second-tier",
    ),
]


@pytest.mark.parametrize(("lines", "direct", "equipment", "indirect", "by_province"), SUMMARY_CASES)
def test_summarise_totals(lines, direct, equipment, indirect, by_province):
    summary = summarise(lines)
    assert summary.direct_total == Decimal(direct)
    assert summary.equipment_total == Decimal(equipment)
    assert summary.indirect_total == Decimal(indirect)
    assert summary.total == Decimal(direct) + Decimal(indirect)
    assert {
        province: (totals.direct, totals.indirect)
        for province, totals in summary.by_province.items()
    } == {province: (Decimal(d), Decimal(i)) for province, (d, i) in by_province.items()}


def test_indirect_is_shared_by_cell_base_not_by_member():
    summary = summarise(
        [
            line("fudan", SHANGHAI, EQUIPMENT, 1, "200000"),
            line("fudan", SHANGHAI, OPERATIONS, 2, "100000"),
            line("zju", ZHEJIANG, PERSONNEL, 1, "300000"),
        ]
    )
    fudan = summary.by_member["fudan"]
    assert fudan.by_year == {
        1: Totals(Decimal("200000.00"), Decimal("0.00")),
        2: Totals(Decimal("100000.00"), Decimal("30000.00")),
    }
    assert fudan.by_category == {
        EQUIPMENT: Decimal("200000.00"),
        OPERATIONS: Decimal("100000.00"),
        PERSONNEL: Decimal("0.00"),
    }
    assert summary.by_member["zju"].indirect == Decimal("90000.00")
    assert summary.by_year[1] == Totals(Decimal("500000.00"), Decimal("90000.00"))
    assert summary.by_province_year[(SHANGHAI, 2)].indirect == Decimal("30000.00")


def test_the_left_over_fen_goes_to_the_largest_remainder_then_member_order():
    # Base 0.33 allows 0.099, so 0.10; a third each is 0.0333..., one fen is left over.
    lines = [line(member, SHANGHAI, OPERATIONS, 1, "0.11") for member in ("c", "b", "a")]
    summary = summarise(lines)
    assert summary.indirect_total == Decimal("0.10")
    assert {member: totals.indirect for member, totals in summary.by_member.items()} == {
        "a": Decimal("0.04"),
        "b": Decimal("0.03"),
        "c": Decimal("0.03"),
    }


def test_summaries_list_members_provinces_and_years_in_order():
    summary = summarise(
        [
            line("zju", ZHEJIANG, OPERATIONS, 3, "1"),
            line("fudan", SHANGHAI, OPERATIONS, 1, "1"),
        ]
    )
    assert list(summary.by_member) == ["fudan", "zju"]
    assert list(summary.by_province) == [SHANGHAI, ZHEJIANG]
    assert years(summary) == (1, 3)
    assert summary.province_of_member == {"fudan": SHANGHAI, "zju": ZHEJIANG}


@pytest.mark.parametrize(
    "bad_line",
    [
        line("fudan", SHANGHAI, "travel", 1, "1"),
        line("fudan", JIANGSU, OPERATIONS, 1, "1"),
    ],
    ids=["unknown-category", "member-in-two-provinces"],
)
def test_summarise_refuses_inconsistent_lines(bad_line):
    with pytest.raises(ValueError):
        summarise([line("fudan", SHANGHAI, OPERATIONS, 1, "1"), bad_line])


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([], Decimal(0)),
        ([line("a", SHANGHAI, OPERATIONS, 1, "100")], Decimal(0)),
        (
            [line("a", SHANGHAI, EQUIPMENT, 1, "40"), line("a", SHANGHAI, PERSONNEL, 1, "60")],
            Decimal("0.4"),
        ),
        ([line("a", SHANGHAI, EQUIPMENT, 1, "100")], Decimal(1)),
    ],
    ids=["no-budget", "no-equipment", "forty-percent", "equipment-only"],
)
def test_equipment_share(lines, expected):
    assert equipment_share(summarise(lines)) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0", "¥0.00"),
        ("3000000", "¥3,000,000.00"),
        ("1234.5", "¥1,234.50"),
        ("-12.3", "-¥12.30"),
    ],
    ids=["zero", "millions", "pads-fen", "negative"],
)
def test_format_yuan(amount, expected):
    assert format_yuan(Decimal(amount)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("12000.50"), None),
        ("12000.50", None),
        (" 3 ", None),
        (0, None),
        ("1.500", None),
        ("100000000", None),
        ("abc", AMOUNT_NOT_A_NUMBER),
        ("", AMOUNT_NOT_A_NUMBER),
        (None, AMOUNT_NOT_A_NUMBER),
        (1.5, AMOUNT_NOT_A_NUMBER),
        (True, AMOUNT_NOT_A_NUMBER),
        ("NaN", AMOUNT_NOT_A_NUMBER),
        ("Infinity", AMOUNT_NOT_A_NUMBER),
        ("-0.01", AMOUNT_NEGATIVE),
        ("1.005", AMOUNT_TOO_PRECISE),
        ("100000000.01", AMOUNT_TOO_LARGE),
        ("1e50", AMOUNT_NOT_A_NUMBER),
        ("1_000", AMOUNT_NOT_A_NUMBER),
        ("１２，０００．５０", None),
        ("100,000,000.01", AMOUNT_TOO_LARGE),
    ],
    ids=[
        "decimal",
        "string",
        "padded-string",
        "zero-int",
        "trailing-zeros",
        "at-maximum",
        "text",
        "empty",
        "none",
        "float",
        "bool",
        "nan",
        "infinity",
        "negative",
        "sub-fen",
        "above-maximum",
        "exponent",
        "underscore",
        "full-width",
        "grouped-above-maximum",
    ],
)
def test_validate_amount(value, expected):
    assert validate_amount(value) == expected


def test_every_amount_error_has_both_messages():
    codes = {AMOUNT_NOT_A_NUMBER, AMOUNT_NEGATIVE, AMOUNT_TOO_PRECISE, AMOUNT_TOO_LARGE}
    assert set(AMOUNT_ERROR_MESSAGES) == codes
    assert AMOUNT_ERROR_MESSAGES[AMOUNT_TOO_LARGE] == (
        "单项金额不能超过 ¥100,000,000.00。",
        "A single line cannot exceed ¥100,000,000.00.",
    )


# Properties: whatever the lines, every breakdown adds up to the proposal's totals to the fen.

MEMBERS = ("fudan", "tongji", "nju", "seu", "zju", "ustc")
PROVINCES = (SHANGHAI, JIANGSU, ZHEJIANG, ANHUI, "110000")


@st.composite
def budgets(draw):
    province_of = {
        member: draw(st.sampled_from(PROVINCES))
        for member in draw(st.sets(st.sampled_from(MEMBERS), min_size=1))
    }
    cells = st.tuples(
        st.sampled_from(sorted(province_of)),
        st.sampled_from(CATEGORIES),
        st.integers(min_value=1, max_value=5),
        # Up to ¥20M a line in fen, so all three tiers are reached.
        st.integers(min_value=0, max_value=2_000_000_000),
    )
    return [
        Line(member, province_of[member], category, year, Decimal(fen) * FEN)
        for member, category, year, fen in draw(st.lists(cells, max_size=30))
    ]


def _totals_sum(totals):
    return sum((t.total for t in totals), Decimal(0))


def _amounts(summary):
    yield from (summary.direct_total, summary.equipment_total, summary.indirect_total)
    yield summary.total
    groups = (summary.by_province, summary.by_year, summary.by_province_year)
    for totals in (t for group in groups for t in group.values()):
        yield from (totals.direct, totals.indirect, totals.total)
    for member in summary.by_member.values():
        yield from (member.direct, member.indirect, member.total)
        yield from member.by_category.values()
        yield from (t.indirect for t in member.by_year.values())
    yield from summary.by_category.values()


# Timing is not what these tests are about; a busy machine should not fail them.
@settings(deadline=None)
@given(budgets())
def test_breakdowns_add_up_to_the_total(lines):
    summary = summarise(lines)
    assert _totals_sum(summary.by_province.values()) == summary.total
    assert _totals_sum(summary.by_member.values()) == summary.total
    assert _totals_sum(summary.by_year.values()) == summary.total
    assert _totals_sum(summary.by_province_year.values()) == summary.total
    assert sum(summary.by_category.values()) == summary.direct_total
    for member in summary.by_member.values():
        assert sum(member.by_category.values()) == member.direct
        assert _totals_sum(member.by_year.values()) == member.total


@settings(deadline=None)
@given(budgets())
def test_indirect_total_is_the_cap_on_direct_less_equipment(lines):
    summary = summarise(lines)
    direct = sum((line.amount for line in lines), Decimal(0))
    equipment = sum((line.amount for line in lines if line.category == EQUIPMENT), Decimal(0))
    assert summary.direct_total == direct
    assert summary.indirect_total == indirect_cost_cap(direct - equipment)


@settings(deadline=None)
@given(budgets())
def test_every_cell_gets_its_share_to_within_a_fen(lines):
    summary = summarise(lines)
    base = summary.direct_total - summary.equipment_total
    for key, member in summary.by_member.items():
        for year, totals in member.by_year.items():
            exact = summary.indirect_total * _cell_base(lines, key, year) / base if base else 0
            assert abs(totals.indirect - exact) < FEN


def _cell_base(lines, member, year):
    return sum(
        (
            line.amount
            for line in lines
            if line.member == member and line.year == year and line.category != EQUIPMENT
        ),
        Decimal(0),
    )


@settings(deadline=None)
@given(budgets())
def test_every_amount_has_two_decimal_places(lines):
    for amount in _amounts(summarise(lines)):
        assert amount.as_tuple().exponent == -2, amount
