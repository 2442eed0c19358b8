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

The weights (see ``tier_weights``) make each level outweigh everything below it on any cycle
of the residual graph, so the min-cost flow is exactly this lexicographic optimum.

``flow_network`` solves the whole network, as the randomized mode needs. The plain mode
(``plain_flow``) reaches the same optimum by pricing: it solves the network restricted to each
proposal's ``PER_PROPOSAL * k`` best candidates, checks every left-out candidate against that
solution, and solves again with those that could improve it, until none can. Why that is the
whole network's optimum: let f be the restricted network's min-cost max-flow and h(v) its
residual graph's cheapest path cost from v to the sink (Bellman-Ford, capped at
``_UNREACHED``; no negative cycle, f being optimal). Shortest distances satisfy
h(u) <= w(u, v) + h(v) on every residual arc. In the whole network f is still a flow; a
left-out candidate carries nothing, so its one residual arc is forward, tail -> reviewer at
cost -c. If every such arc also has h(tail) <= -c + h(reviewer), every residual arc of the
whole network satisfies the inequality, the h terms cancel around any residual cycle, so none
costs less than zero and f is the cheapest flow of its value. Its value is the maximum when it
fills as many slots as either side allows at most, or when no left-out candidate leads from a
node the source reaches in the restricted residual graph to one it does not (that set is then
a cut the flow saturates in the whole network); until then the best of those crossing
candidates join the next solve. Same network, same weights: the same lexicographic optimum;
ties may pick other pairs. A spread group with fewer than k kept candidates cannot pass k
reviewers, so the restricted network joins them to the proposal; in the whole network that
group carries at most k - 1 on its free arc, and the proposal's h satisfies both its arcs in
either direction and prices its left-out candidates.

The fair mode (reviews.fair_assignment) then raises the weakest complete proposal (max-min)
and, holding that minimum, maximises the sum. The types the solver takes and gives are in
reviews.assignment_data; the affinity of a reviewer for a proposal in reviews.affinity.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ortools.graph.python import min_cost_flow

from reviews import fair_assignment
from reviews.assignment_data import (
    CAPACITY,
    TOO_FEW_ELIGIBLE,
    Candidate,
    Candidates,
    Instance,
    Pair,
    Proposal,
    Result,
    Reviewer,
    Shortfall,
    best_per_proposal,
    build_instance,
    candidates_from_matrix,
    flow_bound,
    group_count,
    province_ids,
    restricted,
)
from reviews.fair_assignment import FAIR_TIME_LIMIT

# ---------------------------------------------------------------------------------------------
# Solving


