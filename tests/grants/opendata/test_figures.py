"""The money between provinces (grants/opendata/figures.py): tables of awards and their flows."""

from decimal import Decimal

import pytest

from grants.opendata.figures import Award, award_flows, money_figures

SH, JS, ZJ, AH = "310000", "320000", "330000", "340000"


def d(value):
    return Decimal(value)


@pytest.mark.parametrize(
    ("paid_by", "spent_in", "flows"),
    [
        # The virtual common pot: each province pays its own institutions, nothing crosses.
        ({SH: d(600), ZJ: d(400)}, {SH: d(600), ZJ: d(400)}, {(SH, SH): d(600), (ZJ, ZJ): d(400)}),
        # The real pot: Shanghai pays for all of a Shanghai–Anhui project.
        ({SH: d(1000)}, {SH: d(700), AH: d(300)}, {(SH, SH): d(700), (SH, AH): d(300)}),
        # A payer with no institution in the project: all of it crosses, in proportion.
        (
            {JS: d(100)},
            {SH: d(1), ZJ: d(2)},
            {(JS, SH): d("33.33"), (JS, ZJ): d("66.67")},
        ),
        # Two surpluses share the one deficit; a fen is never lost.
        (
            {SH: d("500.01"), JS: d("300"), AH: d("0")},
            {SH: d("400"), JS: d("200"), AH: d("200.01")},
            {(SH, SH): d(400), (JS, JS): d(200), (SH, AH): d("100.01"), (JS, AH): d(100)},
        ),
        # No spending recorded: each province's money stays at home.
        ({SH: d(10), ZJ: d(5)}, {}, {(SH, SH): d(10), (ZJ, ZJ): d(5)}),
        # Paid beyond the spending: the surplus stays with the payer.
        ({SH: d(120)}, {SH: d(100)}, {(SH, SH): d(120)}),
        # Nothing paid, nothing flows.
        ({}, {SH: d(100)}, {}),
    ],
)
def test_award_flows(paid_by, spent_in, flows):
    assert award_flows(Award(paid_by=paid_by, spent_in=spent_in)) == flows


@pytest.mark.parametrize(
    ("awards", "totals", "total"),
    [
        ([], [], d(0)),
        (
            [
                Award({SH: d(600), ZJ: d(400)}, {SH: d(600), ZJ: d(400)}),
                Award({SH: d(1000)}, {SH: d(700), AH: d(300)}),
            ],
            [(SH, d(1600), d(1300)), (ZJ, d(400), d(400)), (AH, d(0), d(300))],
            d(2000),
        ),
    ],
)
def test_money_figures_per_province(awards, totals, total):
    figures = money_figures(awards)
    assert [(row.code, row.contributed, row.spent) for row in figures.totals] == totals
    assert figures.total == total


def test_flows_add_up_across_awards_and_balance_says_who_pays_for_others():
    figures = money_figures(
        [Award({SH: d(1000)}, {SH: d(700), AH: d(300)}), Award({SH: d(50)}, {AH: d(50)})]
    )
    assert figures.flows == {(SH, SH): d(700), (SH, AH): d(350)}
    assert [row.balance for row in figures.totals] == [d(350), d(-350)]
