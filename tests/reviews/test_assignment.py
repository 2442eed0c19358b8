import itertools
import json
import random
from pathlib import Path

import numpy as np
import pytest

from reviews.affinity import (
    DISCIPLINE_WEIGHT,
    KEYWORD_WEIGHT,
    SAME_PARENT,
    TEXT_WEIGHT,
    affinity,
)
from reviews.assignment import candidates_from_matrix, run_benchmark, solve
from reviews.assignment_data import (
    CAPACITY,
    TOO_FEW_ELIGIBLE,
    Candidate,
    Pair,
    Proposal,
    Reviewer,
)

BENCHMARKS = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "assignment"
needs_benchmarks = pytest.mark.skipif(not BENCHMARKS.is_dir(), reason="benchmark data absent")


def proposals(n):
    return [Proposal(key=f"p{i}", label=f"P-{i}") for i in range(n)]


def reviewers(*provinces, max_load=5, min_load=0):
    return [Reviewer(f"r{j}", p, max_load, min_load) for j, p in enumerate(provinces)]


def table(rows):
    """Candidates from rows of affinities, one row per proposal; None leaves a pair out."""
    return [
        Candidate(i, j, a) for i, row in enumerate(rows) for j, a in enumerate(row) if a is not None
    ]


def assigned(result):
    return {(p.proposal, p.reviewer) for p in result.pairs}


# --- Optimality against brute force ------------------------------------------------------------


def random_instance(seed):
    rng = random.Random(seed)
    revs = [
        Reviewer(f"r{j}", rng.choice(["Beijing", "Hubei", None]), load, rng.randint(0, load))
        for j, load in enumerate(rng.choices([1, 2, 3], k=5))
    ]
    cands = [
        Candidate(i, j, round(rng.uniform(-0.2, 1.0), 3))
        for i in range(3)
        for j in range(5)
        if rng.random() < 0.8
    ]
    return proposals(3), revs, cands


def all_assignments(props, revs, cands, k):
    """Every assignment within the load bounds, as {proposal: reviewer positions}."""
    options = []
    for i in range(len(props)):
        mine = [c.reviewer for c in cands if c.proposal == i]
        options.append([s for n in range(k + 1) for s in itertools.combinations(mine, n)])
    for choice in itertools.product(*options):
        loads = [sum(j in chosen for chosen in choice) for j in range(len(revs))]
        if all(n <= r.max_load for n, r in zip(loads, revs, strict=True)):
            yield choice, loads


def exceptions(choice, revs, cands, k):
    """Same-province reviewers beyond k - 1, where the proposal's pool spans two provinces."""
    count = 0
    for i, chosen in enumerate(choice):
        pool = {revs[c.reviewer].province for c in cands if c.proposal == i} - {None}
        if len(pool) >= 2:
            for province in pool:
                same = sum(revs[j].province == province for j in chosen)
                count += max(0, same - (k - 1))
    return count


def levels(choice, loads, props, revs, cands, k):
    """(slots filled, -spread exceptions, min-load units filled), the solver's priorities."""
    filled = sum(len(chosen) for chosen in choice)
    units = sum(min(n, r.min_load) for n, r in zip(loads, revs, strict=True))
    return filled, -exceptions(choice, revs, cands, k), units


def sums(choice, cands):
    score = {(c.proposal, c.reviewer): c.affinity for c in cands}
    return [sum(score[i, j] for j in chosen) for i, chosen in enumerate(choice)]


def result_choice(result, props, revs):
    p_at = {p.key: i for i, p in enumerate(props)}
    r_at = {r.key: j for j, r in enumerate(revs)}
    choice = [[] for _ in props]
    for pair in result.pairs:
        choice[p_at[pair.proposal]].append(r_at[pair.reviewer])
    loads = [result.loads[r.key] for r in revs]
    return choice, loads


