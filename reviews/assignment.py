"""Reviewer assignment: k reviewers per proposal with the highest total affinity.

Pure: plain data in, plain data out, no database. Views, the workflow and the
``assignment_bench`` command call ``solve``; none of them re-implements a rule.

The plain mode is an exact min-cost max-flow (OR-Tools ``SimpleMinCostFlow``) on

    source -> proposal -> [proposal, province] -> reviewer -> sink

Its lexicographic objective, highest priority first:

1. as many review slots filled as the pool allows (max flow), so a short pool never leaves
   other proposals short too;
2. every proposal's reviewers spread over at least two provinces. A (proposal, province) node
   passes k - 1 reviewers for free and one more only at a penalty. The node exists only
   when the proposal's eligible reviewers come from two or more provinces and at least k of
   them from that province; otherwise the rule cannot bind or cannot be met, so it is relaxed
   for that proposal. It is also relaxed, at the penalty, when honouring it would leave a slot
   empty. Reviewers without a province are exempt;
3. every reviewer's ``min_load`` reached: the first ``min_load`` units of a reviewer's sink arc
   earn a bonus (two-tier arc costs, the soft form of the lower-bound trick, so an unreachable
   lower bound degrades the result instead of making it infeasible);
4. the largest total affinity.

The weights (see ``_tier_weights``) make each level outweigh everything below it on any cycle
of the residual graph, so the min-cost flow is exactly this lexicographic optimum.

The fair mode then raises the weakest complete proposal (max-min) and, holding that minimum,
maximises the sum: two MILPs keeping the plain result's slots, spread and lower-bound levels.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.linear_solver import pywraplp

# Min-cost flow needs integer costs. Rounding every affinity to a multiple of 1/SCALE moves an
# assignment's total by at most slots / (2 * SCALE), so the flow optimum is within
# slots / SCALE of the true optimum (MIDL: 354 slots, < 0.0004); totals are reported from the
# unrounded affinities.
SCALE = 1_000_000
# OR-Tools multiplies costs by the node count; stay well inside int64 after that.
_COST_LIMIT = 2**62

# Fair mode: the MILP backends, first available wins (HiGHS through pywraplp is not used: it
# crashes on this build). CBC solved MIDL fastest here. Past the time limit the best solution
# found so far is kept, or the plain assignment, and the result says it is not proven exact.
FAIR_BACKENDS = ("CBC", "SCIP")
FAIR_TIME_LIMIT = 60.0
# Phase 1 (max-min) is the harder one; it gets this share of the time limit.
_MAXMIN_SHARE = 0.6
# Above this many candidates the MILPs keep, per proposal, the plain pairs and the best
# FAIR_CORE * k candidates: the weakest proposals are lifted by trading among good reviewers,
# and a full model of a 2,000-proposal call does not even improve on the plain result in 60 s.
FAIR_FULL_MODEL = 50_000
FAIR_CORE = 3

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
class _Instance:
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


# ---------------------------------------------------------------------------------------------
# Solving


def solve(
    proposals: Sequence[Proposal],
    reviewers: Sequence[Reviewer],
    candidates: Sequence[Candidate],
    k: int,
    *,
    fair: bool = False,
    spread_provinces: bool = True,
    forbidden: Iterable[tuple[int, int]] = (),
    time_limit: float = FAIR_TIME_LIMIT,
) -> Result:
    """The best assignment of k reviewers per proposal; partial, with shortfalls, if none is.

    ``forbidden`` holds (proposal position, reviewer position) pairs dropped from the
    candidates whatever their affinity, so no mode can assign them.
    """
    inst = _instance(proposals, reviewers, candidates, k, forbidden, spread_provinces)
    chosen = _max_flow_min_cost(inst)
    exact = True
    if fair:
        chosen, exact = _fair(inst, chosen, time_limit)
    return _result(inst, chosen, spread_provinces, exact)


def _instance(proposals, reviewers, candidates, k, forbidden, spread) -> _Instance:
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
    return _Instance(
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
    ids, n_names = _province_ids(reviewers)
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


def _province_ids(reviewers: Sequence[Reviewer]) -> tuple[np.ndarray, int]:
    """Each reviewer's province as a number (-1 when unknown), and how many there are."""
    names = sorted({r.province for r in reviewers if r.province})
    index = {name: i for i, name in enumerate(names)}
    return np.array([index.get(r.province, -1) for r in reviewers], dtype=np.int64), len(names)


