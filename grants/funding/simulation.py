"""Fund down a locked ranking under per-province pools, as a simulation.

Pure: plain values in, plain values out, nothing is saved. The fund officer sees this outcome
before any award is committed, and the ledger later records exactly what it says.

The three funding models of DOMAIN.md (Budget model):

- ``VIRTUAL`` (default): each province pays only its own institutions' share of a proposal.
- ``REAL``: one common pot, the sum of the pools, pays the best proposals whatever their
  provinces. Each award is charged to the provinces in proportion to their *remaining* pools.
  Why remaining and not original contributions: a share of what is left can never exceed what
  is left, so no pool goes negative even when the last fen is spent, and charging in proportion
  to the remainder keeps the remainders in the ratio of the contributions, so over the whole
  round each province still pays its contributed share (to rounding). Charging by contribution
  would let rounding and a nearly empty pool overdraw a province near the end of the list.
- ``MIXED``: ``balancing_share`` of every pool goes into one balancing pot and the rest stays a
  provincial pot. A proposal first draws on the pots of its own provinces; the balancing pot
  pays the gaps, but only when it can pay all of them for that proposal. Each award records how
  much the balancing pot paid on behalf of which province.

Money never gets rounded here: cuts are rounded with ``money.to_fen`` and every split goes through
``money.allocate``, so the parts always add up to the whole, to the fen.
"""

import heapq
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from grants.core.money import ZERO, allocate, to_fen
from reviews import scoring

VIRTUAL = "virtual"
REAL = "real"
MIXED = "mixed"
MODELS = (VIRTUAL, REAL, MIXED)

HUNDRED = Decimal(100)
NO_CUT = Decimal(0)


def merged_ranking(orders: Sequence[Iterable], score: Callable) -> list:
    """One call-wide ranking from the panels' locked orders: the next place always goes to the
    best-scored of the panels' next proposals, so no panel's own order ever changes. Equal
    scores go to the panel listed first; ``score`` must give a comparable value for every row
    (callers map a missing score below every real one)."""
    queues = [iter(order) for order in orders]
    heads = []
    for index, queue in enumerate(queues):
        _push_next(heads, queue, index, score)
    merged = []
    while heads:
        _negated, index, row = heapq.heappop(heads)
        merged.append(row)
        _push_next(heads, queues[index], index, score)
    return merged


_EXHAUSTED = object()


def _push_next(heads, queue, index, score):
    # A heap of (-score, panel index): the highest score first, then the first panel; rows
    # themselves are never compared.
    row = next(queue, _EXHAUSTED)
    if row is not _EXHAUSTED:
        heapq.heappush(heads, (-score(row), index, row))


@dataclass(frozen=True)
class Request:
    """One proposal of the ranking: what its institutions ask for, per province."""

    proposal: Hashable
    label: str
    amounts: Mapping[str, Decimal]
    fundable: bool = True  # above the panel's threshold
    reasons: tuple[str, ...] = ()  # reviews.scoring's reasons when not fundable


@dataclass(frozen=True)
class Award:
    proposal: Hashable
    label: str
    rank: int  # 1-based position in the ranking
    requested: dict[str, Decimal]  # what each province's institutions receive, after any cut
    amounts: dict[str, Decimal]  # charged to each province's own pool
    from_balancing: dict[str, Decimal]  # MIXED: paid by the balancing pot for that province
    total: Decimal
    cut: Decimal  # percentage, 0 when not cut


@dataclass(frozen=True)
class Skip:
    """A proposal above threshold that the pools could not pay when its turn came.

    In MIXED the balancing pot is offered to the gaps in province-code order, so a shortfall is
    what is still missing after the balancing pot gave what it had left.
    """

    proposal: Hashable
    label: str
    rank: int
    province: str | None  # first province, in code order, that cannot pay; None: the common pot
    shortfall: Decimal  # what that province (or the common pot) lacks
    shortfalls: dict[str, Decimal]  # every province that cannot pay; empty when the common pot


@dataclass(frozen=True)
class Outcome:
    model: str
    funded: list[Award]
    skipped: list[Skip]
    reserve: list  # proposal keys, in ranking order
    below_threshold: list  # proposal keys, in ranking order
    not_fundable_because: dict  # proposal key -> NotFundedReason, for below_threshold
    pools_after: dict[str, Decimal]  # provincial pots left (in MIXED, without the balancing pot)
    balancing_in: dict[str, Decimal]  # MIXED: what each province put into the balancing pot
    balancing_after: Decimal
    charged: dict[str, Decimal]  # per province, the sum of award.amounts
    balancing_used: Decimal
    funded_total: Decimal


