"""Benchmark of the reviewer-assignment solver (reviews/assignment.py and its fair mode).

Synthetic instances shaped like a Joint Fund call, plus the real MIDL conference matrix:

    .venv/bin/python bench/assignment_bench.py [--seed 7] [--large] [--fair-time-limit 60]
    .venv/bin/python bench/assignment_bench.py --dense [--repeat 3] [--shape 2000x3000] [--k 5]

Prints a markdown table. ``--dense`` instead times the plain solver end to end (matrix in,
Result out) on a dense 2,000 x 3,000 call with about 4 million eligible pairs, side by side
with a bare OR-Tools min-cost flow on exactly the same pairs, and prints the ratio. Synthetic calls: proposals from consortia of 2-3 of the four delta
provinces, reviewers from 30 provinces (the delta over-represented), reviewers from any
consortium province excluded, a few declared conflicts, NSFC-like codes three levels deep and
topic vectors that make most pairs weak and a few strong; the best 150 allowed reviewers per
proposal become candidates.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reviews import (  # noqa: E402
    affinity,
    assignment,
    assignment_data,
    fair_assignment,
    randomized_assignment,
)

MIDL = (
    Path(__file__).resolve().parent.parent.parent / "shared/benchmarks/assignment/midl-scores.npy"
)
PROVINCES = 30
DELTA = 4  # provinces 0-3 fund the call
DELTA_REVIEWER_SHARE = 0.35
DEPARTMENTS, SECOND_LEVEL, THIRD_LEVEL = 8, 5, 4
TOPICS_PER_CODE = 3
TOP_N = 150
CONFLICT_RATE = 0.001
ROW_BLOCK = 1000  # proposals scored at a time, so the large instance fits in memory


@dataclass
class Synthetic:
    proposals: list
    reviewers: list
    candidates: list
    generate_seconds: float
    build_seconds: float


def main() -> None:
    args = _arguments()
    if args.dense:
        shape = tuple(int(n) for n in args.shape.split("x"))
        _dense_comparison(args.seed, args.repeat, shape, args.k)
        return
    rows = []
    instances = [("synthetic 2,000 x 3,000, k=5", 2_000, 3_000)]
    if args.large:
        instances.append(("synthetic 10,000 x 20,000, k=5", 10_000, 20_000))
    for name, n_proposals, n_reviewers in instances:
        data = synthetic(n_proposals, n_reviewers, args.seed)
        rows.append(_run(name, "plain", data, k=5))
        rows.append(_run(name, "plain, no spread", data, k=5, spread=False))
        busy = replace(data, reviewers=[replace(r, min_load=1) for r in data.reviewers])
        rows.append(_run(name, "plain, min load 1", busy, k=5))
        if n_proposals <= 2_000:
            rows.append(_run(name, "fair", data, k=5, fair=True, limit=args.fair_time_limit))
            rows.append(_run(name, "randomized", data, k=5, cap=args.randomized))
    if MIDL.exists():
        midl = _midl()
        name = "MIDL 118 x 177, k=3, load<=4"
        rows.append(_run(name, "plain", midl, k=3, spread=False))
        rows.append(_run(name, "fair", midl, k=3, fair=True, spread=False))
        rows.append(_run(name, "randomized", midl, k=3, spread=False, cap=args.randomized))
    _print_table(rows)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--large", action="store_true", help="also 10,000 x 20,000")
    parser.add_argument("--fair-time-limit", type=float, default=60.0)
    parser.add_argument("--randomized", default="0.5", help="the randomized mode's probability cap")
    parser.add_argument(
        "--dense", action="store_true", help="the plain solver against a bare min-cost flow"
    )
    parser.add_argument("--repeat", type=int, default=3, help="--dense: runs of each, alternated")
    parser.add_argument(
        "--shape",
        default=f"{DENSE_SHAPE[0]}x{DENSE_SHAPE[1]}",
        help="--dense: proposals x reviewers",
    )
    parser.add_argument("--k", type=int, default=5, help="--dense: reviewers per proposal")
    return parser.parse_args()


def synthetic(n_proposals: int, n_reviewers: int, seed: int) -> Synthetic:
    """A call and its candidates; "generate" times the scores, "build" the candidate lists."""
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    n_codes, p_code, r_code, p_topics, r_topics = _codes_and_topics(rng, n_proposals, n_reviewers)
    # One reviewer in five is registered at the second level only (F06 rather than F0601).
    second_only = rng.random(n_reviewers) < 0.2
    r_code = np.where(second_only, n_codes + r_code // THIRD_LEVEL, r_code)
    levels = _level_table(n_codes)
    r_province = _reviewer_provinces(rng, n_reviewers)
    consortia = _consortia(rng, n_proposals)
    generate, build, blocks = time.perf_counter() - started, 0.0, []
    for first in range(0, n_proposals, ROW_BLOCK):
        started = time.perf_counter()
        rows = slice(first, first + ROW_BLOCK)
        scores = _affinities(levels[p_code[rows]][:, r_code], p_topics[rows], r_topics)
        conflict = consortia[rows][:, r_province] | (rng.random(scores.shape) < CONFLICT_RATE)
        generate += time.perf_counter() - started
        started = time.perf_counter()
        blocks.append(
            assignment.candidates_from_matrix(
                scores, top_n=TOP_N, conflict=conflict, first_proposal=first
            )
        )
        build += time.perf_counter() - started
    started = time.perf_counter()
    candidates = assignment_data.Candidates.concatenate(blocks)
    proposals = [assignment_data.Proposal(i, f"P-{i:05d}") for i in range(n_proposals)]
    loads = rng.integers(4, 9, n_reviewers)
    reviewers = [
        assignment_data.Reviewer(j, f"province {r_province[j]:02d}", int(loads[j]))
        for j in range(n_reviewers)
    ]
    build += time.perf_counter() - started
    return Synthetic(proposals, reviewers, candidates, generate, build)


def _codes_and_topics(rng, n_proposals: int, n_reviewers: int):
    """(number of third-level codes, proposals' codes, reviewers' codes, their topics), drawn
    in this order from ``rng``."""
    n_codes = DEPARTMENTS * SECOND_LEVEL * THIRD_LEVEL
    # Some fields draw far more proposals (and have more experts) than others.
    popularity = rng.zipf(1.6, n_codes).astype(float)
    popularity /= popularity.sum()
    p_code = rng.choice(n_codes, n_proposals, p=popularity)
    r_code = rng.choice(n_codes, n_reviewers, p=popularity)
    p_topics = _topics(rng, p_code // THIRD_LEVEL, n_codes // THIRD_LEVEL)
    r_topics = _topics(rng, r_code // THIRD_LEVEL, n_codes // THIRD_LEVEL)
    return n_codes, p_code, r_code, p_topics, r_topics


def _level_table(n_codes: int) -> np.ndarray:
    """Discipline score of each proposal code against each reviewer code.

    Codes 0..n_codes-1 are third-level (F0601); n_codes + i is second-level code i (F06).
    """
    theirs = np.arange(n_codes + n_codes // THIRD_LEVEL)
    their_parent = np.where(theirs >= n_codes, theirs - n_codes, theirs // THIRD_LEVEL)
    ours = np.arange(n_codes)[:, None]
    our_parent = ours // THIRD_LEVEL
    return np.select(
        [
            ours == theirs,
            our_parent == their_parent,
            our_parent // SECOND_LEVEL == their_parent // SECOND_LEVEL,
        ],
        [affinity.EXACT_CODE, affinity.SAME_PARENT, affinity.SAME_DEPARTMENT],
        0.0,
    ).astype(np.float32)


def _topics(rng, field, n_fields) -> np.ndarray:
    """Sparse unit topic vectors, concentrated on the topics of each one's field."""
    n_topics = n_fields * TOPICS_PER_CODE
    alpha = np.full((len(field), n_topics), 0.02)
    for t in range(TOPICS_PER_CODE):
        alpha[np.arange(len(field)), field * TOPICS_PER_CODE + t] = 1.0
    vectors = rng.gamma(alpha).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _reviewer_provinces(rng, n_reviewers) -> np.ndarray:
    weights = np.concatenate(
        [np.full(DELTA, DELTA_REVIEWER_SHARE / DELTA), rng.dirichlet(np.ones(PROVINCES - DELTA))]
    )
    weights[DELTA:] *= 1 - DELTA_REVIEWER_SHARE
    return rng.choice(PROVINCES, n_reviewers, p=weights / weights.sum())