def _tier_weights(inst: _Instance) -> tuple[int, int]:
    """Bonus per min-load unit and penalty per spread exception, each dominating lower levels.

    A simple residual cycle holds at most 2 * slots + 1 candidate arcs, so it changes the
    scaled affinity by less than ``bonus``; it crosses the sink once, so it changes the filled
    min-load units by at most one, and ``penalty`` = 2 * bonus outweighs both together.
    """
    slots = inst.k * len(inst.proposals)
    biggest = int(np.abs(inst.cost).max()) if len(inst.cost) else 0
    bonus = (2 * slots + 1) * biggest + 1
    return bonus, 2 * bonus


def _max_flow_min_cost(inst: _Instance) -> np.ndarray:
    """Which candidates the lexicographically best flow uses, as a boolean array."""
    n_p, n_r = len(inst.proposals), len(inst.reviewers)
    n_groups = int(inst.group.max()) + 1 if len(inst.group) else 0
    bonus, penalty = _tier_weights(inst)
    if max(bonus, penalty) * (2 + n_p + n_r + n_groups + 1) >= _COST_LIMIT:
        raise ValueError("affinities too large for exact integer costs: scale them to [0, 1]")
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink, first_reviewer = 0, 1, 2 + n_p
    group_node = _group_nodes(inst, first_reviewer + n_r)
    _add_arcs(flow, np.zeros(n_p), 2 + np.arange(n_p), inst.k, 0)
    for capacity, cost in ((inst.k - 1, 0), (1, penalty)):
        _add_arcs(flow, 2 + group_node[0], group_node[1], capacity, cost)
    tails = 2 + inst.prop
    grouped = inst.group >= 0
    tails[grouped] = group_node[1][inst.group[grouped]]
    arcs = _add_arcs(flow, tails, first_reviewer + inst.rev, 1, -inst.cost)
    reviewer_nodes = first_reviewer + np.arange(n_r)
    _add_arcs(flow, reviewer_nodes, np.full(n_r, sink), inst.min_load, -bonus)
    _add_arcs(flow, reviewer_nodes, np.full(n_r, sink), inst.max_load - inst.min_load, 0)
    flow.set_node_supply(source, inst.k * n_p)
    flow.set_node_supply(sink, -inst.k * n_p)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    return flow.flows(arcs).astype(bool) if len(arcs) else np.zeros(0, dtype=bool)


def _group_nodes(inst: _Instance, first_node: int) -> tuple[np.ndarray, np.ndarray]:
    """(proposal, node) of each spread group; groups are numbered in candidate order."""
    n_groups = int(inst.group.max()) + 1 if len(inst.group) else 0
    owner = np.zeros(n_groups, dtype=np.int64)
    grouped = inst.group >= 0
    owner[inst.group[grouped]] = inst.prop[grouped]
    return owner, first_node + np.arange(n_groups)


def _add_arcs(flow, tails, heads, capacity, cost) -> np.ndarray:
    tails = np.asarray(tails, dtype=np.int32)
    if not len(tails):
        return np.zeros(0, dtype=np.int32)
    return flow.add_arcs_with_capacity_and_unit_cost(
        tails,
        np.asarray(heads, dtype=np.int32),
        np.broadcast_to(np.asarray(capacity, dtype=np.int64), tails.shape).copy(),
        np.broadcast_to(np.asarray(cost, dtype=np.int64), tails.shape).copy(),
    )


# ---------------------------------------------------------------------------------------------
# Fair mode


def _fair(inst: _Instance, plain: np.ndarray, time_limit: float) -> tuple[np.ndarray, bool]:
    """Max-min over complete proposals, then max-sum at that minimum, as two exact MILPs.

    Each proposal keeps its plain slot count, and the plain result's spread exceptions and
    filled min-load units are kept as bounds, so fairness is bought only with affinity.
    Past FAIR_FULL_MODEL candidates the MILPs see only each proposal's FAIR_CORE best
    candidates and the plain pairs: fast and feasible, but no longer proven optimal.
    """
    deadline = time.monotonic() + time_limit
    got = np.bincount(inst.prop[plain], minlength=len(inst.proposals))
    complete = np.flatnonzero(got == inst.k)
    # The plain result is max-sum; if its weakest proposal is as good as any could be, it is
    # also the fair optimum.
    if not len(complete) or _weakest(inst, plain, complete) >= _best_case(inst, got, complete):
        return plain, True
    core = _core(inst, plain) if len(inst.prop) > FAIR_FULL_MODEL else np.ones_like(plain)
    sub = _subset(inst, core)
    solver = next(filter(None, map(pywraplp.Solver.CreateSolver, FAIR_BACKENDS)), None)
    if solver is None:
        return plain, False
    model = _FairModel(solver, sub, plain[core], got, complete)
    remaining = deadline - time.monotonic()
    maxmin, proven_min = model.raise_weakest(plain[core], remaining * _MAXMIN_SHARE)
    if maxmin is None:
        return plain, False
    exact = proven_min and bool(core.all())
    if _weakest(sub, plain[core], complete) >= _weakest(sub, maxmin, complete):
        return plain, exact
    best, proven_sum = model.maximise_total(maxmin, max(deadline - time.monotonic(), 1.0))
    chosen = np.zeros_like(plain)
    chosen[core] = maxmin if best is None else best
    return chosen, exact and proven_sum