@pytest.mark.parametrize("seed", range(40))
def test_plain_mode_matches_brute_force(seed):
    props, revs, cands = random_instance(seed)
    result = solve(props, revs, cands, k=2)
    best = max(
        (levels(c, loads, props, revs, cands, 2), sum(sums(c, cands)))
        for c, loads in all_assignments(props, revs, cands, 2)
    )
    choice, loads = result_choice(result, props, revs)
    assert levels(choice, loads, props, revs, cands, 2) == best[0]
    assert result.total == pytest.approx(best[1], abs=1e-9)


@pytest.mark.parametrize("seed", range(40))
def test_fair_mode_matches_brute_force(seed):
    props, revs, cands = random_instance(seed)
    plain = solve(props, revs, cands, k=2)
    fair = solve(props, revs, cands, k=2, fair=True)
    choice, loads = result_choice(plain, props, revs)
    counts = [len(chosen) for chosen in choice]
    floor = levels(choice, loads, props, revs, cands, 2)
    best = None
    for c, loads in all_assignments(props, revs, cands, 2):
        lv = levels(c, loads, props, revs, cands, 2)
        if [len(x) for x in c] != counts or lv[1] < floor[1] or lv[2] < floor[2]:
            continue
        s = sums(c, cands)
        full = [v for v, n in zip(s, counts, strict=True) if n == 2]
        key = (min(full, default=0.0), sum(s))
        best = key if best is None or key > best else best
    assert fair.exact
    assert (fair.weakest, fair.total) == pytest.approx(best, abs=1e-9)


# --- Determinism -------------------------------------------------------------------------------


def tied_instance():
    rng = random.Random(5)
    revs = [Reviewer(f"r{j}", f"prov{j % 4}", 3) for j in range(12)]
    cands = [Candidate(i, j, rng.choice([0.5, 1.0])) for i in range(10) for j in range(12)]
    return proposals(10), revs, cands


def test_same_input_gives_same_pairs():
    props, revs, cands = tied_instance()
    assert solve(props, revs, cands, 3).pairs == solve(props, revs, cands, 3).pairs


def test_candidate_order_does_not_change_pairs():
    props, revs, cands = tied_instance()
    shuffled = cands[:]
    random.Random(1).shuffle(shuffled)
    assert solve(props, revs, shuffled, 3).pairs == solve(props, revs, cands, 3).pairs


# --- Loads -------------------------------------------------------------------------------------


def test_per_reviewer_max_load_is_respected():
    revs = [Reviewer("star", None, 1), Reviewer("a", None, 2), Reviewer("b", None, 3)]
    result = solve(proposals(3), revs, table([[1.0, 0.2, 0.1]] * 3), k=1)
    assert result.loads == {"star": 1, "a": 2, "b": 0}
    assert result.total == pytest.approx(1.4)


def test_min_load_draws_in_a_weaker_reviewer():
    revs = [Reviewer("strong", None, 4), Reviewer("weak", None, 4, min_load=1)]
    result = solve(proposals(3), revs, table([[0.9, 0.1]] * 3), k=1)
    assert result.loads == {"strong": 2, "weak": 1}
    assert result.underloaded == []


def test_unreachable_min_load_is_reported_not_fatal():
    revs = [Reviewer("a", None, 4), Reviewer("idle", None, 4, min_load=2)]
    result = solve(proposals(2), revs, table([[0.9, None]] * 2), k=1)
    assert result.complete
    assert result.underloaded == ["idle"]


# --- Forbidden pairs ---------------------------------------------------------------------------


@pytest.mark.parametrize("fair", [False, True])
def test_forbidden_pair_is_never_assigned(fair):
    cands = table([[1.0, 0.1, 0.1], [0.2, 0.2, 0.2]])
    result = solve(
        proposals(2), reviewers(None, None, None), cands, 2, fair=fair, forbidden={(0, 0)}
    )
    assert ("p0", "r0") not in assigned(result)
    assert result.complete


# --- Province spread ---------------------------------------------------------------------------


