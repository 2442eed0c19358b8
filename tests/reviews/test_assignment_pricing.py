"""The plain mode's pricing (reviews.assignment.plain_flow) against the whole network.

The whole network (``flow_network`` on every candidate) is the reference encoding: pricing must
reach its lexicographic optimum exactly, level by level, on calls where the spread rule binds,
where exceptions cannot be avoided, with min loads, short pools and too little capacity.
"""

from dataclasses import replace

import numpy as np
import pytest

from reviews import assignment
from reviews.assignment_data import (
    Candidates,
    Proposal,
    Reviewer,
    best_per_proposal,
    build_instance,
)

PROVINCES = ["310000", "320000", "330000"]


def call(
    seed,
    n_p,
    n_r,
    k,
    *,
    provinces=2,
    unknown=0.0,
    max_load=(1, 4),
    min_load=0,
    density=0.8,
    short=0.0,
    favoured=0.0,
    ties=False,
    scarce=0,
):
    """A random call. ``favoured``: extra affinity for province 0, so unconstrained optima
    take one province; ``short``: share of proposals left with fewer than k candidates;
    ``scarce``: that many reviewers outside province 0, one review each, so some proposals
    cannot have two provinces."""
    rng = np.random.default_rng(seed)
    names = [PROVINCES[i] for i in rng.integers(0, provinces, n_r)]
    if scarce:
        names = [PROVINCES[0]] * (n_r - scarce) + [PROVINCES[1]] * scarce
    names = [None if rng.random() < unknown else name for name in names]
    loads = rng.integers(max_load[0], max_load[1] + 1, n_r)
    loads[n_r - scarce :] = 1
    reviewers = [
        Reviewer(f"r{j}", name, int(load), int(min(min_load, load)))
        for j, (name, load) in enumerate(zip(names, loads, strict=True))
    ]
    allowed = rng.random((n_p, n_r)) < density
    for i in np.flatnonzero(rng.random(n_p) < short):
        allowed[i, rng.permutation(n_r)[max(k - 1, 0) :]] = False
    scores = rng.uniform(-0.2, 1.0, (n_p, n_r))
    scores += favoured * np.array([name == PROVINCES[0] for name in names])
    if ties:
        scores = np.round(scores, 1)
    rows, cols = np.nonzero(allowed)
    candidates = Candidates(rows, cols, scores[rows, cols])
    proposals = [Proposal(f"p{i}") for i in range(n_p)]
    return build_instance(proposals, reviewers, candidates, k, (), True)


def levels(inst, chosen):
    """The lexicographic objective of an assignment, highest level first."""
    n_groups = int(inst.group.max()) + 1 if len(inst.group) else 0
    grouped = inst.group[chosen & (inst.group >= 0)]
    exceptions = np.maximum(np.bincount(grouped, minlength=n_groups) - (inst.k - 1), 0).sum()
    loads = np.bincount(inst.rev[chosen], minlength=len(inst.reviewers))
    assert (loads <= inst.max_load).all()
    assert (np.bincount(inst.prop[chosen], minlength=len(inst.proposals)) <= inst.k).all()
    return (
        int(chosen.sum()),
        -int(exceptions),
        int(np.minimum(loads, inst.min_load).sum()),
        int(inst.cost[chosen].sum()),
    )


def whole_network(inst):
    network = assignment.flow_network(inst)
    return network.flows[network.pairs].astype(bool)


