"""The awarded budget: the proposal's budget with the office's cut applied, per member, category
and project year, so that each province's lines add up to what its institutions receive.

Pure: budget lines and amounts in, amounts out. Every split goes through grants.core.money, so a
province's awarded lines always add up to its award to the fen.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from grants.core.money import ZERO, allocate
from grants.proposals import budget

INDIRECT = "indirect"  # the awarded budget spells out indirect costs as a category of its own

# (member, category, year) -> amount
Cell = tuple[str, str, int]


def requested_cells(lines: Iterable[budget.Line]) -> dict[Cell, Decimal]:
    """What the proposal asked for, cell by cell: its direct lines as typed and the indirect
    costs the rules give each member and year (grants.proposals.budget.summarise)."""
    lines = list(lines)
    cells: dict[Cell, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        cells[(line.member, line.category, line.year)] += line.amount
    for member, totals in budget.summarise(lines).by_member.items():
        for year, year_totals in totals.by_year.items():
            if year_totals.indirect:
                cells[(member, INDIRECT, year)] += year_totals.indirect
    return dict(sorted(cells.items()))


def awarded_cells(
    lines: Iterable[budget.Line], received: Mapping[str, Decimal]
) -> dict[Cell, Decimal]:
    """The awarded budget: each province's award (``received``, by province code) spread over
    that province's requested cells in proportion. Without a cut every cell keeps its amount.

    A province with an award but no requested cell cannot be spread and raises ValueError: the
    award's shares and the frozen budget disagree, which funding never produces.
    """
    lines = list(lines)
    province_of = {line.member: line.province for line in lines}
    requested = requested_cells(lines)
    by_province: dict[str, dict[Cell, Decimal]] = defaultdict(dict)
    for cell, amount in requested.items():
        by_province[province_of[cell[0]]][cell] = amount
    awarded: dict[Cell, Decimal] = {}
    for code, amount in sorted(received.items()):
        if amount and not by_province.get(code):
            raise ValueError(f"an award for {code} but no budget line of that province")
        awarded.update(allocate(amount, by_province.get(code, {})))
    return dict(sorted(awarded.items()))


def province_totals(cells: Mapping[Cell, Decimal], province_of: Mapping[str, str]) -> dict:
    """The cells' totals per province code."""
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (member, _, _), amount in cells.items():
        totals[province_of[member]] += amount
    return dict(sorted(totals.items()))
