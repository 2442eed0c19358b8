"""The solver on candidate columns (a dense matrix, numpy arrays) gives what it gives on the
same pairs listed one by one: same pairs, loads, shortfalls, spread and explanations."""

import numpy as np
import pytest

from reviews.assignment import candidates_from_matrix, solve
from reviews.assignment_data import Candidate, Candidates, Proposal, Reviewer, build_instance
from reviews.randomized_assignment import solve_randomized


def instance(seed, n_p, n_r, provinces, eligible, max_load, min_load):
    rng = np.random.default_rng(seed)
    props = [Proposal(f"p{i}", f"P-{i}", "F0601", {"conflicts": 1}) for i in range(n_p)]
    revs = [
        Reviewer(f"r{j}", provinces[j % len(provinces)], max_load, min(min_load, max_load))
        for j in range(n_r)
    ]
    scores = rng.random((n_p, n_r)).round(3)
    allowed = rng.random((n_p, n_r)) < eligible
    return props, revs, scores, allowed


def listed(scores, allowed):
    """The same pairs one by one, shuffled, each with its own explanation."""
    pairs = [
        Candidate(i, j, float(scores[i, j]), f"why {i}-{j}")
        for i, j in zip(*np.nonzero(allowed), strict=True)
    ]
    np.random.default_rng(0).shuffle(pairs)
    return pairs


def explained(scores, allowed):
    columns = candidates_from_matrix(scores, conflict=~allowed)
    return Candidates(
        columns.proposal, columns.reviewer, columns.affinity, lambda i, j: f"why {i}-{j}"
    )


CASES = {
    # name: (seed, proposals, reviewers, provinces, eligible share, max load, min load, k)
    "spread over three provinces": (1, 6, 9, ["A", "B", "C"], 0.9, 3, 0, 3),
    "one province: spread relaxed": (2, 5, 8, ["A"], 1.0, 3, 0, 2),
    "some reviewers without a province": (3, 6, 9, ["A", "B", None], 0.8, 2, 0, 2),
    "min loads": (4, 5, 10, ["A", "B"], 0.9, 3, 1, 2),
    "short pool and capacity": (5, 8, 5, ["A", "B"], 0.5, 2, 0, 3),
    "no spread (k = 1)": (6, 7, 6, ["A", "B"], 0.7, 2, 1, 1),
    "zero-load reviewers": (7, 4, 6, ["A", "B"], 0.9, 0, 0, 2),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("fair", [False, True])
def test_columns_and_listed_pairs_give_the_same_result(case, fair):
    seed, n_p, n_r, provinces, eligible, max_load, min_load, k = case
    props, revs, scores, allowed = instance(seed, n_p, n_r, provinces, eligible, max_load, min_load)
    forbidden = {(0, 0), (1, 2)}
    one_by_one = solve(props, revs, listed(scores, allowed), k, fair=fair, forbidden=forbidden)
    columns = solve(props, revs, explained(scores, allowed), k, fair=fair, forbidden=forbidden)
    assert columns == one_by_one
    assert not {("p0", "r0"), ("p1", "r2")} & {(p.proposal, p.reviewer) for p in columns.pairs}
    assert all(p.explanation == f"why {p.proposal[1:]}-{p.reviewer[1:]}" for p in columns.pairs)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_randomized_mode_takes_the_same_columns(case):
    seed, n_p, n_r, provinces, eligible, max_load, min_load, k = case
    props, revs, scores, allowed = instance(seed, n_p, n_r, provinces, eligible, max_load, min_load)
    one_by_one = solve_randomized(props, revs, listed(scores, allowed), k, cap="0.5", seed=3)
    columns = solve_randomized(props, revs, explained(scores, allowed), k, cap="0.5", seed=3)
    assert columns == one_by_one


@pytest.mark.parametrize(
    "spread, expected",
    [
        # p0: 3 eligible in A, 2 in B: both bind at k = 2; p1: only A, so none; p2: 1 in A,
        # 2 in B: only B binds.
        (True, [0, 0, 0, 1, 1, -1, -1, -1, -1, 2, 2]),
        (False, [-1] * 11),
    ],
)
def test_spread_nodes_are_numbered_by_proposal_then_province(spread, expected):
    revs = [Reviewer(f"r{j}", p, 2) for j, p in enumerate(["A", "A", "A", "B", "B", None])]
    pairs = {0: [0, 1, 2, 3, 4], 1: [0, 1, 2], 2: [3, 4, 0]}
    cands = [Candidate(i, j, 0.5) for i, js in pairs.items() for j in js]
    props = [Proposal(f"p{i}") for i in range(3)]
    inst = build_instance(props, revs, cands, 2, (), spread)
    assert inst.group.tolist() == expected
    assert inst.prop.tolist() == [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert inst.rev.tolist() == [0, 1, 2, 3, 4, 0, 1, 2, 0, 3, 4]


def test_an_unsorted_duplicate_pair_is_rejected_from_columns():
    cands = Candidates(np.array([0, 0, 0]), np.array([1, 0, 1]), np.array([0.5, 0.4, 0.3]))
    with pytest.raises(ValueError, match="appears twice"):
        solve([Proposal("p")], [Reviewer("a", None, 1), Reviewer("b", None, 1)], cands, 1)
