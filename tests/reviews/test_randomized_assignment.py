"""The randomized mode: marginals capped at q, a draw that keeps them exactly, every rule kept."""

import itertools
from collections import defaultdict

import numpy as np
import pytest

from reviews import assignment, randomized_assignment
from reviews.assignment_data import Candidate, Proposal, Reviewer, build_instance
from reviews.randomized_assignment import cap_fraction, solve_randomized


def dense(n_p, n_r, rng, provinces=None, max_load=2):
    proposals = [Proposal(key=f"p{i}") for i in range(n_p)]
    reviewers = [
        Reviewer(f"r{j}", provinces[j % len(provinces)] if provinces else None, max_load)
        for j in range(n_r)
    ]
    affinity = rng.random((n_p, n_r)).round(3)
    candidates = [Candidate(i, j, float(affinity[i, j])) for i in range(n_p) for j in range(n_r)]
    return proposals, reviewers, candidates


def exact_distribution(network, unit, monkeypatch):
    """Every outcome of the draw with its probability, by exploring both branches of every
    choice the rounding makes."""
    outcomes = defaultdict(float)

    def explore(script):
        choices, probability = iter(script), [1.0]
        new_branch = []

        def choose_up(self, up, down):
            try:
                pick = next(choices)
            except StopIteration:
                pick = True
                new_branch.append(len(script) + len(new_branch))
            probability[0] *= down / (up + down) if pick else up / (up + down)
            return pick

        monkeypatch.setattr(randomized_assignment._Rounding, "choose_up", choose_up)
        flows = randomized_assignment.draw(network, unit, np.random.default_rng(0))
        outcomes[tuple(flows[network.pairs].tolist())] += probability[0]
        taken = list(script) + [True] * len(new_branch)
        # Depth first: flip the last True choice to False and drop what follows.
        for position in range(len(taken) - 1, -1, -1):
            if taken[position]:
                return taken[:position] + [False]
        return None

    script = []
    while script is not None:
        script = explore(script)
    return outcomes


@pytest.mark.parametrize(
    "n_p, n_r, k, cap, max_load",
    [(2, 3, 1, "0.5", 1), (3, 4, 2, "0.5", 2), (2, 6, 2, "0.34", 2), (3, 3, 1, "0.67", 1)],
)
def test_the_draw_keeps_every_marginal_exactly(monkeypatch, n_p, n_r, k, cap, max_load):
    rng = np.random.default_rng(n_p * 10 + n_r)
    proposals, reviewers, candidates = dense(n_p, n_r, rng, max_load=max_load)
    fraction = cap_fraction(cap)
    inst = build_instance(proposals, reviewers, candidates, k, (), False)
    network = assignment.flow_network(
        inst, unit=fraction.denominator, pair_capacity=fraction.numerator
    )
    marginals = network.flows[network.pairs] / fraction.denominator
    assert marginals.max() <= float(fraction) + 1e-12
    outcomes = exact_distribution(network, fraction.denominator, monkeypatch)
    assert sum(outcomes.values()) == pytest.approx(1.0)
    expected = np.zeros(len(marginals))
    for flows, probability in outcomes.items():
        chosen = np.array(flows) == fraction.denominator
        assert set(np.array(flows).tolist()) <= {0, fraction.denominator}
        assert np.bincount(inst.prop[chosen], minlength=n_p).tolist() == [k] * n_p
        assert np.bincount(inst.rev[chosen], minlength=n_r).max() <= max_load
        expected += probability * chosen
    assert expected == pytest.approx(marginals)


def test_the_cap_is_never_exceeded_and_conflicts_and_spread_hold():
    rng = np.random.default_rng(7)
    proposals, reviewers, candidates = dense(12, 20, rng, provinces=["310000", "320000", "330000"])
    forbidden = {(i, (3 * i) % 20) for i in range(12)}
    for seed in range(20):
        drawn = solve_randomized(
            proposals, reviewers, candidates, 3, cap=0.5, seed=seed, forbidden=forbidden
        )
        assert drawn.max_probability <= 0.5
        pairs = {(p.proposal, p.reviewer) for p in drawn.result.pairs}
        assert not pairs & {(f"p{i}", f"r{j}") for i, j in forbidden}
        assert drawn.result.complete and not drawn.result.spread_relaxed
        assert max(drawn.result.loads.values()) <= 2


def test_the_same_seed_draws_the_same_assignment():
    rng = np.random.default_rng(3)
    proposals, reviewers, candidates = dense(10, 15, rng)

    def pairs(seed):
        drawn = solve_randomized(proposals, reviewers, candidates, 2, cap="0.5", seed=seed)
        return sorted((p.proposal, p.reviewer) for p in drawn.result.pairs)

    assert pairs(42) == pairs(42)
    assert len({tuple(pairs(seed)) for seed in range(10)}) > 1


def test_the_cap_costs_expected_affinity_against_the_optimum():
    rng = np.random.default_rng(5)
    proposals, reviewers, candidates = dense(10, 15, rng)
    plain = assignment.solve(proposals, reviewers, candidates, 2, spread_provinces=False)
    totals = [
        solve_randomized(
            proposals, reviewers, candidates, 2, cap=cap, seed=1, spread_provinces=False
        ).expected_total
        for cap in ("1", "0.75", "0.5", "0.25")
    ]
    assert totals[0] == pytest.approx(plain.total, abs=1e-3)
    assert all(a >= b - 1e-9 for a, b in itertools.pairwise(totals))
    assert totals[-1] < plain.total


@pytest.mark.parametrize("cap", ["0", "-0.5", "1.5"])
def test_a_cap_outside_zero_to_one_is_refused(cap):
    with pytest.raises(ValueError, match="probability cap"):
        cap_fraction(cap)