def simulate(
    ranking: Sequence[Request],
    pools: Mapping[str, Decimal],
    model: str = VIRTUAL,
    balancing_share: Decimal = Decimal("0"),
    cuts: Mapping[Hashable, Decimal] | None = None,
) -> Outcome:
    """Go down ``ranking`` in order and fund what the pools can pay; skip the rest and go on.

    A skipped proposal does not stop the list: a later, cheaper one may still fit. ``cuts`` maps
    proposal keys to a percentage (0-100) taken off that proposal's request.
    """
    charge = _charger(model, balancing_share)
    cuts = _checked_cuts(cuts or {}, ranking)
    pots = {province: _money(amount, f"pool of {province}") for province, amount in pools.items()}
    balancing_in = _balancing_in(pots, balancing_share) if model == MIXED else {}
    for province, amount in balancing_in.items():
        pots[province] -= amount
    balancing = sum(balancing_in.values(), ZERO)
    funded, skipped, below = [], [], []
    for rank, request in enumerate(ranking, start=1):
        cut = cuts.get(request.proposal, NO_CUT)
        requested = _after_cut(_requested(request), cut)
        if not request.fundable:
            below.append(request)
            continue
        own, from_balancing, short = charge(pots, balancing, requested)
        if short:
            skipped.append(_skip(request, rank, short))
            continue
        for province, amount in own.items():
            if amount:
                pots[province] -= amount
        balancing -= sum(from_balancing.values(), ZERO)
        funded.append(_award(request, rank, requested, own, from_balancing, cut))
    return _outcome(model, funded, skipped, below, pots, balancing_in, balancing)


# --- the three ways of charging one proposal ----------------------------------------------------
# Each takes the pots, the balancing pot and the per-province request, and returns
# (charged to own pots, paid by the balancing pot, shortfalls in province-code order).
# They never change the pots: the caller applies a charge only when nothing is short.


def _charge_own_pots(pots, balancing, requested):
    short = [
        (province, amount - pots.get(province, ZERO))
        for province, amount in sorted(requested.items())
        if amount > pots.get(province, ZERO)
    ]
    return requested, {}, short


def _charge_common_pot(pots, balancing, requested):
    total = sum(requested.values(), ZERO)
    pot = sum(pots.values(), ZERO)
    if total > pot:
        return {}, {}, [(None, total - pot)]
    return allocate(total, pots), {}, []


def _charge_with_balancing(pots, balancing, requested):
    own, gaps = {}, {}
    for province, amount in sorted(requested.items()):
        own[province] = min(amount, pots.get(province, ZERO))
        if amount > own[province]:
            gaps[province] = amount - own[province]
    return own, gaps, _uncovered(gaps, pots, balancing)


def _uncovered(gaps, pots, balancing):
    """The gaps the balancing pot cannot fill, handing it out in province-code order.

    A province that put nothing into the fund draws nothing from the balancing pot: the pot is
    the contributors' money, and paying others from it would reward the "policy arbitrage" the
    Decision forbids.
    """
    short, left = [], balancing
    for province, gap in gaps.items():
        if province not in pots:
            short.append((province, gap))
        elif gap > left:
            short.append((province, gap - left))
            left = ZERO
        else:
            left -= gap
    return short


def _charger(model, balancing_share):
    chargers = {VIRTUAL: _charge_own_pots, REAL: _charge_common_pot, MIXED: _charge_with_balancing}
    if model not in chargers:
        raise ValueError(f"Unknown funding model {model!r}; expected one of {', '.join(MODELS)}.")
    share = _decimal(balancing_share, "balancing share")
    if not ZERO <= share <= 1:
        raise ValueError(f"Balancing share must be between 0 and 1, got {share}.")
    if share and model != MIXED:
        raise ValueError(f"A balancing share only applies to the {MIXED!r} model, not {model!r}.")
    return chargers[model]


# --- building the pieces ------------------------------------------------------------------------


def _balancing_in(pots, share):
    return {province: to_fen(amount * share) for province, amount in pots.items()}


def _requested(request):
    return {
        province: _money(amount, f"request of {request.proposal!r} for {province}")
        for province, amount in request.amounts.items()
    }


