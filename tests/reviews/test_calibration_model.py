"""The calibrated ranking's model on small constructed calls with known answers."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from reviews.calibration_model import (
    NO_REPEATED_REVIEWS,
    NO_REVIEWS,
    TOO_FEW_PROPOSALS,
    CalibrationError,
    ReviewRow,
    calibrate,
)


def rows_of(table):
    """{proposal: {reviewer: score}} as review rows."""
    return [
        ReviewRow(proposal, reviewer, score)
        for proposal, scores in table.items()
        for reviewer, score in scores.items()
    ]


def by_proposal(result):
    return {estimate.proposal: estimate for estimate in result.estimates}


# Reviewer "soft" gives everyone 1.5 points more than the others would. A and B are equally
# good (3.5 from the strict reviewers), A's reviews include "soft", so its plain mean is higher.
LENIENT = {
    "A": {"soft": 5.0, "r1": 3.5, "r2": 3.5},
    "B": {"r3": 3.5, "r1": 3.5, "r2": 3.5},
    "C": {"soft": 4.5, "r3": 3.0, "r1": 3.0},
    "D": {"soft": 4.0, "r2": 2.5, "r3": 2.5},
    "E": {"r1": 3.0, "r2": 3.25, "r3": 3.0},
}


def random_call(n_proposals, n_reviewers, k, seed=0):
    rng = np.random.default_rng(seed)
    quality = rng.normal(3, 0.7, n_proposals)
    leniency = rng.normal(0, 0.4, n_reviewers)
    return [
        ReviewRow(i, int(j), float(quality[i] + leniency[j] + rng.normal(0, 0.3)))
        for i in range(n_proposals)
        for j in rng.choice(n_reviewers, k, replace=False)
    ]


def test_a_lenient_reviewers_proposal_moves_down_once_calibrated():
    result = calibrate(rows_of(LENIENT), seed=7, replicates=400)
    estimates = by_proposal(result)
    plain_a = np.mean(list(LENIENT["A"].values()))
    assert plain_a > 3.5  # by the plain mean, A is ahead of B
    assert estimates["A"].quality == pytest.approx(estimates["B"].quality, abs=0.2)
    assert estimates["A"].quality < plain_a
    assert result.leniency["soft"] > 1.0
    assert max(v for k, v in result.leniency.items() if k != "soft") < 0.5


def test_one_review_gives_a_wider_interval_than_five():
    rows = random_call(20, 8, 5, seed=3)
    plain_mean = {i: np.mean([row.score for row in rows if row.proposal == i]) for i in range(20)}
    middle = sorted(plain_mean, key=plain_mean.get)[10]
    cut = [row for row in rows if row.proposal != middle]
    cut += [row for row in rows if row.proposal == middle][:1]
    five = by_proposal(calibrate(rows, seed=1, replicates=500))[middle]
    one = by_proposal(calibrate(cut, seed=1, replicates=500))[middle]
    assert (one.n_reviews, five.n_reviews) == (1, 5)
    assert one.rank_90[1] - one.rank_90[0] > five.rank_90[1] - five.rank_90[0]
    assert one.rank_50[1] - one.rank_50[0] > five.rank_50[1] - five.rank_50[0]


def test_the_same_seed_gives_the_same_intervals_and_another_seed_others():
    rows = random_call(30, 10, 4, seed=5)
    first, again = (
        calibrate(rows, seed=11, replicates=300),
        calibrate(rows, seed=11, replicates=300),
    )
    other = calibrate(rows, seed=12, replicates=300)
    assert first.estimates == again.estimates
    assert [e.expected_rank for e in first.estimates] != [e.expected_rank for e in other.estimates]
    assert first.seed == 11 and first.replicates == 300


def test_identical_proposals_tie_in_quality_and_expected_rank():
    table = {
        "T1": {"r1": 4.0, "r2": 3.5, "r3": 4.5},
        "T2": {"r1": 4.0, "r2": 3.5, "r3": 4.5},
        "low": {"r1": 2.0, "r2": 2.5, "r3": 2.0},
        "high": {"r1": 4.5, "r2": 4.0, "r3": 5.0},
    }
    estimates = by_proposal(calibrate(rows_of(table), seed=2, replicates=4000))
    assert estimates["T1"].quality == pytest.approx(estimates["T2"].quality)
    assert estimates["T1"].expected_rank == pytest.approx(estimates["T2"].expected_rank, abs=0.1)
    assert estimates["high"].rank_90[0] == 1 and estimates["low"].rank_90[1] == 4


@pytest.mark.parametrize(
    "rows, code",
    [
        ([ReviewRow("A", "r1", 3.0), ReviewRow("A", "r2", 4.0)], TOO_FEW_PROPOSALS),
        # One reviewer alone scores every proposal once: leniency and quality are one thing.
        ([ReviewRow("A", "r1", 3.0), ReviewRow("B", "r1", 4.0)], NO_REPEATED_REVIEWS),
        ([], TOO_FEW_PROPOSALS),
    ],
)
def test_calls_that_cannot_be_fitted_say_why(rows, code):
    with pytest.raises(CalibrationError) as refused:
        calibrate(rows, seed=1, replicates=10)
    assert refused.value.code == code


def test_proposals_without_reviews_are_left_out_with_the_reason():
    result = calibrate(
        rows_of(LENIENT), ["A", "B", "C", "D", "E", "unreviewed"], seed=1, replicates=50
    )
    assert result.left_out == {"unreviewed": NO_REVIEWS}
    assert "unreviewed" not in by_proposal(result)


def test_intervals_are_nested_whole_places_within_the_ranking():
    result = calibrate(random_call(40, 12, 3, seed=8), seed=4, replicates=300)
    for estimate in result.estimates:
        low90, low50 = estimate.rank_90[0], estimate.rank_50[0]
        high50, high90 = estimate.rank_50[1], estimate.rank_90[1]
        assert 1 <= low90 <= low50 <= high50 <= high90 <= 40
        assert low90 <= estimate.expected_rank <= high90
    expected = [e.expected_rank for e in result.estimates]
    assert expected == sorted(expected)
    assert sum(expected) == pytest.approx(40 * 41 / 2)


def test_progress_is_reported_up_to_the_end():
    seen = []
    calibrate(random_call(10, 5, 3), seed=1, replicates=250, progress=seen.append)
    assert seen[0] == 10 and seen[-1] == 95 and seen == sorted(seen)


def test_the_fit_agrees_with_statsmodels_mixed_model():
    rows = random_call(15, 6, 3, seed=9)
    result = calibrate(rows, seed=1, replicates=10)
    frame = pd.DataFrame([row.__dict__ for row in rows])
    exog = pd.get_dummies(frame.proposal, dtype=float)
    reference = sm.MixedLM(frame.score, exog, groups=frame.reviewer).fit(reml=True)
    assert result.leniency_variance == pytest.approx(reference.cov_re.iloc[0, 0], rel=1e-3)
    assert result.noise_variance == pytest.approx(reference.scale, rel=1e-3)
    quality = {e.proposal: e.quality for e in result.estimates}
    for proposal, value in reference.fe_params.items():
        assert quality[proposal] == pytest.approx(value, abs=1e-4)
    for reviewer, effect in reference.random_effects.items():
        assert result.leniency[reviewer] == pytest.approx(float(effect.iloc[0]), abs=1e-4)