def _weakest(inst: _Instance, chosen: np.ndarray, complete: np.ndarray) -> int:
    sums = np.bincount(inst.prop[chosen], weights=inst.cost[chosen], minlength=len(inst.proposals))
    return int(sums[complete].min())


def _ranks(inst: _Instance) -> np.ndarray:
    """Each candidate's rank among its proposal's candidates, best affinity first."""
    order = np.lexsort((-inst.cost, inst.prop))
    first = np.searchsorted(inst.prop[order], inst.prop[order])
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order)) - first
    return ranks


def _best_case(inst: _Instance, got: np.ndarray, complete: np.ndarray) -> int:
    """Upper bound on the weakest sum: each proposal with its best candidates, loads ignored."""
    best = _ranks(inst) < got[inst.prop]
    sums = np.bincount(inst.prop[best], weights=inst.cost[best], minlength=len(inst.proposals))
    return int(sums[complete].min())


def _core(inst: _Instance, plain: np.ndarray) -> np.ndarray:
    return plain | (_ranks(inst) < FAIR_CORE * inst.k)


def _subset(inst: _Instance, keep: np.ndarray) -> _Instance:
    return replace(
        inst,
        prop=inst.prop[keep],
        rev=inst.rev[keep],
        aff=inst.aff[keep],
        cost=inst.cost[keep],
        source=inst.source[keep],
        group=inst.group[keep],
    )


