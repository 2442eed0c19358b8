"""Randomized reviewer assignment against collusion (Jecmen et al., NeurIPS 2020, as in
OpenReview's matcher): no reviewer is assigned to any proposal with probability above a cap q.

Pure: plain data in, plain data out, no database.

1. The fractional optimum: the plain mode's min-cost flow (reviews.assignment, with its rules:
   conflicts left out, provinces spread, loads bounded) with every capacity counted in ``unit``
   parts of a review and each (proposal, reviewer) arc capped at q = cap / unit. The flow
   polytope has integral vertices, so the integral optimum of the scaled network is exactly
   the fractional optimum: each pair's flow / unit is its marginal probability.
2. The draw: dependent rounding of the whole flow seen as a circulation (an arc from the sink
   back to the source). A node conserves flow, so a node with an arc not yet a whole review
   has at least two such arcs, and those arcs always hold a cycle. Pushing flow around it,
   +alpha with probability beta / (alpha + beta) or -beta otherwise, keeps every arc's expected
   flow, keeps every node balanced, and makes at least one arc whole. When none is left, every
   arc carries whole reviews within its capacity: each pair is 0 or 1, with probability exactly
   its marginal, and the proposals' reviewer counts, the spread groups and the loads are all
   within their bounds (each only moves between the whole numbers around its fractional value).
   The draw is a function of the seed: the same seed gives the same assignment.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from reviews import assignment
from reviews.assignment_data import (
    Candidate,
    Candidates,
    Proposal,
    Result,
    Reviewer,
    build_instance,
)

# The finest cap the officer may set: hundredths (0.50, 0.33).
MAX_UNIT = 100


@dataclass(frozen=True)
class Marginal:
    proposal: Hashable
    reviewer: Hashable
    probability: float


@dataclass(frozen=True)
class RandomizedResult:
    result: Result  # the drawn assignment
    cap: float
    seed: int
    expected_total: float  # the fractional optimum's total affinity
    max_probability: float  # the largest marginal (at most the cap)
    marginals: list[Marginal]  # every pair with a positive probability


def cap_fraction(cap: float | str) -> Fraction:
    """The cap as an exact fraction of at most hundredths, in (0, 1]."""
    fraction = Fraction(str(cap)).limit_denominator(MAX_UNIT)
    if not 0 < fraction <= 1:
        raise ValueError("the probability cap is a number above 0 and at most 1")
    return fraction


def solve_randomized(
    proposals: Sequence[Proposal],
    reviewers: Sequence[Reviewer],
    candidates: Candidates | Sequence[Candidate],
    k: int,
    *,
    cap: float | str,
    seed: int,
    spread_provinces: bool = True,
    forbidden: Iterable[tuple[int, int]] = (),
) -> RandomizedResult:
    """Marginals with every pair's probability at most ``cap`` and an assignment drawn from
    them with ``seed``."""
    fraction = cap_fraction(cap)
    inst = build_instance(proposals, reviewers, candidates, k, forbidden, spread_provinces)
    unit = fraction.denominator
    network = assignment.flow_network(inst, unit=unit, pair_capacity=fraction.numerator)
    pair_flows = network.flows[network.pairs]
    drawn = draw(network, unit, np.random.default_rng(seed))
    chosen = drawn[network.pairs] == unit
    probabilities = pair_flows / unit
    positive = np.flatnonzero(pair_flows > 0)
    return RandomizedResult(
        result=assignment._result(inst, chosen, spread_provinces, exact=True),
        cap=float(fraction),
        seed=seed,
        expected_total=float(np.dot(probabilities, inst.aff)),
        max_probability=float(probabilities.max()) if len(probabilities) else 0.0,
        marginals=[
            Marginal(
                inst.proposals[inst.prop[j]].key,
                inst.reviewers[inst.rev[j]].key,
                float(probabilities[j]),
            )
            for j in positive.tolist()
        ],
    )


def draw(network: assignment.Network, unit: int, rng: np.random.Generator) -> np.ndarray:
    """Every arc's flow rounded to whole reviews (multiples of ``unit``), each arc's expected
    value its flow (module docstring, step 2)."""
    total = int(network.flows[network.tails == network.source].sum())
    tails = np.append(network.tails, network.sink).tolist()
    heads = np.append(network.heads, network.source).tolist()
    flows = np.append(network.flows, total).astype(np.int64).tolist()
    rounding = _Rounding(tails, heads, flows, unit, rng)
    rounding.run()
    return np.array(rounding.flows[:-1], dtype=np.int64)


class _Rounding:
    """Cycle-cancelling rounding on the undirected graph of the arcs not yet whole."""

    def __init__(self, tails, heads, flows, unit, rng):
        self.tails, self.heads, self.flows, self.unit, self.rng = tails, heads, flows, unit, rng
        self.incident: dict[int, list[int]] = {}
        for arc, flow in enumerate(flows):
            if flow % unit:
                self.incident.setdefault(tails[arc], []).append(arc)
                self.incident.setdefault(heads[arc], []).append(arc)

    def fractional(self, arc: int) -> bool:
        return self.flows[arc] % self.unit != 0

    def next_arc(self, node: int, arrived_by: int | None) -> int | None:
        arcs = self.incident.get(node, [])
        while arcs and not self.fractional(arcs[-1]):
            arcs.pop()  # whole since it was listed: drop it lazily
        for arc in reversed(arcs):
            if arc != arrived_by and self.fractional(arc):
                return arc
        return None

    def run(self) -> None:
        for start in list(self.incident):
            while self.next_arc(start, None) is not None:
                self.walk(start)

    def walk(self, start: int) -> None:
        """Walk along fractional arcs from ``start``; each time the walk closes a cycle, round
        it and go on from where the cycle began, until ``start`` has no fractional arc."""
        path_nodes, path_arcs = [start], []
        position = {start: 0}
        while path_nodes:
            node = path_nodes[-1]
            arc = self.next_arc(node, path_arcs[-1] if path_arcs else None)
            if arc is None:
                # A balanced node never has exactly one arc not whole, so only the start,
                # once all its arcs are whole, ends up here.
                if len(path_nodes) > 1:
                    raise RuntimeError("the flow to round is not balanced")
                return
            other = self.heads[arc] if self.tails[arc] == node else self.tails[arc]
            if other in position:
                begin = position[other]
                cycle_nodes = path_nodes[begin:] + [other]
                cycle_arcs = path_arcs[begin:] + [arc]
                self.push(cycle_nodes, cycle_arcs)
                for gone in path_nodes[begin + 1 :]:
                    del position[gone]
                del path_nodes[begin + 1 :]
                del path_arcs[begin:]
                if begin == 0 and self.next_arc(start, None) is None:
                    return
            else:
                position[other] = len(path_nodes)
                path_nodes.append(other)
                path_arcs.append(arc)

    def choose_up(self, up: int, down: int) -> bool:
        """+up with probability down / (up + down), -down otherwise: no arc's mean moves."""
        return self.rng.random() * (up + down) < down

    def push(self, nodes: list[int], arcs: list[int]) -> None:
        unit = self.unit
        signs = [1 if self.tails[arc] == nodes[i] else -1 for i, arc in enumerate(arcs)]
        up = min(
            (-self.flows[a]) % unit if s > 0 else self.flows[a] % unit
            for a, s in zip(arcs, signs, strict=True)
        )
        down = min(
            self.flows[a] % unit if s > 0 else (-self.flows[a]) % unit
            for a, s in zip(arcs, signs, strict=True)
        )
        step = up if self.choose_up(up, down) else -down
        for arc, sign in zip(arcs, signs, strict=True):
            self.flows[arc] += sign * step