def test_reviewers_spread_over_two_provinces():
    revs = reviewers("Beijing", "Beijing", "Hubei")
    result = solve(proposals(1), revs, table([[0.9, 0.8, 0.1]]), k=2)
    assert assigned(result) == {("p0", "r0"), ("p0", "r2")}
    assert result.spread_relaxed == []


def test_spread_off_takes_the_best_pair():
    revs = reviewers("Beijing", "Beijing", "Hubei")
    result = solve(proposals(1), revs, table([[0.9, 0.8, 0.1]]), k=2, spread_provinces=False)
    assert assigned(result) == {("p0", "r0"), ("p0", "r1")}


def test_spread_is_relaxed_when_the_pool_has_one_province():
    revs = reviewers("Beijing", "Beijing", "Beijing")
    result = solve(proposals(1), revs, table([[0.9, 0.8, 0.1]]), k=2)
    assert assigned(result) == {("p0", "r0"), ("p0", "r1")}
    assert result.spread_relaxed == ["p0"]


def test_spread_gives_way_rather_than_leave_a_slot_empty():
    # The only Hubei reviewer is taken by p1, which has no one else.
    revs = [Reviewer("b0", "Beijing", 1), Reviewer("b1", "Beijing", 1), Reviewer("h", "Hubei", 1)]
    result = solve(proposals(2), revs, table([[0.9, 0.8, 0.7], [None, None, 0.1]]), k=2)
    assert result.shortfalls[0].proposal == "p1"
    assert ("p1", "h") in assigned(result)
    assert {("p0", "b0"), ("p0", "b1")} <= assigned(result)
    assert result.spread_relaxed == ["p0"]


# --- Shortfalls --------------------------------------------------------------------------------


def test_too_few_eligible_reviewers_names_the_proposal_and_the_caller_exclusions():
    excluded = {"excluded by province rule (Jiangsu, Zhejiang)": 14, "conflicts": 3}
    props = [Proposal("x", "F06-0003", "F0601", excluded), Proposal("y", "F06-0004", "F0602")]
    result = solve(props, reviewers(*"ABCD"), table([[0.5, 0.4, None, None], [0.1] * 4]), k=3)
    assert not result.complete
    [short] = result.shortfalls
    assert (short.proposal, short.got, short.needed, short.eligible) == ("x", 2, 3, 2)
    assert short.cause == TOO_FEW_ELIGIBLE
    assert short.reason == (
        "F06-0003: only 2 eligible reviewers in F0601 (k = 3); "
        "14 excluded by province rule (Jiangsu, Zhejiang), 3 conflicts"
    )
    assert result.per_proposal == {"x": pytest.approx(0.9), "y": pytest.approx(0.3)}


def test_exhausted_capacity_is_reported_with_a_partial_assignment():
    props = [Proposal("a", "F02-0001", "F0201"), Proposal("b", "F02-0002", "F0201")]
    revs = reviewers(None, None, None, max_load=1)
    result = solve(props, revs, table([[0.9, 0.9, 0.9], [0.1, 0.1, 0.2]]), k=2)
    [short] = result.shortfalls
    assert (short.proposal, short.got, short.cause) == ("b", 1, CAPACITY)
    assert short.reason == (
        "F02-0002: got 1 of 2: the other 2 eligible reviewers in F0201 are all at their "
        "maximum load with other proposals"
    )
    assert len(result.pairs) == 3
    assert result.weakest == pytest.approx(1.8)


def test_no_candidates_at_all():
    result = solve(proposals(1), reviewers(None), [], k=2)
    assert [s.reason for s in result.shortfalls] == ["P-0: only 0 eligible reviewers (k = 2)"]


# --- Fair mode ---------------------------------------------------------------------------------


def test_fair_mode_raises_the_weakest_proposal():
    cands = table([[1.0, 0.4], [0.3, 0.0]])
    plain = solve(proposals(2), reviewers(None, None, max_load=1), cands, k=1)
    fair = solve(proposals(2), reviewers(None, None, max_load=1), cands, k=1, fair=True)
    assert (plain.total, plain.weakest) == pytest.approx((1.0, 0.0))
    assert (fair.total, fair.weakest) == pytest.approx((0.7, 0.3))
    assert fair.exact