def _consortia(rng, n_proposals) -> np.ndarray:
    """Proposals x provinces, True for each delta province in the consortium (2 or 3)."""
    member = np.zeros((n_proposals, PROVINCES), dtype=bool)
    for i, size in enumerate(rng.integers(2, 4, n_proposals)):
        member[i, rng.choice(DELTA, size, replace=False)] = True
    return member


def _affinities(levels, p_topics, r_topics) -> np.ndarray:
    """The portal's discipline weights, with topic similarity standing in for keywords."""
    topical = p_topics @ r_topics.T
    return affinity.DISCIPLINE_WEIGHT * levels + affinity.KEYWORD_WEIGHT * topical


def _midl() -> Synthetic:
    started = time.perf_counter()
    scores, conflict = assignment.load_affinity_matrix(MIDL)
    candidates = assignment.candidates_from_matrix(scores, conflict=conflict)
    proposals = [assignment_data.Proposal(i, f"paper {i}") for i in range(scores.shape[0])]
    reviewers = [assignment_data.Reviewer(j, None, 4) for j in range(scores.shape[1])]
    return Synthetic(proposals, reviewers, candidates, 0.0, time.perf_counter() - started)


def _run(
    name: str,
    mode: str,
    data: Synthetic,
    k: int,
    fair: bool = False,
    spread: bool = True,
    limit: float = fair_assignment.FAIR_TIME_LIMIT,
    cap: str | None = None,
) -> list[str]:
    started = time.perf_counter()
    if cap:
        drawn = randomized_assignment.solve_randomized(
            data.proposals,
            data.reviewers,
            data.candidates,
            k,
            cap=cap,
            seed=1,
            spread_provinces=spread,
        )
        result = drawn.result
        mode = f"randomized q={cap} (expected {drawn.expected_total:.2f}, max p {drawn.max_probability:.2f})"
    else:
        with assignment.native_stdout_to_stderr():
            result = assignment.solve(
                data.proposals,
                data.reviewers,
                data.candidates,
                k,
                fair=fair,
                spread_provinces=spread,
                time_limit=limit,
            )
    solve_seconds = time.perf_counter() - started
    return [
        name,
        mode + ("" if result.exact else " (not proven optimal)"),
        f"{len(data.candidates):,}",
        f"{data.generate_seconds:.2f}",
        f"{data.build_seconds:.2f}",
        f"{solve_seconds:.2f}",
        f"{result.total:.2f}",
        f"{result.weakest:.3f}",
        "yes" if result.complete else f"no ({len(result.shortfalls)} short)",
        f"{len(result.spread_relaxed)}",
        f"{len(result.underloaded)}",
    ]


