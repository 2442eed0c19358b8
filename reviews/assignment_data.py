"""What the reviewer-assignment solver takes and gives, and the arrays it works on.

Pure: plain data in, plain data out, no database. reviews.assignment solves (its docstring
states the rules); reviews.fair_assignment is its fair mode.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

# Min-cost flow needs integer costs. Rounding every affinity to a multiple of 1/SCALE moves an
# assignment's total by at most slots / (2 * SCALE), so the flow optimum is within
# slots / SCALE of the true optimum (MIDL: 354 slots, < 0.0004); totals are reported from the
# unrounded affinities.
SCALE = 1_000_000

TOO_FEW_ELIGIBLE = "too_few_eligible"
CAPACITY = "capacity"


@dataclass(frozen=True)
class Proposal:
    key: Hashable
    label: str = ""
    discipline: str = ""
    # Reviewers the caller left out before solving, per reason, e.g.
    # {"excluded by province rule (Jiangsu, Zhejiang)": 14, "conflicts": 3}: quoted in shortfalls.
    excluded: Mapping[str, int] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Reviewer:
    key: Hashable
    province: str | None
    max_load: int
    min_load: int = 0


@dataclass(frozen=True, slots=True)
class Candidate:
    """An allowed pair; ``proposal`` and ``reviewer`` are positions in the lists given to solve."""

    proposal: int
    reviewer: int
    affinity: float
    explanation: str = ""


def _no_explanation(proposal: int, reviewer: int) -> str:
    return ""


@dataclass(frozen=True)
class Candidates:
    """The allowed pairs as columns: positions in the lists given to solve, and affinities.

    ``explain(proposal position, reviewer position)`` says why a pair scores what it does; the
    solver asks it only for the pairs it assigns, so a caller can score millions of pairs with
    numpy and word the reasons for a few thousand.
    """

    proposal: np.ndarray
    reviewer: np.ndarray
    affinity: np.ndarray
    explain: Callable[[int, int], str] = _no_explanation

    @classmethod
    def from_pairs(cls, pairs: Sequence[Candidate]) -> Candidates:
        """Columns from a short list of hand-made pairs (tests, a single proposal)."""
        n = len(pairs)
        texts = {(c.proposal, c.reviewer): c.explanation for c in pairs if c.explanation}
        return cls(
            proposal=np.fromiter((c.proposal for c in pairs), dtype=np.int64, count=n),
            reviewer=np.fromiter((c.reviewer for c in pairs), dtype=np.int64, count=n),
            affinity=np.fromiter((c.affinity for c in pairs), dtype=np.float64, count=n),
            explain=(lambda p, r: texts.get((p, r), "")) if texts else _no_explanation,
        )

    @classmethod
    def concatenate(cls, parts: Sequence[Candidates]) -> Candidates:
        """Row blocks of one call (candidates_from_matrix with ``first_proposal``), unexplained."""
        return cls(
            proposal=np.concatenate([part.proposal for part in parts]).astype(np.int64),
            reviewer=np.concatenate([part.reviewer for part in parts]).astype(np.int64),
            affinity=np.concatenate([part.affinity for part in parts]).astype(np.float64),
        )

    def __len__(self) -> int:
        return len(self.proposal)


def as_columns(candidates: Candidates | Sequence[Candidate]) -> Candidates:
    if isinstance(candidates, Candidates):
        return candidates
    return Candidates.from_pairs(candidates)


@dataclass(frozen=True, slots=True)
class Pair:
    """An assigned pair, named by the keys of the proposal and the reviewer."""

    proposal: Hashable
    reviewer: Hashable
    affinity: float
    explanation: str


@dataclass(frozen=True)
class Shortfall:
    proposal: Hashable
    label: str
    got: int
    needed: int
    eligible: int
    cause: str  # TOO_FEW_ELIGIBLE or CAPACITY
    reason: str


@dataclass(frozen=True)
class Result:
    pairs: list[Pair]
    total: float
    # Lowest affinity sum among proposals that got k reviewers (0.0 if none did): sums over
    # fewer reviewers are not comparable and those proposals are in shortfalls anyway.
    weakest: float
    per_proposal: dict[Hashable, float]
    loads: dict[Hashable, int]
    complete: bool
    shortfalls: list[Shortfall]
    # Proposals whose two or more reviewers all come from one province (empty when spread off).
    spread_relaxed: list[Hashable]
    underloaded: list[Hashable]  # reviewers left below their min_load
    # False when the fair mode could not prove its optimum: time limit, or a large call solved
    # on its core candidates (see FAIR_FULL_MODEL).
    exact: bool


@dataclass(frozen=True)
class Instance:
    """Candidates as arrays sorted by (proposal, reviewer), which fixes the arc order."""

    proposals: Sequence[Proposal]
    reviewers: Sequence[Reviewer]
    k: int
    prop: np.ndarray
    rev: np.ndarray
    aff: np.ndarray
    cost: np.ndarray  # affinity scaled to integers
    explain: Callable[[int, int], str]
    max_load: np.ndarray
    min_load: np.ndarray
    group: np.ndarray  # spread group of each candidate, -1 when the rule does not bind


def build_instance(proposals, reviewers, candidates, k, forbidden, spread) -> Instance:
    """The candidates as arrays sorted by (proposal, reviewer), the forbidden and zero-load
    pairs dropped. ``candidates``: Candidates columns, or a list of Candidate pairs."""
    _check_input(proposals, reviewers, k)
    columns = as_columns(candidates)
    prop = np.asarray(columns.proposal, dtype=np.int64)
    rev = np.asarray(columns.reviewer, dtype=np.int64)
    aff = np.asarray(columns.affinity, dtype=np.float64)
    _check_candidates(prop, rev, aff, len(proposals), len(reviewers))
    max_load = np.array([r.max_load for r in reviewers], dtype=np.int64)
    min_load = np.array([r.min_load for r in reviewers], dtype=np.int64)
    pair_code = prop * len(reviewers) + rev
    keep = max_load[rev] > 0
    codes = _forbidden_codes(forbidden, len(reviewers))
    if len(codes):
        keep &= ~np.isin(pair_code, codes)
    if not keep.all():
        prop, rev, aff, pair_code = prop[keep], rev[keep], aff[keep], pair_code[keep]
    # A dense matrix's pairs come sorted already; checking is linear, sorting is not.
    if not np.all(pair_code[1:] > pair_code[:-1]):
        order = np.argsort(pair_code, kind="stable")
        prop, rev, aff, pair_code = prop[order], rev[order], aff[order], pair_code[order]
        if np.any(pair_code[1:] == pair_code[:-1]):
            raise ValueError("a (proposal, reviewer) pair appears twice among the candidates")
    groups = (
        _spread_groups(prop, rev, reviewers, k, len(proposals))
        if spread
        else np.full(len(prop), -1, dtype=np.int64)
    )
    return Instance(
        proposals=proposals,
        reviewers=reviewers,
        k=k,
        prop=prop,
        rev=rev,
        aff=aff,
        cost=np.rint(aff * SCALE).astype(np.int64),
        explain=columns.explain,
        max_load=max_load,
        min_load=min_load,
        group=groups,
    )


def _check_input(proposals, reviewers, k) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    for kind, items in (("proposal", proposals), ("reviewer", reviewers)):
        if len({item.key for item in items}) != len(items):
            raise ValueError(f"{kind} keys must be unique")
    for r in reviewers:
        if not 0 <= r.min_load <= r.max_load:
            raise ValueError(f"reviewer {r.key}: need 0 <= min_load <= max_load")


def _check_candidates(prop, rev, aff, n_proposals, n_reviewers) -> None:
    if len(prop) and (prop.min() < 0 or prop.max() >= n_proposals):
        raise ValueError("a candidate points at a proposal position outside the list")
    if len(rev) and (rev.min() < 0 or rev.max() >= n_reviewers):
        raise ValueError("a candidate points at a reviewer position outside the list")
    if not np.all(np.isfinite(aff)):
        raise ValueError("every candidate affinity must be a finite number")


def _forbidden_codes(forbidden, n_reviewers) -> np.ndarray:
    pairs = np.array(list(forbidden), dtype=np.int64).reshape(-1, 2)
    return pairs[:, 0] * n_reviewers + pairs[:, 1]


def _spread_groups(prop, rev, reviewers, k, n_proposals) -> np.ndarray:
    """Per candidate, the (proposal, province) node it passes through, or -1 for none.

    A node is needed only where the rule can bind and be met: k >= 2, the proposal has
    eligible reviewers from two or more provinces, and k or more of them in this province.
    Nodes are numbered by (proposal, province).
    """
    ids, n_names = province_ids(reviewers)
    if k < 2 or not (ids >= 0).any():
        return np.full(len(prop), -1, dtype=np.int64)
    # Reviewers of unknown province count in a column of their own that never binds: one pass
    # over the pairs, no boolean selection of millions of them.
    code = prop * (n_names + 1) + np.where(ids >= 0, ids, n_names)[rev]
    # Proposals x provinces is small next to the pairs: count in it rather than sort pairs.
    counts = np.bincount(code, minlength=n_proposals * (n_names + 1))
    counts = counts.reshape(n_proposals, n_names + 1)[:, :n_names]
    binding = (counts >= k) & ((counts > 0).sum(axis=1) >= 2)[:, None]
    binding = np.concatenate([binding, np.zeros((n_proposals, 1), dtype=bool)], axis=1).ravel()
    number = np.where(binding, np.cumsum(binding) - 1, -1)
    return number[code]


def province_ids(reviewers: Sequence[Reviewer]) -> tuple[np.ndarray, int]:
    """Each reviewer's province as a number (-1 when unknown), and how many there are."""
    names = sorted({r.province for r in reviewers if r.province})
    index = {name: i for i, name in enumerate(names)}
    return np.array([index.get(r.province, -1) for r in reviewers], dtype=np.int64), len(names)