def test_fair_mode_on_a_large_call_solves_its_core_and_says_so(monkeypatch):
    monkeypatch.setattr("reviews.fair_assignment.FAIR_FULL_MODEL", 0)
    monkeypatch.setattr("reviews.fair_assignment.FAIR_CORE", 2)
    cands = table([[1.0, 0.4, 0.0, 0.0], [0.3, 0.0, 0.0, 0.0]])
    fair = solve(proposals(2), reviewers(*[None] * 4, max_load=1), cands, k=1, fair=True)
    assert (fair.total, fair.weakest) == pytest.approx((0.7, 0.3))
    assert not fair.exact


@needs_benchmarks
def test_fair_mode_past_its_time_limit_keeps_a_valid_assignment():
    summary = run_benchmark(BENCHMARKS / "midl-scores.npy", fair=True, time_limit=0.01)
    assert summary["complete"] and summary["max_load"] <= 4
    assert summary["weakest"] >= 0.9033
    assert not summary["exact"]


# --- Explanations and input checks -------------------------------------------------------------


def test_pairs_carry_affinity_and_explanation():
    cands = [Candidate(0, 0, 0.8, "discipline F0601 exact match; keywords: graph")]
    result = solve(proposals(1), reviewers(None), cands, k=1)
    assert result.pairs == [Pair("p0", "r0", 0.8, "discipline F0601 exact match; keywords: graph")]


@pytest.mark.parametrize(
    "cands, revs, k",
    [
        ([Candidate(0, 0, 0.5), Candidate(0, 0, 0.6)], reviewers(None), 1),
        ([Candidate(0, 3, 0.5)], reviewers(None), 1),
        ([Candidate(0, 0, float("nan"))], reviewers(None), 1),
        ([], [Reviewer("r", None, 1, min_load=2)], 1),
        ([], reviewers(None), 0),
    ],
    ids=["duplicate", "outside", "nan", "min-above-max", "k-zero"],
)
def test_bad_input_is_rejected(cands, revs, k):
    with pytest.raises(ValueError):
        solve(proposals(1), revs, cands, k)


# --- Candidates from a matrix ------------------------------------------------------------------


def test_candidates_from_matrix_keeps_top_n_allowed_per_row():
    scores = np.array([[0.1, 0.9, 0.5, 0.7], [0.3, 0.2, np.nan, 0.4]])
    conflict = np.array([[False, True, False, False], [False] * 4])
    cands = candidates_from_matrix(scores, top_n=2, conflict=conflict, first_proposal=10)
    columns = (cands.proposal.tolist(), cands.reviewer.tolist(), cands.affinity.tolist())
    assert columns == ([10, 10, 11, 11], [2, 3, 0, 3], [0.5, 0.7, 0.3, 0.4])


def test_candidates_from_matrix_without_top_n_keeps_every_allowed_finite_pair():
    scores = np.array([[0.1, np.inf, 0.5], [0.3, 0.2, np.nan]])
    conflict = np.array([[False, False, True], [False] * 3])
    cands = candidates_from_matrix(scores, conflict=conflict)
    columns = (cands.proposal.tolist(), cands.reviewer.tolist(), cands.affinity.tolist())
    assert columns == ([0, 1, 1], [0, 0, 1], [0.1, 0.3, 0.2])


# --- Affinity ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reviewer_codes, explanation",
    [
        (["F0601"], "discipline F0601 exact match"),
        (["G01", "F0602"], "discipline F0601 ~ F0602: same parent F06"),
        (["F06"], "discipline F0601 ~ F06: same parent F06"),
        (["F02"], "discipline F0601 ~ F02: same department F"),
        (["G0101"], "no discipline match"),
    ],
)
def test_affinity_explains_the_discipline_match(reviewer_codes, explanation):
    assert affinity(["F0601"], [], reviewer_codes, [])[1] == explanation