def _after_cut(requested, cut):
    """Cut the total once, to the fen, and split it in proportion to the original request.

    Cutting each province's part separately would round each part and could lose or add a fen.
    """
    if not cut:
        return requested
    total = sum(requested.values(), ZERO)
    return allocate(to_fen(total * (HUNDRED - cut) / HUNDRED), requested)


def _award(request, rank, requested, own, from_balancing, cut):
    return Award(
        proposal=request.proposal,
        label=request.label,
        rank=rank,
        requested=requested,
        amounts=dict(own),
        from_balancing=from_balancing,
        total=sum(requested.values(), ZERO),
        cut=cut,
    )


def _skip(request, rank, short):
    province, shortfall = short[0]
    by_province = {code: amount for code, amount in short if code is not None}
    return Skip(request.proposal, request.label, rank, province, shortfall, by_province)


def _outcome(model, funded, skipped, below, pots, balancing_in, balancing):
    charged = {province: ZERO for province in pots}
    for award in funded:
        for province, amount in award.amounts.items():
            if amount:
                charged[province] += amount
    return Outcome(
        model=model,
        funded=funded,
        skipped=skipped,
        reserve=[skip.proposal for skip in skipped],
        below_threshold=[request.proposal for request in below],
        not_fundable_because={
            request.proposal: not_funded_reason(request.reasons) for request in below
        },
        pools_after=pots,
        balancing_in=balancing_in,
        balancing_after=balancing,
        charged=charged,
        balancing_used=sum(balancing_in.values(), ZERO) - balancing,
        funded_total=sum((award.total for award in funded), ZERO),
    )


# --- why a proposal is not funded --------------------------------------------------------------


@dataclass(frozen=True)
class NotFundedReason:
    """Why a ranked proposal gets no money whatever the pools hold, in both languages (the
    pages pick the reader's, the letters print both)."""

    codes: tuple[str, ...]
    message_zh: str
    message_en: str


# In reviews.scoring's order: too few valid reviews first, since without them the score is not
# a verdict at all, however high it is.
NOT_FUNDABLE_MESSAGES = {
    scoring.TOO_FEW_REVIEWS: ("有效评审意见不足", "too few valid reviews"),
    scoring.BELOW_OVERALL_THRESHOLD: ("总分低于资助线", "below the overall threshold"),
    scoring.BELOW_CRITERION_THRESHOLD: ("单项评分低于门槛", "below a criterion's threshold"),
}
# A verdict stored without its reasons (before they were recorded) can only say this much.
UNKNOWN_REASON = ("未达资助条件", "not fundable")


def not_funded_reason(reasons: Iterable[str]) -> NotFundedReason:
    """Every reason reviews.scoring gave, in its order, each once; unknown codes are kept
    out rather than shown raw."""
    given = set(reasons)
    codes = tuple(code for code in NOT_FUNDABLE_MESSAGES if code in given)
    if not codes:
        return NotFundedReason((), *UNKNOWN_REASON)
    return NotFundedReason(
        codes,
        "；".join(NOT_FUNDABLE_MESSAGES[code][0] for code in codes),
        "; ".join(NOT_FUNDABLE_MESSAGES[code][1] for code in codes),
    )


# --- validation ---------------------------------------------------------------------------------


def _checked_cuts(cuts, ranking):
    keys = [request.proposal for request in ranking]
    if len(set(keys)) != len(keys):
        raise ValueError("A proposal appears more than once in the ranking.")
    unknown = set(cuts) - set(keys)
    if unknown:
        raise ValueError(f"Cuts name proposals not in the ranking: {sorted(map(str, unknown))}.")
    checked = {}
    for proposal, percentage in cuts.items():
        checked[proposal] = _decimal(percentage, f"cut of {proposal!r}")
        if not ZERO <= checked[proposal] <= HUNDRED:
            raise ValueError(f"Cut of {proposal!r} must be between 0 and 100 %, got {percentage}.")
    return checked


def _money(value, what):
    amount = _decimal(value, what)
    if amount < 0:
        raise ValueError(f"The {what} is negative: {amount}.")
    fen = to_fen(amount)
    if fen != amount:
        raise ValueError(f"The {what} is not a whole number of fen: {amount}.")
    return fen  # same value, written with two places like every amount


def _decimal(value, what):
    # Floats are refused outright: Decimal(0.1) would carry binary noise into money.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"The {what} must be a Decimal, got {type(value).__name__} {value!r}.")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"The {what} must be a finite number, got {value}.")
    return amount