def run_benchmark(
    path, *, cap: str, seed: int = 0, k: int = 3, max_load: int = 4, min_load: int = 0
) -> dict:
    """The randomized mode on a benchmark file (reviews.assignment.load_affinity_matrix), as
    the ``assignment_bench --randomized`` command prints it."""
    import time
    from pathlib import Path

    scores, conflict = assignment.load_affinity_matrix(path)
    started = time.perf_counter()
    proposals = [Proposal(key=i, label=f"paper {i}") for i in range(scores.shape[0])]
    reviewers = [Reviewer(j, None, max_load, min_load) for j in range(scores.shape[1])]
    candidates = assignment.candidates_from_matrix(scores, conflict=conflict)
    drawn = solve_randomized(
        proposals, reviewers, candidates, k, cap=cap, seed=seed, spread_provinces=False
    )
    return {
        "file": Path(path).name,
        "papers": len(proposals),
        "reviewers": len(reviewers),
        "k": k,
        "mode": "randomized",
        "cap": drawn.cap,
        "seed": seed,
        "expected_total": round(drawn.expected_total, 4),
        "max_probability": round(drawn.max_probability, 4),
        "total": round(drawn.result.total, 4),
        "complete": drawn.result.complete,
        "seconds": round(time.perf_counter() - started, 3),
    }
