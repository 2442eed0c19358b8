"""The money between provinces: what each province pays for the published awards against where
that money is spent.

Pure: per award, what each province pays (its award shares) and what the members in each
province were awarded (the awarded budget); out, the flows province → province and each
province's totals. A province's payment for one award pays its own institutions first, and only
what it pays beyond that crosses to another province (award_flows): in the virtual common pot
every province's money stays at home, in the real or mixed pot the flows show who pays for
whose institutions.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from grants.core.money import ZERO, allocate


@dataclass(frozen=True)
class Award:
    paid_by: Mapping[str, Decimal]  # province code -> what it pays for the award
    spent_in: Mapping[str, Decimal]  # province code -> the awarded budget of its members


@dataclass(frozen=True)
class ProvinceTotal:
    code: str
    contributed: Decimal
    spent: Decimal

    @property
    def balance(self) -> Decimal:
        """Positive: the province pays more than its institutions receive."""
        return self.contributed - self.spent


@dataclass(frozen=True)
class MoneyFigures:
    totals: tuple[ProvinceTotal, ...] = ()
    flows: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)  # (from, to)

    @property
    def total(self) -> Decimal:
        return sum((row.contributed for row in self.totals), ZERO)


def award_flows(award: Award) -> dict[tuple[str, str], Decimal]:
    """One award's flows. A province's money pays its own institutions first (in the virtual
    common pot that is all of it); what it pays beyond that is spread over the provinces whose
    spending the others' money covers, in proportion to what is left to cover there. An award
    with no spending recorded keeps each province's money at home."""
    paid = {code: amount for code, amount in award.paid_by.items() if amount > 0}
    spent = {code: amount for code, amount in award.spent_in.items() if amount > 0}
    if not spent:
        return {(code, code): amount for code, amount in sorted(paid.items())}
    flows: dict[tuple[str, str], Decimal] = {}
    uncovered = {}
    for code in sorted(set(paid) | set(spent)):
        home = min(paid.get(code, ZERO), spent.get(code, ZERO))
        if home:
            flows[(code, code)] = home
        if spent.get(code, ZERO) > home:
            uncovered[code] = spent[code] - home
    for payer, amount in sorted(paid.items()):
        surplus = amount - flows.get((payer, payer), ZERO)
        if surplus <= 0:
            continue
        for receiver, part in allocate(surplus, uncovered or {payer: amount}).items():
            if part:
                flows[(payer, receiver)] = flows.get((payer, receiver), ZERO) + part
    return flows


def money_figures(awards: Iterable[Award]) -> MoneyFigures:
    """Every award's flows added up, and per province what it pays and what is spent there,
    the provinces in code order."""
    flows: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    contributed: dict[str, Decimal] = defaultdict(lambda: ZERO)
    spent: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for award in awards:
        for pair, amount in award_flows(award).items():
            flows[pair] += amount
            contributed[pair[0]] += amount
            spent[pair[1]] += amount
    codes = sorted(set(contributed) | set(spent))
    totals = tuple(
        ProvinceTotal(code, contributed.get(code, ZERO), spent.get(code, ZERO)) for code in codes
    )
    return MoneyFigures(totals=totals, flows=dict(sorted(flows.items())))