def test_affinity_ranks_exact_above_parent_above_department_above_none():
    scores = [affinity("F0601", [], code, [])[0] for code in ["F0601", "F0602", "F02", "G01"]]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == 4


@pytest.mark.parametrize(
    "ours, theirs, score, words",
    [
        (["Graph", "Learning", "robotics"], ["graph", "LEARNING"], 2 / 3, "Graph, Learning"),
        (["a", "b", "c", "d"], ["A", "B", "C", "D"], 1.0, "a, b, c, d"),
        (["deep  learning"], ["Deep learning"], 1 / 3, "deep  learning"),
        (["graph"], ["graphs"], 0.0, None),
    ],
)
def test_affinity_counts_shared_keywords_case_insensitively(ours, theirs, score, words):
    value, text = affinity(["F0601"], ours, ["F0601"], theirs)
    assert value == pytest.approx(DISCIPLINE_WEIGHT + KEYWORD_WEIGHT * score)
    assert text == "discipline F0601 exact match" + (f"; keywords: {words}" if words else "")


def test_affinity_stays_within_zero_and_one():
    many = [f"k{i}" for i in range(10)]
    assert affinity(["F0601", "F0602"], many, ["F0601"], many)[0] == 1.0
    assert affinity(["A01"], ["x"], ["H01"], ["y"]) == (0.0, "no discipline match")
    assert affinity(["F0601"], [], ["F0603"], [])[0] == pytest.approx(
        DISCIPLINE_WEIGHT * SAME_PARENT
    )


# --- Real benchmark data -----------------------------------------------------------------------


@needs_benchmarks
def test_midl_max_sum_optimum():
    summary = run_benchmark(BENCHMARKS / "midl-scores.npy", k=3, max_load=4)
    assert round(summary["total"], 2) == 201.88
    assert summary["complete"] and summary["max_load"] == 4


@needs_benchmarks
def test_midl_fair_mode_lifts_every_paper():
    summary = run_benchmark(BENCHMARKS / "midl-scores.npy", k=3, max_load=4, fair=True)
    assert summary["weakest"] >= 0.94
    assert summary["total"] >= 201.7
    assert summary["exact"]


@needs_benchmarks
def test_midl_lower_bounds_fill_every_reviewer():
    summary = run_benchmark(BENCHMARKS / "midl-scores.npy", k=3, max_load=4, min_load=2)
    assert (summary["min_load"], summary["max_load"], summary["complete"]) == (2, 2, True)


@needs_benchmarks
@pytest.mark.parametrize("name", ["midl-scores.npy", "preflib3.npz", "query.npz"])
def test_benchmark_summary_is_one_json_line(name):
    summary = run_benchmark(BENCHMARKS / name, k=3, max_load=4)
    line = json.dumps(summary)
    assert "\n" not in line
    assert {"total", "weakest", "max_load", "complete", "seconds"} <= summary.keys()
    assert summary["complete"] and summary["max_load"] <= 4


@pytest.mark.parametrize(
    ("text", "score", "papers"),
    [
        (None, DISCIPLINE_WEIGHT, None),
        (0.0, (1 - TEXT_WEIGHT) * DISCIPLINE_WEIGHT, "0.00"),
        (0.5, (1 - TEXT_WEIGHT) * DISCIPLINE_WEIGHT + TEXT_WEIGHT * 0.5, "0.50"),
        (1.0, (1 - TEXT_WEIGHT) * DISCIPLINE_WEIGHT + TEXT_WEIGHT, "1.00"),
        (1.7, (1 - TEXT_WEIGHT) * DISCIPLINE_WEIGHT + TEXT_WEIGHT, "1.00"),
    ],
)
def test_affinity_weighs_the_papers_only_when_there_are_some(text, score, papers):
    value, why = affinity(["F0601"], [], ["F0601"], [], text)
    assert value == pytest.approx(score)
    if papers is None:
        assert why == "discipline F0601 exact match"
    else:
        assert why == (
            "discipline F0601 exact match; "
            f"components: discipline 1.00, keywords 0.00, papers {papers}"
        )