class _FairModel:
    """One MILP, re-solved for the two phases: x[j] = 1 when candidate j is assigned."""

    def __init__(self, solver, inst: _Instance, plain: np.ndarray, got, complete):
        self.solver, self.inst, self.got, self.complete = solver, inst, got, complete
        self.x = [solver.BoolVar(f"x{j}") for j in range(len(inst.prop))]
        # Any proposal sum lies within +-reach, so finite bounds cost nothing.
        self.reach = float(inst.k * (np.abs(inst.cost).max() + 1))
        self.t = solver.NumVar(-self.reach, self.reach, "t")
        self._count_rows(inst.prop, got, got)
        self._count_rows(inst.rev, np.zeros_like(inst.max_load), inst.max_load)
        self._keep_min_loads(plain)
        self._keep_spread(plain)
        self._weakest_rows()

    def _count_rows(self, owner: np.ndarray, lower, upper) -> None:
        rows = [
            self.solver.Constraint(float(lo), float(up))
            for lo, up in zip(lower, upper, strict=True)
        ]
        for j, i in enumerate(owner):
            rows[i].SetCoefficient(self.x[j], 1.0)

    def _weakest_rows(self) -> None:
        """t <= the scaled affinity sum of every complete proposal."""
        s, inst = self.solver, self.inst
        rows = {int(i): s.Constraint(0.0, 2 * self.reach) for i in self.complete}
        for row in rows.values():
            row.SetCoefficient(self.t, -1.0)
        for j in np.flatnonzero(np.isin(inst.prop, self.complete)):
            rows[int(inst.prop[j])].SetCoefficient(self.x[j], float(inst.cost[j]))

    def _keep_min_loads(self, plain: np.ndarray) -> None:
        """At least as many min-load units filled as the plain result: u[r] <= min(load, min)."""
        s, inst = self.solver, self.inst
        loads = np.bincount(inst.rev[plain], minlength=len(inst.reviewers))
        filled = int(np.minimum(loads, inst.min_load).sum())
        if not filled:
            return
        total = s.Constraint(float(filled), float(inst.min_load.sum()))
        rows = []
        for r, cap in enumerate(inst.min_load):
            unit = s.NumVar(0.0, float(cap), f"u{r}")
            total.SetCoefficient(unit, 1.0)
            rows.append(s.Constraint(-float(inst.max_load[r]), 0.0))
            rows[r].SetCoefficient(unit, 1.0)
        for j, r in enumerate(inst.rev):
            rows[r].SetCoefficient(self.x[j], -1.0)

    def _keep_spread(self, plain: np.ndarray) -> None:
        """No more same-province exceptions than the plain result needed."""
        s, inst = self.solver, self.inst
        grouped = inst.group >= 0
        if not grouped.any():
            return
        sizes = np.bincount(inst.group[plain & grouped], minlength=int(inst.group.max()) + 1)
        allowed = s.Constraint(0.0, float(np.maximum(sizes - (inst.k - 1), 0).sum()))
        rows = []
        for g in range(len(sizes)):
            extra = s.BoolVar(f"e{g}")
            allowed.SetCoefficient(extra, 1.0)
            rows.append(s.Constraint(-1.0, float(inst.k - 1)))
            rows[g].SetCoefficient(extra, -1.0)
        for j in np.flatnonzero(grouped):
            rows[inst.group[j]].SetCoefficient(self.x[j], 1.0)

    def raise_weakest(self, hint: np.ndarray, seconds: float):
        self.solver.Objective().SetCoefficient(self.t, 1.0)
        self.solver.Objective().SetMaximization()
        return self._run(hint, seconds)

    def maximise_total(self, hint: np.ndarray, seconds: float):
        """Fix t at the weakest sum of ``hint`` (exact: scaled integers) and maximise the sum."""
        inst = self.inst
        sums = np.bincount(inst.prop[hint], weights=inst.cost[hint], minlength=len(inst.proposals))
        weakest = float(sums[self.complete].min())
        self.t.SetBounds(weakest, weakest)
        objective = self.solver.Objective()
        objective.SetCoefficient(self.t, 0.0)
        for j, var in enumerate(self.x):
            objective.SetCoefficient(var, float(inst.cost[j]))
        return self._run(hint, seconds)

    def _run(self, hint: np.ndarray, seconds: float):
        """(assignment, proven optimal), or (None, False) when no solution was found in time."""
        s = self.solver
        s.SetHint(self.x, [float(v) for v in hint])
        s.SetTimeLimit(max(int(seconds * 1000), 1))
        status = s.Solve()
        if status not in (s.OPTIMAL, s.FEASIBLE):
            return None, False
        chosen = np.array([var.solution_value() > 0.5 for var in self.x], dtype=bool)
        if not _respects_bounds(self.inst, chosen, self.got):
            return None, False
        return chosen, status == s.OPTIMAL


def _respects_bounds(inst: _Instance, chosen: np.ndarray, got: np.ndarray) -> bool:
    """Guards against a MILP solution rounded off its tolerances."""
    counts = np.bincount(inst.prop[chosen], minlength=len(inst.proposals))
    loads = np.bincount(inst.rev[chosen], minlength=len(inst.reviewers))
    return bool(np.array_equal(counts, got) and np.all(loads <= inst.max_load))


# ---------------------------------------------------------------------------------------------
# Reporting


def _result(inst: _Instance, chosen: np.ndarray, spread: bool, exact: bool) -> Result:
    n_p, n_r = len(inst.proposals), len(inst.reviewers)
    prop, rev, aff = inst.prop[chosen], inst.rev[chosen], inst.aff[chosen]
    sums = np.bincount(prop, weights=aff, minlength=n_p)
    got = np.bincount(prop, minlength=n_p)
    loads = np.bincount(rev, minlength=n_r)
    explanations = [inst.candidates[j].explanation for j in inst.source[chosen]]
    complete = got == inst.k
    return Result(
        pairs=[
            Pair(inst.proposals[p].key, inst.reviewers[r].key, a, text)
            for p, r, a, text in zip(
                prop.tolist(), rev.tolist(), aff.tolist(), explanations, strict=True
            )
        ],
        total=float(aff.sum()),
        weakest=float(sums[complete].min()) if complete.any() else 0.0,
        per_proposal={p.key: float(s) for p, s in zip(inst.proposals, sums, strict=True)},
        loads={r.key: int(n) for r, n in zip(inst.reviewers, loads, strict=True)},
        complete=bool(complete.all()),
        shortfalls=_shortfalls(inst, got),
        spread_relaxed=_single_province(inst, prop, rev) if spread else [],
        underloaded=[r.key for r, n in zip(inst.reviewers, loads, strict=True) if n < r.min_load],
        exact=exact,
    )