def solve(
    proposals: Sequence[Proposal],
    reviewers: Sequence[Reviewer],
    candidates: Candidates | Sequence[Candidate],
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
    inst = build_instance(proposals, reviewers, candidates, k, forbidden, spread_provinces)
    chosen = plain_flow(inst)
    exact = True
    if fair:
        chosen, exact = fair_assignment.rebalance(inst, chosen, time_limit)
    return _result(inst, chosen, spread_provinces, exact)


# ---------------------------------------------------------------------------------------------
# The network

# OR-Tools multiplies costs by the node count; stay well inside int64 after that.
_COST_LIMIT = 2**62
# Candidates per proposal and reviewer slot in the first restricted network: on the dense bench
# (2,000 x 3,000, k = 5) 8 per slot takes two solves, the second with 24 more candidates; 4
# per slot takes three, 12 per slot two larger ones.
PER_PROPOSAL = 8
# A restricted solve costs OR-Tools nearly as much as the whole network unless that is many
# times larger: the bench's synthetic call keeps 150 candidates per proposal, 3 times the first
# restricted network, and pricing took 4 solves, twice the time of one whole solve.
_WORTH_PRICING = 8
# h of a node with no residual path to the sink (any cap keeps h a valid potential).
_UNREACHED = 2**61


def tier_weights(inst: Instance, unit: int = 1) -> tuple[int, int]:
    """Bonus per min-load unit and penalty per spread exception, each dominating lower levels.

    A simple residual cycle holds at most 2 * slots + 1 candidate arcs, so it changes the
    scaled affinity by less than ``bonus``; it crosses the sink once, so it changes the filled
    min-load units by at most one, and ``penalty`` = 2 * bonus outweighs both together. With
    capacities in ``unit`` parts of a review (the randomized mode) there are ``unit`` times as
    many slots.
    """
    slots = inst.k * len(inst.proposals) * unit
    biggest = int(np.abs(inst.cost).max()) if len(inst.cost) else 0
    bonus = (2 * slots + 1) * biggest + 1
    penalty = 2 * bonus
    n_nodes = 2 + len(inst.proposals) + len(inst.reviewers) + group_count(inst) + 1
    if penalty * n_nodes >= _COST_LIMIT:
        raise ValueError("affinities too large for exact integer costs: scale them to [0, 1]")
    return bonus, penalty


@dataclass(frozen=True)
class Network:
    """The solved flow network: every arc's tail, head, capacity, cost and flow, in parts of
    one review."""

    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    flows: np.ndarray
    pairs: slice  # the candidate arcs, in the instance's candidate order
    source: int
    sink: int


def flow_network(
    inst: Instance,
    *,
    unit: int = 1,
    pair_capacity: int = 1,
    weights: tuple[int, int] | None = None,
) -> Network:
    """The lexicographically best flow (module docstring) with every capacity counted in
    ``unit`` parts of a review and each candidate arc capped at ``pair_capacity`` parts: the
    plain mode's is 1 of 1; the randomized mode's caps a pair's probability at
    pair_capacity / unit (reviews.randomized_assignment). ``weights``: the tier weights of a
    larger instance this one is part of (``plain_flow``)."""
    n_p, n_r = len(inst.proposals), len(inst.reviewers)
    bonus, penalty = weights or tier_weights(inst, unit)
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink, first_reviewer = 0, 1, 2 + n_p
    group_node = _group_nodes(inst, first_reviewer + n_r)
    added = []

    def add(tails, heads, capacity, cost):
        tails = np.asarray(tails, dtype=np.int64)
        heads = np.broadcast_to(np.asarray(heads, dtype=np.int64), tails.shape)
        capacity = np.broadcast_to(np.asarray(capacity, dtype=np.int64), tails.shape)
        cost = np.broadcast_to(np.asarray(cost, dtype=np.int64), tails.shape)
        # An arc that can carry nothing still widens the cost range the solver scales over
        # (the min-load bonus when no reviewer has a minimum): leave it out.
        if not capacity.all():
            used = capacity > 0
            tails, heads, capacity, cost = tails[used], heads[used], capacity[used], cost[used]
        added.append((_add_arcs(flow, tails, heads, capacity, cost), tails, heads, capacity, cost))
        return len(added) - 1

    add(np.zeros(n_p), 2 + np.arange(n_p), inst.k * unit, 0)
    for capacity, cost in ((inst.k - 1, 0), (1, penalty)):
        add(2 + group_node[0], group_node[1], capacity * unit, cost)
    tails = 2 + inst.prop
    grouped = inst.group >= 0
    tails[grouped] = group_node[1][inst.group[grouped]]
    pair_batch = add(tails, first_reviewer + inst.rev, pair_capacity, -inst.cost)
    reviewer_nodes = first_reviewer + np.arange(n_r)
    add(reviewer_nodes, sink, inst.min_load * unit, -bonus)
    add(reviewer_nodes, sink, (inst.max_load - inst.min_load) * unit, 0)
    flow.set_node_supply(source, inst.k * n_p * unit)
    flow.set_node_supply(sink, -inst.k * n_p * unit)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    arcs = np.concatenate([batch[0] for batch in added]).astype(np.int64)
    start = sum(len(batch[0]) for batch in added[:pair_batch])

    def column(i):
        return np.concatenate([batch[i] for batch in added])

    return Network(
        tails=column(1),
        heads=column(2),
        capacities=column(3),
        costs=column(4),
        flows=flow.flows(arcs) if len(arcs) else np.zeros(0, dtype=np.int64),
        pairs=slice(start, start + len(added[pair_batch][0])),
        source=source,
        sink=sink,
    )


def _group_nodes(inst: Instance, first_node: int) -> tuple[np.ndarray, np.ndarray]:
    """(proposal, node) of each spread group; groups are numbered in candidate order."""
    n_groups = group_count(inst)
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
# Pricing: the same optimum from a few candidates (module docstring)


def plain_flow(inst: Instance, per_proposal: int | None = None) -> np.ndarray:
    """Which candidates the lexicographically best flow uses, as a boolean array.

    ``per_proposal`` (tests) sets the first candidates per proposal and prices whatever the
    share; by default pricing runs only where it leaves out most of the network."""
    weights = tier_weights(inst)
    m = per_proposal or PER_PROPOSAL * inst.k
    keep = best_per_proposal(inst, m)
    if per_proposal is None and len(keep) < _WORTH_PRICING * keep.sum():
        keep[:] = True
    bound = flow_bound(inst)
    buffers = (np.empty(len(inst.prop), dtype=np.int64), np.empty(len(inst.prop), dtype=np.int64))
    while not keep.all():
        sub, node = restricted(inst, keep)
        network = flow_network(sub, weights=weights)
        n_nodes = 2 + len(inst.proposals) + len(inst.reviewers) + int(node.max()) + 1
        if network.flows[: len(inst.proposals)].sum() < bound:  # the source arcs
            more = _leaving_reach(inst, network, node, n_nodes)
            np.greater(more, keep, out=more)  # and not kept already
            if more.any():
                # A tight pool can offer millions: the best m of each proposal are plenty.
                keep |= best_per_proposal(inst, m, among=more)
                continue
        more = _improving(inst, _to_sink(network, n_nodes), node, _group_nodes(sub, 0)[0], buffers)
        np.greater(more, keep, out=more)
        if not more.any():
            chosen = np.zeros(len(inst.prop), dtype=bool)
            chosen[np.flatnonzero(keep)] = network.flows[network.pairs] > 0
            return chosen
        keep |= more
    network = flow_network(inst, weights=weights)
    return network.flows[network.pairs].astype(bool)


def _residual(network: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(tails, heads, costs) of the residual arcs: forward where flow is below capacity,
    backward, at the opposite cost, where there is flow."""
    forward = network.flows < network.capacities
    backward = network.flows > 0
    return (
        np.concatenate([network.tails[forward], network.heads[backward]]),
        np.concatenate([network.heads[forward], network.tails[backward]]),
        np.concatenate([network.costs[forward], -network.costs[backward]]),
    )


def _leaving_reach(inst: Instance, network: Network, node: np.ndarray, n_nodes: int):
    """Candidates from a node the source reaches in the restricted residual graph to a
    reviewer it does not: none, and no flow is larger in the whole network."""
    tails, heads, _ = _residual(network)
    reached = np.zeros(n_nodes, dtype=bool)
    reached[network.source] = True
    while True:
        more = reached[heads] < reached[tails]  # arcs from the reached set to the rest
        if not more.any():
            break
        reached[heads[more]] = True
    n_p, n_r = len(inst.proposals), len(inst.reviewers)
    group_node = node[inst.group]
    tail = np.where(group_node >= 0, 2 + n_p + n_r + group_node, 2 + inst.prop)
    return reached[tail] > reached[2 + n_p + inst.rev]


def _to_sink(network: Network, n_nodes: int) -> np.ndarray:
    """h: each node's cheapest residual path cost to the sink, at most _UNREACHED."""
    tails, heads, costs = _residual(network)
    h = np.full(n_nodes, _UNREACHED, dtype=np.int64)
    h[network.sink] = 0
    for _ in range(n_nodes + 1):
        before = h.copy()
        np.minimum.at(h, tails, costs + h[heads])
        if np.array_equal(before, h):
            return h
    raise RuntimeError("negative residual cycle: the restricted flow is not optimal")


def _improving(inst: Instance, h: np.ndarray, node: np.ndarray, owner: np.ndarray, buffers):
    """Candidates whose forward arc has a negative reduced cost against the restricted
    network's h: h(tail) > -c + h(reviewer).

    The tail's h is its proposal's, shifted by h(group) - h(proposal) for a group with a node.
    Each pass over the candidates writes into the same two buffers: fresh arrays of millions
    of entries cost more in page faults than the arithmetic."""
    n_p, n_r = len(inst.proposals), len(inst.reviewers)
    tail_h, other = buffers
    np.take(h[2 : 2 + n_p], inst.prop, out=tail_h)
    live = np.flatnonzero(node >= 0)
    if len(live):
        shift = np.zeros(len(node), dtype=np.int64)
        shift[live] = h[2 + n_p + n_r + node[live]] - h[2 + owner[node[live]]]
        tail_h += np.take(shift, inst.group, out=other)
    tail_h += inst.cost
    np.take(h[2 + n_p : 2 + n_p + n_r], inst.rev, out=other)
    return tail_h > other


# ---------------------------------------------------------------------------------------------
# Reporting


def _result(inst: Instance, chosen: np.ndarray, spread: bool, exact: bool) -> Result:
    n_p, n_r = len(inst.proposals), len(inst.reviewers)
    prop, rev, aff = inst.prop[chosen], inst.rev[chosen], inst.aff[chosen]
    sums = np.bincount(prop, weights=aff, minlength=n_p)
    got = np.bincount(prop, minlength=n_p)
    loads = np.bincount(rev, minlength=n_r)
    complete = got == inst.k
    return Result(
        pairs=[
            Pair(inst.proposals[p].key, inst.reviewers[r].key, a, inst.explain(p, r))
            for p, r, a in zip(prop.tolist(), rev.tolist(), aff.tolist(), strict=True)
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


def _shortfalls(inst: Instance, got: np.ndarray) -> list[Shortfall]:
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


def _single_province(inst: Instance, prop: np.ndarray, rev: np.ndarray) -> list[Hashable]:
    """Proposals with two or more reviewers, all from one known province."""
    ids, n_names = province_ids(inst.reviewers)
    province, known = ids[rev], ids[rev] >= 0
    n_p = len(inst.proposals)
    unknown = np.bincount(prop[~known], minlength=n_p)
    pairs = np.unique(prop[known] * max(n_names, 1) + province[known])
    distinct = np.bincount(pairs // max(n_names, 1), minlength=n_p)
    got = np.bincount(prop, minlength=n_p)
    alone = (got >= 2) & (distinct == 1) & (unknown == 0)
    return [inst.proposals[i].key for i in np.flatnonzero(alone)]


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
