"""Partial randomization at the funding line (SNSF since 2021, NZ HRC, British Academy).

Pure: plain values in, plain values out. The calibrated ranking gives every proposal a 90 %
interval of its rank; where those intervals cross the funding line, the reviews cannot say
which of the proposals is better, and a draw orders them instead.

**The funding line.** Funding goes down one call-wide ranking, but the province pools can turn
a proposal away while cheaper or differently-paid ones further down are still funded. The line
is therefore *not* the last funded place anywhere in the list (a small proposal funded at place
80 would put it far below where the money ran out), and not one line per province (a proposal
drawing on three provinces would sit at three lines and in three groups). It is the last place
of the unbroken funded run from the top: everything above it is funded, and the next place is
the first the pools cannot pay. Call it L; the line lies between places L and L + 1. When the
pools turn nobody away, every fundable proposal is funded and there is no line.

**The group.** A proposal straddles the line when its interval reaches both sides of it: it
might rank at L or better (funded) and might rank at L + 1 or worse (not funded), i.e.
``low <= L < high``. Only fundable proposals (above the call's thresholds) join; a proposal
the fit gave no estimate stays where the ranking put it. The fit's ranks and the places of the
locked ranking both count the call's ranked proposals from 1, so the interval and the line are
read on the same scale.

**The draw.** Each member's draw key is SHA-256 of the seed and its reference number; the
group is ordered by key. Unlike ``random.Random(seed).shuffle``, whose algorithm Python does
not promise to keep across versions (only ``random()`` itself is guaranteed), SHA-256 is fixed
by a standard: anyone can recompute the order from the seed and the published references,
with any tool, years later. Adding or removing a member never changes the others' relative
order, so the draw cannot be steered by choosing who is in the group once the seed is known.

**Before committing.** On a call that draws, funding is committed only once the draw is held
(run and not annulled) or there is nothing to draw: the fit's intervals put nobody across the
line. Without a finished fit nobody can say who straddles the line, so committing waits for one.

**Into funding.** The group's members keep the places they held between them in the ranking,
but fill them in the drawn order; everything else stays where it was, and funding goes down
that ranking under the same pools as always (grants.funding.simulation).
"""

import hashlib
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from grants.funding.simulation import Outcome, Request


@dataclass(frozen=True)
class Interval:
    """A proposal's 90 % rank interval (1 is best), both ends included."""

    low: int
    high: int


def funding_line(outcome: Outcome) -> int | None:
    """The last place of the unbroken funded run from the top; None when the pools turned no
    fundable proposal away (then nobody is left out for want of money, and nothing is drawn)."""
    if not outcome.skipped:
        return None
    return min(skip.rank for skip in outcome.skipped) - 1


def straddles(interval: Interval, line: int) -> bool:
    return interval.low <= line < interval.high


def group_at_line(
    ranking: Sequence[Request], intervals: Mapping[Hashable, Interval], line: int | None
) -> list:
    """The keys of the fundable proposals whose interval crosses the line, in ranking order."""
    if line is None:
        return []
    return [
        request.proposal
        for request in ranking
        if request.fundable
        and request.proposal in intervals
        and straddles(intervals[request.proposal], line)
    ]


# Why committing funding waits for the draw at the funding line (codes for the message).
DRAW_UNDER_WAY = "draw_under_way"  # the seed is fixed, the draw not yet run
DRAW_NO_FIT = "draw_no_fit"  # no finished calibrated ranking to find the group with
DRAW_OWED = "draw_owed"  # a group straddles the line and no draw has been held


def commit_waits_for(
    *, draws_at_line: bool, drawn: bool, under_way: bool, group: Sequence | None
) -> str | None:
    """Why funding may not be committed yet because of the draw, or None when it may.
    ``drawn``: a draw that is not annulled has been run; ``under_way``: one has its seed fixed
    but has not been run; ``group``: who straddles the line, None when there is no fit to tell.
    An annulled draw is neither: it counts for nothing."""
    if not draws_at_line or drawn:
        return None
    if under_way:
        return DRAW_UNDER_WAY
    if group is None:
        return DRAW_NO_FIT
    return DRAW_OWED if group else None


def places_filled(group: Sequence[Hashable], outcome: Outcome) -> int:
    """How many of the group the ranking funds as it stands: the places the draw hands out
    (the pools, not the draw, still decide in the end, see the module's docstring)."""
    funded = {award.proposal for award in outcome.funded}
    return sum(1 for key in group if key in funded)


@dataclass(frozen=True)
class Draw:
    order: list  # the group's references, in drawn order
    drawn: list  # the first ``places`` of them


def draw_key(seed: str, reference: str) -> str:
    """The hex digest a member is sorted by; printed on the page so anyone can check it."""
    return hashlib.sha256(f"{seed}\n{reference}".encode()).hexdigest()


def draw(references: Sequence[str], places: int, seed: str) -> Draw:
    """The group in a reproducible order fixed by ``seed`` alone."""
    if not seed:
        raise ValueError("A draw needs a seed.")
    if len(set(references)) != len(references):
        raise ValueError("A reference appears more than once in the group.")
    if not 0 <= places <= len(references):
        raise ValueError(f"Places must be between 0 and {len(references)}, got {places}.")
    # The reference breaks a tie of keys, which SHA-256 makes practically impossible anyway.
    order = sorted(references, key=lambda reference: (draw_key(seed, reference), reference))
    return Draw(order=order, drawn=order[:places])


def reordered(ranking: Sequence, order: Sequence, key: Callable) -> list:
    """The ranking with the group's places filled in drawn order; ``order`` holds the members'
    keys (as ``key`` reads them from the rows). Members no longer in the ranking are ignored."""
    present = {key(row) for row in ranking}
    members = [member for member in order if member in present]
    in_group = set(members)
    rows = {key(row): row for row in ranking if key(row) in in_group}
    drawn = iter(members)
    return [rows[next(drawn)] if key(row) in in_group else row for row in ranking]


def drawn_into_a_place(order: Sequence[Hashable], places: int, proposal: Hashable) -> bool:
    """Whether the drawn ``order`` put ``proposal`` among the ``places`` it fills: if it is not
    funded all the same, a province's pool could not pay it when its turn came."""
    return proposal in order[:places]