def _shortfalls(inst: _Instance, got: np.ndarray) -> list[Shortfall]:
    eligible = np.bincount(inst.prop, minlength=len(inst.proposals))
    return [
        _shortfall(inst.proposals[i], int(got[i]), inst.k, int(eligible[i]))
        for i in np.flatnonzero(got < inst.k)
    ]


def _shortfall(proposal: Proposal, got: int, k: int, eligible: int) -> Shortfall:
    label = proposal.label or str(proposal.key)
    pool = "eligible reviewers" + (f" in {proposal.discipline}" if proposal.discipline else "")
    if eligible < k:
        cause, reason = TOO_FEW_ELIGIBLE, f"only {eligible} {pool} (k = {k})"
        if got < eligible:
            reason += f", {eligible - got} of them at their maximum load"
    else:
        # Max flow leaves a slot empty only when every other eligible reviewer is full.
        cause = CAPACITY
        reason = (
            f"got {got} of {k}: the other {eligible - got} {pool} are all at their maximum "
            "load with other proposals"
        )
    excluded = ", ".join(f"{n} {why}" for why, n in proposal.excluded.items() if n)
    reason = f"{label}: {reason}" + (f"; {excluded}" if excluded else "")
    return Shortfall(proposal.key, label, got, k, eligible, cause, reason)


