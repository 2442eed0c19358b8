from decimal import Decimal as D

import pytest

from grants.projects.award_budget import awarded_cells, province_totals, requested_cells
from grants.proposals.budget import Line

LINES = [
    Line("1", "310000", "equipment", 1, D("100000")),
    Line("1", "310000", "operations", 1, D("50000")),
    Line("1", "310000", "personnel", 2, D("50000")),
    Line("2", "330000", "operations", 1, D("30000.01")),
    Line("2", "330000", "operations", 2, D("30000")),
]
PROVINCE_OF = {"1": "310000", "2": "330000"}


def test_requested_cells_add_the_indirect_costs_per_member_and_year():
    cells = requested_cells(LINES)
    assert cells[("1", "equipment", 1)] == D("100000")
    indirect = sum(v for (_, category, _), v in cells.items() if category == "indirect")
    # 30 % of the base (direct less equipment: 160,000.01) at the first tier.
    assert indirect == D("48000.00")


@pytest.mark.parametrize(
    "received",
    [
        {"310000": D("230000.00"), "330000": D("78000.01")},  # no cut: the request as asked
        {"310000": D("207000.00"), "330000": D("70200.01")},  # a 10 % cut
        {"310000": D("0.03"), "330000": D("0.01")},  # fen only: none lost
        {"310000": D("230000.00")},  # one province only
    ],
)
def test_each_province_gets_exactly_its_award(received):
    awarded = awarded_cells(LINES, received)
    totals = province_totals(awarded, PROVINCE_OF)
    assert {code: totals.get(code, D(0)) for code in received} == received
    assert all(amount >= 0 for amount in awarded.values())


def test_without_a_cut_every_cell_keeps_its_amount():
    requested = requested_cells(LINES)
    received = province_totals(requested, PROVINCE_OF)
    assert awarded_cells(LINES, received) == requested


def test_an_award_for_a_province_without_budget_is_refused():
    with pytest.raises(ValueError, match="320000"):
        awarded_cells(LINES, {"320000": D("1")})