CALLS = {
    "spread binds": dict(n_p=12, n_r=20, k=3, favoured=1.0, max_load=(3, 5)),
    "spread binds, three provinces": dict(n_p=15, n_r=24, k=4, provinces=3, favoured=1.0),
    "exceptions unavoidable": dict(n_p=12, n_r=16, k=3, favoured=0.3, max_load=(3, 5), scarce=5),
    "min loads": dict(n_p=10, n_r=18, k=3, min_load=2, favoured=0.5, max_load=(2, 4)),
    "short pools": dict(n_p=14, n_r=16, k=3, short=0.3, favoured=0.8),
    "too little capacity": dict(n_p=12, n_r=10, k=3, max_load=(1, 3), favoured=0.8),
    "unknown provinces": dict(n_p=12, n_r=20, k=3, unknown=0.3, favoured=1.0),
    "ties": dict(n_p=12, n_r=20, k=3, favoured=1.0, ties=True),
    "one reviewer each": dict(n_p=12, n_r=15, k=1, favoured=1.0),
    "sparse": dict(n_p=20, n_r=30, k=3, density=0.3, favoured=1.0, min_load=1),
    "medium": dict(n_p=60, n_r=90, k=4, provinces=3, favoured=0.7, max_load=(2, 6)),
}


@pytest.mark.parametrize("per_proposal", [1, 3, 6])
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("name", CALLS)
def test_pricing_reaches_the_whole_networks_optimum(name, seed, per_proposal):
    inst = call(seed, **CALLS[name])
    reference = levels(inst, whole_network(inst))
    assert levels(inst, assignment.plain_flow(inst, per_proposal)) == reference


@pytest.mark.parametrize("name", [name for name in CALLS if CALLS[name]["k"] > 1])
def test_the_calls_bind_the_spread_rule(name):
    """Without the rule, the optimum of some of each call's seeds has one-province proposals."""
    insts = [call(seed, **CALLS[name]) for seed in range(6)]
    free = [replace(inst, group=np.full(len(inst.group), -1)) for inst in insts]
    assert any(levels(i, whole_network(f))[1] < 0 for i, f in zip(insts, free, strict=True))


def test_the_scarce_call_keeps_exceptions_the_rule_cannot_avoid():
    insts = [call(seed, **CALLS["exceptions unavoidable"]) for seed in range(6)]
    assert all(levels(inst, whole_network(inst))[1] < 0 for inst in insts)


@pytest.mark.parametrize(
    "name, seed, per_proposal",
    [("spread binds", 3, 3), ("too little capacity", 0, 1), ("short pools", 2, 3)],
)
def test_pricing_adds_candidates_and_proves_the_optimum_without_the_whole_network(
    monkeypatch, name, seed, per_proposal
):
    solved = []
    whole = assignment.flow_network

    def counting(inst, **options):
        solved.append(len(inst.prop))
        return whole(inst, **options)

    monkeypatch.setattr(assignment, "flow_network", counting)
    inst = call(seed, **CALLS[name])
    chosen = assignment.plain_flow(inst, per_proposal)
    assert len(solved) >= 2  # the first candidates were not enough
    assert max(solved) < len(inst.prop)  # and not every candidate was needed
    assert levels(inst, chosen) == levels(inst, whole_network(inst))


@pytest.mark.parametrize("m", [1, 3, 7])
def test_the_first_candidates_are_each_proposals_best(m):
    inst = call(1, n_p=8, n_r=30, k=3, short=0.25)
    keep = best_per_proposal(inst, m)
    for i in range(len(inst.proposals)):
        mine = inst.prop == i
        costs = np.sort(inst.cost[mine])[::-1]
        assert keep[mine].sum() >= min(m, mine.sum())
        if mine.sum() > m:
            # whatever is left out scores no better than the m-th best kept
            assert inst.cost[mine & ~keep].max(initial=-(10**12)) <= costs[m - 1]


def test_the_best_among_marked_candidates_are_chosen_from_those_only():
    inst = call(2, n_p=6, n_r=20, k=3)
    among = np.random.default_rng(0).random(len(inst.prop)) < 0.5
    keep = best_per_proposal(inst, 2, among=among)
    assert not (keep & ~among).any()
    for i in range(len(inst.proposals)):
        mine = among & (inst.prop == i)
        assert keep[mine].sum() >= min(2, mine.sum())
        if keep[mine].any():
            assert inst.cost[mine & ~keep].max(initial=-(10**12)) <= inst.cost[keep & mine].min()
