"""What the reviewer-assignment solver takes and gives, and the arrays it works on.

Pure: plain data in, plain data out, no database. reviews.assignment solves (its docstring
states the rules); reviews.fair_assignment is its fair mode.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

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
    candidates: Sequence[Candidate]
    k: int
    prop: np.ndarray
    rev: np.ndarray
    aff: np.ndarray
    cost: np.ndarray  # affinity scaled to integers
    source: np.ndarray  # position in the caller's candidate list, for explanations
    max_load: np.ndarray
    min_load: np.ndarray
    group: np.ndarray  # spread group of each candidate, -1 when the rule does not bind


def build_instance(proposals, reviewers, candidates, k, forbidden, spread) -> Instance:
    """The candidates as sorted arrays, the forbidden and zero-load pairs dropped."""
    _check_input(proposals, reviewers, k)
    n = len(candidates)
    prop = np.fromiter((c.proposal for c in candidates), dtype=np.int64, count=n)
    rev = np.fromiter((c.reviewer for c in candidates), dtype=np.int64, count=n)
    aff = np.fromiter((c.affinity for c in candidates), dtype=np.float64, count=n)
    _check_candidates(prop, rev, aff, len(proposals), len(reviewers))
    max_load = np.array([r.max_load for r in reviewers], dtype=np.int64)
    min_load = np.array([r.min_load for r in reviewers], dtype=np.int64)
    pair_code = prop * len(reviewers) + rev
    keep = (max_load[rev] > 0) & ~np.isin(pair_code, _forbidden_codes(forbidden, len(reviewers)))
    order = np.flatnonzero(keep)[np.lexsort((rev[keep], prop[keep]))]
    if np.any(np.diff(pair_code[order]) == 0):
        raise ValueError("a (proposal, reviewer) pair appears twice among the candidates")
    prop, rev, aff = prop[order], rev[order], aff[order]
    groups = _spread_groups(prop, rev, reviewers, k) if spread else np.full(len(prop), -1)
    return Instance(
        proposals=proposals,
        reviewers=reviewers,
        candidates=candidates,
        k=k,
        prop=prop,
        rev=rev,
        aff=aff,
        cost=np.rint(aff * SCALE).astype(np.int64),
        source=order,
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


def _spread_groups(prop, rev, reviewers, k) -> np.ndarray:
    """Per candidate, the (proposal, province) node it passes through, or -1 for none.

    A node is needed only where the rule can bind and be met: k >= 2, the proposal has
    eligible reviewers from two or more provinces, and k or more of them in this province.
    """
    groups = np.full(len(prop), -1, dtype=np.int64)
    ids, n_names = province_ids(reviewers)
    province = ids[rev]
    known = province >= 0
    if k < 2 or not known.any():
        return groups
    code = prop * n_names + province
    codes, counts = np.unique(code[known], return_counts=True)
    n_provinces = np.bincount(codes // n_names, minlength=prop.max() + 1)
    binding = codes[(counts >= k) & (n_provinces[codes // n_names] >= 2)]
    slot = np.searchsorted(binding, code)
    hit = known & (slot < len(binding))
    hit[hit] = binding[slot[hit]] == code[hit]
    groups[hit] = slot[hit]
    return groups


def province_ids(reviewers: Sequence[Reviewer]) -> tuple[np.ndarray, int]:
    """Each reviewer's province as a number (-1 when unknown), and how many there are."""
    names = sorted({r.province for r in reviewers if r.province})
    index = {name: i for i, name in enumerate(names)}
    return np.array([index.get(r.province, -1) for r in reviewers], dtype=np.int64), len(names)
