from datetime import date
from decimal import Decimal as D

import pytest

from grants.projects import change_rules as rules
from grants.projects.change_rules import Move

# Member 1 (the lead) and 2 are in Shanghai, 3 in Zhejiang.
PROVINCE = {1: "310000", 2: "310000", 3: "330000"}
CELLS = {
    (1, "equipment", 1): D("100000"),
    (1, "operations", 1): D("50000"),
    (1, "operations", 2): D("50000"),
    (1, "indirect", 1): D("20000"),
    (2, "personnel", 1): D("40000"),
    (3, "operations", 1): D("80000"),
}


@pytest.mark.parametrize(
    ("moves", "changed", "consent", "alone"),
    [
        # Within one member, 10 % of the category (¥100,000 of operations over both years).
        ([Move((1, "operations", 1), (1, "equipment", 1), D("10000"))], [], [], True),
        # Within one member but over 10 %: Shanghai's money, so Shanghai consents.
        ([Move((1, "operations", 1), (1, "equipment", 1), D("10000.01"))], [], ["310000"], False),
        # Two moves out of one category add up.
        (
            [
                Move((1, "operations", 1), (1, "equipment", 1), D("6000")),
                Move((1, "operations", 2), (1, "personnel", 2), D("6000")),
            ],
            [],
            ["310000"],
            False,
        ),
        # Into a new cell of the same member (a category it had no line for).
        ([Move((1, "equipment", 1), (1, "personnel", 1), D("5000"))], [], [], True),
        # Between two members of one province: not the office alone, Shanghai consents.
        ([Move((1, "equipment", 1), (2, "personnel", 1), D("1000"))], [], ["310000"], False),
        # Across provinces: both totals change, both consent.
        (
            [Move((1, "equipment", 1), (3, "operations", 1), D("1000"))],
            ["310000", "330000"],
            ["310000", "330000"],
            False,
        ),
        # Across and back: no province total changes, but the members' money does.
        (
            [
                Move((1, "equipment", 1), (3, "operations", 1), D("1000")),
                Move((3, "operations", 1), (2, "personnel", 1), D("1000")),
            ],
            [],
            ["310000", "330000"],
            False,
        ),
    ],
)
def test_who_decides_a_reallocation(moves, changed, consent, alone):
    result = rules.reallocate(CELLS, PROVINCE, moves)
    assert result.ok
    assert (result.provinces_changed, result.consent_from, result.office_alone) == (
        changed,
        consent,
        alone,
    )
    assert sum(result.cells.values()) == sum(CELLS.values())


def test_the_new_cells():
    result = rules.reallocate(
        CELLS, PROVINCE, [Move((1, "equipment", 1), (1, "personnel", 1), D("5000"))]
    )
    assert result.cells[(1, "equipment", 1)] == D("95000")
    assert result.cells[(1, "personnel", 1)] == D("5000")
    assert result.cells[(3, "operations", 1)] == D("80000")
    assert CELLS[(1, "equipment", 1)] == D("100000")  # the award itself is left alone


@pytest.mark.parametrize(
    ("moves", "problems"),
    [
        ([], [(rules.NO_MOVES, None)]),
        ([Move((1, "equipment", 1), (1, "personnel", 1), D("0"))], [(rules.NOT_POSITIVE, 0)]),
        ([Move((1, "equipment", 1), (1, "personnel", 1), D("-5"))], [(rules.NOT_POSITIVE, 0)]),
        ([Move((1, "equipment", 1), (1, "personnel", 1), None)], [(rules.NOT_POSITIVE, 0)]),
        ([Move((1, "equipment", 2), (1, "personnel", 1), D("5"))], [(rules.UNKNOWN_SOURCE, 0)]),
        ([Move((9, "equipment", 1), (1, "personnel", 1), D("5"))], [(rules.UNKNOWN_SOURCE, 0)]),
        ([Move((1, "equipment", 1), (9, "personnel", 1), D("5"))], [(rules.UNKNOWN_TARGET, 0)]),
        ([Move((1, "equipment", 1), (1, "personnel", 5), D("5"))], [(rules.UNKNOWN_TARGET, 0)]),
        ([Move((1, "equipment", 1), (1, "equipment", 1), D("5"))], [(rules.SAME_CELL, 0)]),
        ([Move((1, "indirect", 1), (1, "equipment", 1), D("5"))], [(rules.FIXED_CATEGORY, 0)]),
        ([Move((1, "equipment", 1), (1, "indirect", 1), D("5"))], [(rules.FIXED_CATEGORY, 0)]),
        (
            [Move((2, "personnel", 1), (1, "equipment", 1), D("40000.01"))],
            [(rules.EXCEEDS, 0)],
        ),
        # What leaves one cell over several moves counts together, on its first move.
        (
            [
                Move((1, "equipment", 1), (3, "operations", 1), D("5")),
                Move((2, "personnel", 1), (1, "equipment", 1), D("30000")),
                Move((2, "personnel", 1), (3, "operations", 1), D("10001")),
            ],
            [(rules.EXCEEDS, 1)],
        ),
        (
            [
                Move((1, "equipment", 1), (1, "equipment", 1), D("5")),
                Move((1, "equipment", 1), (1, "personnel", 1), D("-1")),
            ],
            [(rules.SAME_CELL, 0), (rules.NOT_POSITIVE, 1)],
        ),
    ],
)
def test_a_wrong_reallocation_changes_nothing(moves, problems):
    result = rules.reallocate(CELLS, PROVINCE, moves)
    assert [(p.code, p.move) for p in result.problems] == problems
    assert result.cells == CELLS and not result.office_alone