# ---------------------------------------------------------------------------------------------
# Candidates from a dense matrix


def candidates_from_matrix(
    affinity: np.ndarray,
    *,
    top_n: int | None = None,
    conflict: np.ndarray | None = None,
    first_proposal: int = 0,
) -> Candidates:
    """Candidates from a proposals x reviewers matrix, the ``top_n`` best allowed per row.

    ``conflict`` (same shape, True = never assign) and non-finite entries are left out.
    ``first_proposal`` is the position of row 0, so a large matrix can come in row blocks.
    """
    scores = np.asarray(affinity, dtype=np.float64)
    allowed = np.isfinite(scores)
    if conflict is not None:
        allowed &= ~np.asarray(conflict, dtype=bool)
    n_rows, n_cols = scores.shape
    if top_n is not None and top_n < n_cols:
        ranked = np.where(allowed, -scores, np.inf)
        cols = np.sort(np.argpartition(ranked, top_n - 1, axis=1)[:, :top_n], axis=1)
        rows = np.repeat(np.arange(n_rows), top_n)
        cols = cols.ravel()
        keep = allowed[rows, cols]
        rows, cols = rows[keep], cols[keep]
        scores = scores[rows, cols]
    else:
        rows, cols = np.nonzero(allowed)  # row-major: sorted by (proposal, reviewer)
        scores = scores[allowed]  # the same order, without a gather by two index arrays
    rows = rows.astype(np.int64, copy=False)
    if first_proposal:
        rows += first_proposal
    return Candidates(rows, cols.astype(np.int64, copy=False), scores)


