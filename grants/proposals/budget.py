"""A proposal's budget: direct costs as typed, indirect costs as the rules allow, and the totals
every screen and the funding run need (per member, province, year and category).

Pure: plain dataclasses in, plain dataclasses out. Every rounding and every split goes through
grants.core.money, so the per-member, per-province and per-year figures always add up to the fen.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from grants.core.money import (
    AMOUNT_NEGATIVE,
    AMOUNT_NOT_A_NUMBER,
    ZERO,
    AmountError,
    allocate,
    format_yuan,
    parse_amount,
    to_fen,
)

EQUIPMENT = "equipment"  # 设备费
OPERATIONS = "operations"  # 业务费
PERSONNEL = "personnel"  # 劳务费
CATEGORIES = (EQUIPMENT, OPERATIONS, PERSONNEL)

# The central-government rule for indirect costs (间接费用): marginal rates on direct costs
# less equipment, like an income-tax scale. Each row is (upper bound of the tier, rate); the
# last tier has no upper bound.
INDIRECT_TIERS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("5000000"), Decimal("0.30")),
    (Decimal("10000000"), Decimal("0.25")),
    (None, Decimal("0.20")),
)

# No single line of a joint-fund proposal comes near this; anything above is a typo.
MAX_LINE_AMOUNT = Decimal("100000000")


@dataclass(frozen=True)
class Line:
    """One budget line: a consortium member's costs in one category in one project year."""

    member: str
    province: str
    category: str
    year: int
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    direct: Decimal = ZERO
    indirect: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.direct + self.indirect

    def __add__(self, other: "Totals") -> "Totals":
        return Totals(self.direct + other.direct, self.indirect + other.indirect)


@dataclass(frozen=True)
class MemberTotals:
    province: str
    direct: Decimal
    indirect: Decimal
    by_category: dict[str, Decimal]
    by_year: dict[int, Totals]

    @property
    def total(self) -> Decimal:
        return self.direct + self.indirect


@dataclass(frozen=True)
class BudgetSummary:
    direct_total: Decimal
    equipment_total: Decimal
    indirect_total: Decimal
    by_member: dict[str, MemberTotals]
    by_province: dict[str, Totals]
    by_year: dict[int, Totals]
    by_province_year: dict[tuple[str, int], Totals]
    by_category: dict[str, Decimal]
    province_of_member: dict[str, str]

    @property
    def indirect_base(self) -> Decimal:
        return self.direct_total - self.equipment_total

    @property
    def total(self) -> Decimal:
        return self.direct_total + self.indirect_total


def indirect_cost_cap(base: Decimal) -> Decimal:
    """The most indirect cost the tiers allow on ``base`` (direct costs less equipment)."""
    cap, lower = Decimal(0), Decimal(0)
    for upper, rate in INDIRECT_TIERS:
        top = base if upper is None else min(base, upper)
        if top <= lower:
            break
        cap += (top - lower) * rate
        lower = upper
    # Rounded once, on the whole, so the tiers never add up rounding errors of their own.
    return to_fen(cap)


def summarise(lines: Iterable[Line]) -> BudgetSummary:
    """Totals of a proposal's budget, with indirect costs computed and shared out.

    Indirect costs are computed once for the whole proposal, then shared over the
    (member, year) cells in proportion to each cell's direct costs less equipment, so every
    breakdown adds up to the proposal's indirect total exactly.
    """
    lines = [_in_fen(line) for line in lines]
    province_of_member = _province_of_member(lines)
    cells = _cell_totals(lines)
    by_member = {
        member: _member_totals(member, province_of_member[member], lines, cells)
        for member in sorted(province_of_member)
    }
    return BudgetSummary(
        direct_total=_sum(line.amount for line in lines),
        equipment_total=_sum(line.amount for line in lines if line.category == EQUIPMENT),
        indirect_total=_sum(totals.indirect for totals in cells.values()),
        by_member=by_member,
        by_province=_group(cells, lambda cell: province_of_member[cell[0]]),
        by_year=_group(cells, lambda cell: cell[1]),
        by_province_year=_group(cells, lambda cell: (province_of_member[cell[0]], cell[1])),
        by_category=_by_category(lines),
        province_of_member=province_of_member,
    )


def years(summary: BudgetSummary) -> tuple[int, ...]:
    """The project years the budget has lines in, in order."""
    return tuple(summary.by_year)


def equipment_share(summary: BudgetSummary) -> Decimal:
    """Equipment as a fraction of direct costs (a ratio, not money, so left unrounded)."""
    if summary.direct_total == 0:
        return Decimal(0)
    return summary.equipment_total / summary.direct_total