def _single_province(inst: _Instance, prop: np.ndarray, rev: np.ndarray) -> list[Hashable]:
    """Proposals with two or more reviewers, all from one known province."""
    ids, n_names = _province_ids(inst.reviewers)
    province, known = ids[rev], ids[rev] >= 0
    n_p = len(inst.proposals)
    unknown = np.bincount(prop[~known], minlength=n_p)
    pairs = np.unique(prop[known] * max(n_names, 1) + province[known])
    distinct = np.bincount(pairs // max(n_names, 1), minlength=n_p)
    got = np.bincount(prop, minlength=n_p)
    alone = (got >= 2) & (distinct == 1) & (unknown == 0)
    return [inst.proposals[i].key for i in np.flatnonzero(alone)]


# ---------------------------------------------------------------------------------------------
# Candidates from a dense matrix


def candidates_from_matrix(
    affinity: np.ndarray,
    *,
    top_n: int | None = None,
    conflict: np.ndarray | None = None,
    first_proposal: int = 0,
) -> list[Candidate]:
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
    else:
        cols = np.broadcast_to(np.arange(n_cols), (n_rows, n_cols))
    rows = np.repeat(np.arange(n_rows), cols.shape[1])
    cols = cols.ravel()
    keep = allowed[rows, cols]
    rows, cols = rows[keep], cols[keep]
    values = scores[rows, cols].tolist()
    return [
        Candidate(p, r, a)
        for p, r, a in zip((rows + first_proposal).tolist(), cols.tolist(), values, strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# Affinity

DISCIPLINE_WEIGHT = 0.7
KEYWORD_WEIGHT = 0.3
# Score of the deepest level at which a proposal code and a reviewer code agree.
EXACT_CODE = 1.0
SAME_PARENT = 0.6  # same second-level code, e.g. F0601 and F0602, or F0601 and F06
SAME_DEPARTMENT = 0.3  # same letter, e.g. F0601 and F02
# Shared keywords count up to this many: a proposal has 3 to 5, so three shared is full marks
# and a reviewer with a long keyword list is not penalised as Jaccard would.
KEYWORD_CAP = 3

_LEVELS = (
    (EXACT_CODE, "exact match"),
    (SAME_PARENT, "same parent"),
    (SAME_DEPARTMENT, "same department"),
)


def affinity(
    proposal_codes: str | Iterable[str],
    proposal_keywords: Iterable[str],
    reviewer_codes: str | Iterable[str],
    reviewer_keywords: Iterable[str],
) -> tuple[float, str]:
    """Affinity in [0, 1] of a reviewer for a proposal, and why, from NSFC codes and keywords."""
    discipline, matched = _discipline(_codes(proposal_codes), _codes(reviewer_codes))
    shared = _shared_keywords(proposal_keywords, reviewer_keywords)
    keywords = min(len(shared), KEYWORD_CAP) / KEYWORD_CAP
    score = DISCIPLINE_WEIGHT * discipline + KEYWORD_WEIGHT * keywords
    parts = [matched] + ([f"keywords: {', '.join(shared)}"] if shared else [])
    return round(score, 6), "; ".join(parts)


def _codes(codes: str | Iterable[str]) -> list[str]:
    items = [codes] if isinstance(codes, str) else codes
    return [code.strip().upper() for code in items if code and code.strip()]


def _discipline(proposal_codes: list[str], reviewer_codes: list[str]) -> tuple[float, str]:
    best, text = 0.0, "no discipline match"
    for ours in proposal_codes:
        for theirs in reviewer_codes:
            level = _level(ours, theirs)
            if level is not None and _LEVELS[level][0] > best:
                best, text = _LEVELS[level][0], _describe(level, ours, theirs)
    return best, text


def _level(ours: str, theirs: str) -> int | None:
    """0 exact, 1 same parent (second-level code), 2 same department (letter), None."""
    if ours == theirs:
        return 0
    if len(ours) >= 3 and len(theirs) >= 3 and ours[:3] == theirs[:3]:
        return 1
    if ours[0] == theirs[0]:
        return 2
    return None


def _describe(level: int, ours: str, theirs: str) -> str:
    if level == 0:
        return f"discipline {ours} exact match"
    shared = ours[:3] if level == 1 else ours[0]
    return f"discipline {ours} ~ {theirs}: {_LEVELS[level][1]} {shared}"


def _shared_keywords(ours: Iterable[str], theirs: Iterable[str]) -> list[str]:
    """Our keywords the reviewer also lists, case- and spacing-insensitive, in our order."""
    known = {_normal(word) for word in theirs}
    shared, seen = [], set()
    for word in ours:
        normal = _normal(word)
        if normal and normal in known and normal not in seen:
            seen.add(normal)
            shared.append(word.strip())
    return shared


def _normal(word: str) -> str:
    return " ".join(word.split()).casefold()


# ---------------------------------------------------------------------------------------------
# Benchmark files (reviewers x papers matrices from real conferences)


def load_affinity_matrix(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """(papers x reviewers affinity, papers x reviewers conflict mask) from a benchmark file.

    ``.npy``: reviewers x papers, -1 marks a conflict. ``.npz``: ``similarity_matrix`` and
    ``mask_matrix`` (1 marks a conflict), also reviewers x papers.
    """
    path = Path(path)
    if path.suffix == ".npz":
        with np.load(path) as data:
            scores, conflict = data["similarity_matrix"], data["mask_matrix"] == 1
    else:
        scores = np.load(path)
        conflict = scores == -1
    return np.asarray(scores, dtype=np.float64).T, conflict.T


def run_benchmark(
    path: str | Path,
    *,
    k: int = 3,
    max_load: int = 4,
    min_load: int = 0,
    fair: bool = False,
    time_limit: float = FAIR_TIME_LIMIT,
) -> dict:
    """Solve a benchmark file with uniform loads; the summary the bench command prints."""
    scores, conflict = load_affinity_matrix(path)
    started = time.perf_counter()
    proposals = [Proposal(key=i, label=f"paper {i}") for i in range(scores.shape[0])]
    reviewers = [Reviewer(j, None, max_load, min_load) for j in range(scores.shape[1])]
    candidates = candidates_from_matrix(scores, conflict=conflict)
    # Reviewer provinces are unknown in conference data, so the spread rule cannot apply.
    with native_stdout_to_stderr():
        result = solve(
            proposals,
            reviewers,
            candidates,
            k,
            fair=fair,
            spread_provinces=False,
            time_limit=time_limit,
        )
    loads = list(result.loads.values())
    return {
        "file": Path(path).name,
        "papers": len(proposals),
        "reviewers": len(reviewers),
        "k": k,
        "mode": "fair" if fair else "plain",
        "total": round(result.total, 4),
        "weakest": round(result.weakest, 4),
        "max_load": max(loads, default=0),
        "min_load": min(loads, default=0),
        "complete": result.complete,
        "exact": result.exact,
        "seconds": round(time.perf_counter() - started, 3),
    }


@contextmanager
def native_stdout_to_stderr() -> Iterator[None]:
    """Send what native solver code prints to stderr, for callers whose stdout is data.

    CBC writes presolve notes ("row inf 0", "1 slacks added") straight to file descriptor 1,
    past any Python-level redirection and its own log settings.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
