"""The solver's fair mode: raise the weakest complete proposal (max-min) and, holding that
minimum, maximise the sum: two MILPs keeping the plain result's slots, spread and lower-bound
levels (reviews.assignment states them). Pure, like the rest of the solver.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from ortools.linear_solver import pywraplp

from reviews.assignment_data import Instance

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


def rebalance(inst: Instance, plain: np.ndarray, time_limit: float) -> tuple[np.ndarray, bool]:
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


def _weakest(inst: Instance, chosen: np.ndarray, complete: np.ndarray) -> int:
    sums = np.bincount(inst.prop[chosen], weights=inst.cost[chosen], minlength=len(inst.proposals))
    return int(sums[complete].min())


def _ranks(inst: Instance) -> np.ndarray:
    """Each candidate's rank among its proposal's candidates, best affinity first."""
    order = np.lexsort((-inst.cost, inst.prop))
    first = np.searchsorted(inst.prop[order], inst.prop[order])
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order)) - first
    return ranks


def _best_case(inst: Instance, got: np.ndarray, complete: np.ndarray) -> int:
    """Upper bound on the weakest sum: each proposal with its best candidates, loads ignored."""
    best = _ranks(inst) < got[inst.prop]
    sums = np.bincount(inst.prop[best], weights=inst.cost[best], minlength=len(inst.proposals))
    return int(sums[complete].min())


def _core(inst: Instance, plain: np.ndarray) -> np.ndarray:
    return plain | (_ranks(inst) < FAIR_CORE * inst.k)


def _subset(inst: Instance, keep: np.ndarray) -> Instance:
    return replace(
        inst,
        prop=inst.prop[keep],
        rev=inst.rev[keep],
        aff=inst.aff[keep],
        cost=inst.cost[keep],
        group=inst.group[keep],
    )


class _FairModel:
    """One MILP, re-solved for the two phases: x[j] = 1 when candidate j is assigned."""

    def __init__(self, solver, inst: Instance, plain: np.ndarray, got, complete):
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


def _respects_bounds(inst: Instance, chosen: np.ndarray, got: np.ndarray) -> bool:
    """Guards against a MILP solution rounded off its tolerances."""
    counts = np.bincount(inst.prop[chosen], minlength=len(inst.proposals))
    loads = np.bincount(inst.rev[chosen], minlength=len(inst.reviewers))
    return bool(np.array_equal(counts, got) and np.all(loads <= inst.max_load))