# ---------------------------------------------------------------------------------------------
# Restricted instances, for the plain mode's pricing (reviews.assignment)

_LEVELS = 256  # affinity levels for choosing the first candidates


def best_per_proposal(inst: Instance, m: int, among: np.ndarray | None = None) -> np.ndarray:
    """At least the ``m`` best candidates of each proposal (all of a shorter list), of all or
    only of those marked in ``among``."""
    if among is None:
        return _best(inst.prop, inst.cost, len(inst.proposals), m)
    idx = np.flatnonzero(among)
    chosen = np.zeros(len(inst.prop), dtype=bool)
    chosen[idx[_best(inst.prop[idx], inst.cost[idx], len(inst.proposals), m)]] = True
    return chosen


def _best(prop: np.ndarray, cost: np.ndarray, n_p: int, m: int) -> np.ndarray:
    """A per-proposal histogram of affinity levels instead of a sort of every candidate."""
    if len(cost) <= m:
        return np.ones(len(cost), dtype=bool)
    low, span = cost.min(), max(int(cost.max() - cost.min()), 1)
    level = ((cost - low) * ((_LEVELS - 1) / span)).astype(np.int64)
    counts = np.bincount(prop * _LEVELS + level, minlength=n_p * _LEVELS)
    at_or_above = np.cumsum(counts.reshape(n_p, _LEVELS)[:, ::-1], axis=1)
    cut = _LEVELS - 1 - np.argmax(at_or_above >= m, axis=1)
    cut[at_or_above[:, -1] < m] = 0
    return level >= cut[prop]


def flow_bound(inst: Instance) -> int:
    """Slots the pool could fill at most: no max flow exceeds either side's own limits."""
    n_p, n_r = len(inst.proposals), len(inst.reviewers)
    per_proposal = np.minimum(np.bincount(inst.prop, minlength=n_p), inst.k)
    per_reviewer = np.minimum(np.bincount(inst.rev, minlength=n_r), inst.max_load)
    return int(min(per_proposal.sum(), per_reviewer.sum()))


def restricted(inst: Instance, keep: np.ndarray) -> tuple[Instance, np.ndarray]:
    """The instance on the kept candidates, with a node only for the spread groups that keep k
    or more, and each group's number there (-1 for none; the last entry, for group -1, too)."""
    idx = np.flatnonzero(keep)
    group = inst.group[idx]
    sizes = np.bincount(group[group >= 0], minlength=group_count(inst))
    live = sizes >= inst.k
    number = np.full(len(sizes) + 1, -1, dtype=np.int64)
    number[:-1][live] = np.arange(int(live.sum()))
    sub = replace(
        inst,
        prop=inst.prop[idx],
        rev=inst.rev[idx],
        aff=inst.aff[idx],
        cost=inst.cost[idx],
        group=number[group],
    )
    return sub, number


def group_count(inst: Instance) -> int:
    return int(inst.group.max()) + 1 if len(inst.group) else 0
