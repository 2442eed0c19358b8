"""The rules of a change to a running project (变更): what a budget reallocation does to the
awarded cells, who must agree to it, and when an extension may be asked.

Pure: cells, maps and dates in, plain values out. Problems carry a stable code and the values
their message needs; grants.projects.changes words them.

The fund's defaults (DOMAIN.md, after the award):

- a reallocation within one member (so one province) of at most 10 % of each category it takes
  from may be decided by the fund office alone;
- a reallocation that changes a province's total needs that province's consent, and province
  totals never change without it; a larger one inside one province needs that province's
  consent too, since it is that province's money that moves;
- indirect costs follow from the direct costs, so no move takes from or adds to them;
- an extension is asked once only, for at most 24 months, at least 60 days before the end.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from grants.core.money import ZERO, allocate
from grants.projects import project_dates

# (member, category, year) -> amount, as in grants.projects.award_budget
Cell = tuple

OFFICE_ALONE_SHARE = Decimal("0.10")
# Indirect costs follow from the direct costs by the fund's tiers: no move takes or adds any.
FIXED_CATEGORIES = frozenset({"indirect"})
MAX_EXTENSION_MONTHS = 24
EXTENSION_NOTICE_DAYS = 60

# Problem codes.
NO_MOVES = "no_moves"
NOT_POSITIVE = "not_positive"
UNKNOWN_SOURCE = "unknown_source"
UNKNOWN_TARGET = "unknown_target"
SAME_CELL = "same_cell"
FIXED_CATEGORY = "fixed_category"
EXCEEDS = "exceeds"
ALREADY_EXTENDED = "already_extended"
MONTHS_OUT_OF_RANGE = "months_out_of_range"
TOO_LATE = "too_late"


@dataclass(frozen=True)
class Move:
    source: Cell
    target: Cell
    amount: Decimal


@dataclass(frozen=True)
class Problem:
    code: str
    move: int | None = None  # the index of the move it belongs to, if any
    params: dict = field(default_factory=dict)


@dataclass
class Reallocation:
    cells: dict  # the new cells: every old one (maybe now zero) and any new target
    provinces_changed: list  # the provinces whose totals change, sorted
    consent_from: list  # the provinces that must consent, sorted
    office_alone: bool
    problems: list

    @property
    def ok(self):
        return not self.problems


def reallocate(
    cells: Mapping[Cell, Decimal],
    province_of: Mapping[object, str],
    moves: Iterable[Move],
) -> Reallocation:
    """``moves`` applied to the awarded ``cells``; ``province_of`` maps each member to its
    province. A target may be a cell the award does not have yet (another category or year of
    a known member); a source must hold what is moved out of it, over all the moves."""
    moves = list(moves)
    problems = [] if moves else [Problem(NO_MOVES)]
    years = {year for (_, _, year) in cells}
    moved_out = defaultdict(lambda: ZERO)
    first_from = {}
    for index, move in enumerate(moves):
        if move.amount is None or move.amount <= 0:
            problems.append(Problem(NOT_POSITIVE, index))
            continue
        if move.source not in cells:
            problems.append(Problem(UNKNOWN_SOURCE, index))
            continue
        member, _, year = move.target
        if move.target not in cells and (member not in province_of or year not in years):
            problems.append(Problem(UNKNOWN_TARGET, index))
            continue
        if move.source[1] in FIXED_CATEGORIES or move.target[1] in FIXED_CATEGORIES:
            problems.append(Problem(FIXED_CATEGORY, index))
            continue
        if move.source == move.target:
            problems.append(Problem(SAME_CELL, index))
            continue
        moved_out[move.source] += move.amount
        first_from.setdefault(move.source, index)
    for source, amount in moved_out.items():
        if amount > cells[source]:
            problems.append(
                Problem(EXCEEDS, first_from[source], {"moved": amount, "held": cells[source]})
            )
    problems.sort(key=lambda p: (-1 if p.move is None else p.move, p.code))
    if problems:
        return Reallocation(dict(cells), [], [], False, problems)

    new_cells = dict(cells)
    for move in moves:
        new_cells[move.source] = new_cells[move.source] - move.amount
        new_cells[move.target] = new_cells.get(move.target, ZERO) + move.amount
    before = _province_totals(cells, province_of)
    after = _province_totals(new_cells, province_of)
    changed = sorted(
        code for code in set(before) | set(after) if before.get(code) != after.get(code)
    )
    alone = not changed and _within_office_share(cells, moves)
    if changed:
        consent = changed
    elif alone:
        consent = []
    else:
        consent = sorted(
            {province_of[m.source[0]] for m in moves} | {province_of[m.target[0]] for m in moves}
        )
    return Reallocation(dict(sorted(new_cells.items())), changed, consent, alone, [])


def _province_totals(cells, province_of):
    totals = defaultdict(lambda: ZERO)
    for (member, _, _), amount in cells.items():
        totals[province_of[member]] += amount
    return dict(totals)


def _within_office_share(cells, moves):
    """Every move stays within one member, and what leaves each of its categories is at most
    10 % of that category's award over all years."""
    if any(m.source[0] != m.target[0] for m in moves):
        return False
    category_total = defaultdict(lambda: ZERO)
    for (member, category, _), amount in cells.items():
        category_total[(member, category)] += amount
    leaving = defaultdict(lambda: ZERO)
    for m in moves:
        leaving[m.source[:2]] += m.amount
    return all(
        amount <= category_total[key] * OFFICE_ALONE_SHARE for key, amount in leaving.items()
    )