AMOUNT_TOO_PRECISE = "amount_too_precise"
AMOUNT_TOO_LARGE = "amount_too_large"

# code -> (message_zh, message_en), for forms to show next to the field.
AMOUNT_ERROR_MESSAGES = {
    AMOUNT_NOT_A_NUMBER: (
        "请输入金额（元），例如 12000.50。",
        "Enter an amount in yuan, e.g. 12000.50.",
    ),
    AMOUNT_NEGATIVE: ("金额不能为负数。", "The amount cannot be negative."),
    AMOUNT_TOO_PRECISE: ("金额最多保留两位小数（到分）。", "Use at most two decimals (fen)."),
    AMOUNT_TOO_LARGE: (
        f"单项金额不能超过 {format_yuan(MAX_LINE_AMOUNT)}。",
        f"A single line cannot exceed {format_yuan(MAX_LINE_AMOUNT)}.",
    ),
}


def validate_amount(value) -> str | None:
    """The error code for an amount a user typed (see AMOUNT_ERROR_MESSAGES), or None if fine.

    Accepts a Decimal, an int or a string, read as grants.core.money.parse_amount reads it. Floats
    are refused: money never passes through binary floating point, and a float reaching this
    far is a bug upstream.
    """
    try:
        amount = read_amount(value)
    except AmountError as error:
        return error.code
    if amount < 0:
        return AMOUNT_NEGATIVE
    # Size before precision: rounding an absurdly large number to the fen would overflow.
    if amount > MAX_LINE_AMOUNT:
        return AMOUNT_TOO_LARGE
    if amount != to_fen(amount):
        return AMOUNT_TOO_PRECISE
    return None


def read_amount(value) -> Decimal:
    """``value`` as a Decimal: text as typed (grants.core.money.parse_amount), or a Decimal or int
    already; AmountError for anything else."""
    if isinstance(value, str):
        return parse_amount(value)
    if (
        isinstance(value, Decimal | int)
        and not isinstance(value, bool)
        and Decimal(value).is_finite()
    ):
        return Decimal(value)
    raise AmountError(AMOUNT_NOT_A_NUMBER)


def _in_fen(line: Line) -> Line:
    # Forms already refuse sub-fen amounts; taking each line to the fen here just guarantees
    # that every sum below is an exact number of fen.
    if line.category not in CATEGORIES:
        raise ValueError(f"Unknown budget category {line.category!r}")
    return replace(line, amount=to_fen(line.amount))


def _province_of_member(lines: list[Line]) -> dict[str, str]:
    # A member is one institution, and an institution lies in exactly one province; two
    # provinces for one member would send money to the wrong provincial pot, so refuse.
    provinces: dict[str, str] = {}
    for line in lines:
        known = provinces.setdefault(line.member, line.province)
        if known != line.province:
            raise ValueError(f"Member {line.member!r} has lines in {known} and {line.province}")
    return dict(sorted(provinces.items()))


def _cell_totals(lines: list[Line]) -> dict[tuple[str, int], Totals]:
    direct: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    base: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        cell = (line.member, line.year)
        direct[cell] += line.amount
        base[cell] += ZERO if line.category == EQUIPMENT else line.amount
    indirect_total = indirect_cost_cap(sum(base.values(), ZERO))
    indirect = allocate(indirect_total, base)
    return {cell: Totals(direct[cell], indirect[cell]) for cell in sorted(direct)}


def _group(cells: dict[tuple[str, int], Totals], key) -> dict:
    grouped: dict = defaultdict(Totals)
    for cell, totals in cells.items():
        grouped[key(cell)] += totals
    return dict(sorted(grouped.items()))


def _member_totals(member, province, lines, cells) -> MemberTotals:
    own_cells = {cell: totals for cell, totals in cells.items() if cell[0] == member}
    return MemberTotals(
        province=province,
        direct=_sum(totals.direct for totals in own_cells.values()),
        indirect=_sum(totals.indirect for totals in own_cells.values()),
        by_category=_by_category([line for line in lines if line.member == member]),
        by_year={year: totals for (_, year), totals in own_cells.items()},
    )


def _by_category(lines: list[Line]) -> dict[str, Decimal]:
    return {
        category: _sum(line.amount for line in lines if line.category == category)
        for category in CATEGORIES
    }


def _sum(amounts: Iterable[Decimal]) -> Decimal:
    # Starting from ZERO (0.00) keeps the two decimal places even when nothing is summed.
    return sum(amounts, ZERO)