def test_exceeding_says_what_was_moved_and_held():
    result = rules.reallocate(
        CELLS, PROVINCE, [Move((2, "personnel", 1), (1, "equipment", 1), D("50000"))]
    )
    assert result.problems[0].params == {"moved": D("50000"), "held": D("40000")}


ENDS = date(2027, 12, 31)


@pytest.mark.parametrize(
    ("months", "today", "before", "codes"),
    [
        (24, date(2027, 11, 1), 0, []),  # 60 days ahead exactly
        (1, date(2026, 1, 1), 0, []),
        (24, date(2027, 11, 2), 0, [rules.TOO_LATE]),
        (25, date(2026, 1, 1), 0, [rules.MONTHS_OUT_OF_RANGE]),
        (0, date(2026, 1, 1), 0, [rules.MONTHS_OUT_OF_RANGE]),
        (6, date(2026, 1, 1), 1, [rules.ALREADY_EXTENDED]),
        (
            30,
            date(2028, 1, 5),
            1,
            [rules.ALREADY_EXTENDED, rules.MONTHS_OUT_OF_RANGE, rules.TOO_LATE],
        ),
    ],
)
def test_extension_rules(months, today, before, codes):
    assert [p.code for p in rules.extension_problems(months, ENDS, today, before)] == codes


def test_a_project_not_started_cannot_be_extended():
    assert [p.code for p in rules.extension_problems(6, None, date(2026, 1, 1), 0)] == [
        rules.TOO_LATE
    ]


@pytest.mark.parametrize(
    ("start", "duration", "months", "end"),
    [
        (date(2026, 1, 1), 36, 12, date(2029, 12, 31)),
        (date(2026, 3, 31), 24, 1, date(2028, 4, 29)),
    ],
)
def test_extended_end(start, duration, months, end):
    assert rules.extended_end(start, duration, months) == end


@pytest.mark.parametrize(
    ("old", "new", "consent"),
    [("310000", "310000", []), ("310000", "330000", ["310000", "330000"])],
)
def test_partner_consent(old, new, consent):
    assert rules.partner_consent(old, new) == consent


@pytest.mark.parametrize(
    ("paid", "kept", "owed"),
    [
        ({"310000": D("100"), "330000": D("50")}, {}, {"310000": D("100"), "330000": D("50")}),
        ({"310000": D("100")}, {"310000": D("30")}, {"310000": D("70")}),
        ({"310000": D("100")}, {"310000": D("130")}, {"310000": D("0")}),
        ({"310000": D("0"), "330000": D("5")}, {"330000": None}, {"330000": D("5")}),
    ],
)
def test_refunds_owed(paid, kept, owed):
    assert rules.refunds_owed(paid, kept) == owed


# ---- a province's instalments after a reallocation ---------------------------------------------


@pytest.mark.parametrize(
    "committed, weights, paid, expected",
    [
        # Nothing paid yet: the new total spread as the new budget's years.
        ("300", {1: "100", 2: "200"}, {}, {1: "100", 2: "200"}),
        # Year 1 paid as it was (150); the new total 240 asks 80 of it: year 1 stays, year 2 takes the rest.
        ("240", {1: "80", 2: "160"}, {1: "150"}, {1: "150", 2: "90"}),
        # More money (a province receives more): the unpaid years take it.
        ("400", {1: "100", 2: "150", 3: "150"}, {1: "100"}, {1: "100", 2: "150", 3: "150"}),
        # Paid years lack nothing and the rest is spread over what the others lack, to the fen.
        ("100.01", {1: "1", 2: "1", 3: "1"}, {1: "50"}, {1: "50", 2: "25.01", 3: "25.00"}),
        # Everything already paid in full: the last year takes nothing more.
        ("200", {1: "100", 2: "100"}, {1: "100", 2: "100"}, {1: "100", 2: "100"}),
    ],
)
def test_rescheduled_keeps_what_is_paid_and_adds_up(committed, weights, paid, expected):
    result = rules.rescheduled(
        D(committed),
        {year: D(w) for year, w in weights.items()},
        {year: D(p) for year, p in paid.items()},
    )
    assert result == {year: D(amount) for year, amount in expected.items()}
    assert sum(result.values()) == D(committed)


def test_a_province_that_paid_beyond_the_new_total_is_refused():
    assert (
        rules.rescheduled(D("100"), {1: D("50"), 2: D("50")}, {1: D("80"), 2: D("30")})
        == rules.PAID_BEYOND
    )