def extension_problems(
    months: int, ends_on: date | None, today: date, extended_before: int
) -> list[Problem]:
    """What stands against extending a project ending on ``ends_on`` by ``months``, asked
    ``today``, when ``extended_before`` extensions were approved already."""
    problems = []
    if extended_before:
        problems.append(Problem(ALREADY_EXTENDED))
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        problems.append(Problem(MONTHS_OUT_OF_RANGE, params={"most": MAX_EXTENSION_MONTHS}))
    if ends_on is None or (ends_on - today).days < EXTENSION_NOTICE_DAYS:
        problems.append(Problem(TOO_LATE, params={"days": EXTENSION_NOTICE_DAYS}))
    return problems


def extended_end(starts_on: date, duration_months: int, months: int) -> date:
    """The last day of the project once extended by ``months``."""
    return project_dates.end_date(starts_on, duration_months + months)


def partner_consent(old_province: str, new_province: str) -> list[str]:
    """The provinces that must consent to a partner's institution being replaced: none when the
    new one is in the same province, both otherwise (the partner's money changes province)."""
    return [] if old_province == new_province else sorted({old_province, new_province})


def refunds_owed(paid: Mapping[str, Decimal], kept: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """An early end's refund per paying province: what it paid less what the project may keep,
    never below zero. Provinces that paid nothing owe nothing back and are left out."""
    return {
        code: max(amount - (kept.get(code) or ZERO), ZERO)
        for code, amount in sorted(paid.items())
        if amount > 0
    }


# ---- a province's money after a reallocation --------------------------------------------------

PAID_BEYOND = "paid_beyond"


def rescheduled(
    committed: Decimal, year_weights: Mapping[int, Decimal], paid: Mapping[int, Decimal]
) -> dict[int, Decimal] | str:
    """A province's instalments by year once a change sets what it commits to ``committed``:
    spread over the years as ``year_weights`` (its new awarded amounts per year), but never
    below what it has already paid in a year (``paid``). What the paid years already hold
    beyond their share is taken from the unpaid years, in proportion to what they still lack.
    PAID_BEYOND when the province has already paid more than ``committed``."""
    years = sorted(set(year_weights) | set(paid))
    paid = {year: paid.get(year, ZERO) for year in years}
    left = committed - sum(paid.values(), ZERO)
    if left < 0:
        return PAID_BEYOND
    target = allocate(committed, {year: year_weights.get(year, ZERO) for year in years})
    lacking = {year: max(ZERO, target[year] - paid[year]) for year in years}
    if not any(lacking.values()):
        lacking = {years[-1]: Decimal(1)}  # nothing lacks: the last year takes what is left
    parts = allocate(left, lacking)
    return {year: paid[year] + parts.get(year, ZERO) for year in years}