def _print_table(rows: list[list[str]]) -> None:
    header = [
        "instance",
        "mode",
        "candidates",
        "generate s",
        "build s",
        "solve s",
        "total",
        "weakest",
        "complete",
        "one-province",
        "under min load",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


# ---------------------------------------------------------------------------------------------
# Dense: the plain solver against a bare min-cost flow on the same eligible pairs

DENSE_SHAPE = (2_000, 3_000)
# Half the reviewers from the delta, so the consortia's provinces exclude about a third of
# the pairs: about 4 million of 6 million stay eligible.
DENSE_DELTA_SHARE = 0.5


def dense(n_proposals: int, n_reviewers: int, seed: int):
    """(affinity matrix, allowed mask, proposals, reviewers) of a call scored in full."""
    rng = np.random.default_rng(seed)
    n_codes, p_code, r_code, p_topics, r_topics = _codes_and_topics(rng, n_proposals, n_reviewers)
    scores = _affinities(_level_table(n_codes)[p_code][:, r_code], p_topics, r_topics)
    weights = np.full(PROVINCES, (1 - DENSE_DELTA_SHARE) / (PROVINCES - DELTA))
    weights[:DELTA] = DENSE_DELTA_SHARE / DELTA
    r_province = rng.choice(PROVINCES, n_reviewers, p=weights)
    conflict = _consortia(rng, n_proposals)[:, r_province]
    conflict |= rng.random(scores.shape) < CONFLICT_RATE
    proposals = [assignment_data.Proposal(i, f"P-{i:05d}") for i in range(n_proposals)]
    loads = rng.integers(4, 9, n_reviewers)
    reviewers = [
        assignment_data.Reviewer(j, f"province {r_province[j]:02d}", int(loads[j]))
        for j in range(n_reviewers)
    ]
    return scores.astype(np.float64), ~conflict, proposals, reviewers


def bare_flow(scores: np.ndarray, allowed: np.ndarray, max_load: np.ndarray, k: int) -> float:
    """source -> proposal -> reviewer -> sink, nothing else: the total affinity it assigns."""
    from ortools.graph.python import min_cost_flow

    n_p, n_r = scores.shape
    prop, rev = np.nonzero(allowed)
    cost = -np.rint(scores[prop, rev] * assignment_data.SCALE).astype(np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    nodes_p, nodes_r = 2 + np.arange(n_p), 2 + n_p + np.arange(n_r)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.zeros(n_p, np.int32), nodes_p.astype(np.int32), np.full(n_p, k), np.zeros(n_p, np.int64)
    )
    pairs = flow.add_arcs_with_capacity_and_unit_cost(
        nodes_p[prop].astype(np.int32),
        nodes_r[rev].astype(np.int32),
        np.ones(len(prop), np.int64),
        cost,
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        nodes_r.astype(np.int32),
        np.full(n_r, sink, np.int32),
        max_load.astype(np.int64),
        np.zeros(n_r, np.int64),
    )
    flow.set_node_supply(source, k * n_p)
    flow.set_node_supply(sink, -k * n_p)
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        raise RuntimeError("bare min-cost flow failed")
    chosen = flow.flows(pairs).astype(bool)
    return float(scores[prop[chosen], rev[chosen]].sum())


def portal_plain(scores, allowed, proposals, reviewers, k: int, spread: bool):
    """The portal's plain solver, matrix in, Result out."""
    candidates = assignment.candidates_from_matrix(scores, conflict=~allowed)
    return assignment.solve(proposals, reviewers, candidates, k, spread_provinces=spread)


def _dense_comparison(seed: int, repeat: int, shape: tuple[int, int], k: int) -> None:
    scores, allowed, proposals, reviewers = dense(*shape, seed)
    max_load = np.array([r.max_load for r in reviewers])
    print(f"dense {shape[0]:,} x {shape[1]:,}, k={k}: {int(allowed.sum()):,} eligible")
    print("| run | bare flow s | plain s | plain, no spread s | plain / bare | no spread / bare |")
    print("|---|---|---|---|---|---|")
    for run in range(1, repeat + 1):
        started = time.perf_counter()
        bare_total = bare_flow(scores, allowed, max_load, k)
        bare = time.perf_counter() - started
        started = time.perf_counter()
        spread = portal_plain(scores, allowed, proposals, reviewers, k, spread=True)
        plain = time.perf_counter() - started
        started = time.perf_counter()
        flat = portal_plain(scores, allowed, proposals, reviewers, k, spread=False)
        no_spread = time.perf_counter() - started
        # Both are exact on the same scaled costs; totals of two optima may differ by rounding.
        if abs(flat.total - bare_total) > k * len(proposals) / assignment_data.SCALE:
            raise RuntimeError(f"no-spread total {flat.total} differs from bare {bare_total}")
        print(
            f"| {run} | {bare:.2f} | {plain:.2f} | {no_spread:.2f} | {plain / bare:.2f} "
            f"| {no_spread / bare:.2f} |"
        )
    print(f"totals: bare {bare_total:.4f}, plain {spread.total:.4f}, no spread {flat.total:.4f}")


if __name__ == "__main__":
    main()
