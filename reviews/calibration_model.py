"""Calibrated scores and rank intervals (after Heyard et al. 2022, the SNSF's Bayesian ranking).

Pure: plain rows in, plain results out, no database.

The model. A review's overall score (its weighted mean, on the call's 0-5 scale) is

    score = quality of the proposal + leniency of the reviewer + noise,

leniency ~ N(0, tau^2) for each reviewer, noise ~ N(0, sigma^2) for each review.

Why the proposal is a fixed effect and the reviewer a random one:

- The reviewer is random because most reviewers score few proposals: a random effect shrinks
  the leniency of a reviewer seen a handful of times towards zero instead of believing every
  one of their scores, and it is what statsmodels' MixedLM fits with the reviewers as groups
  (tests/reviews/test_calibration_model.py checks this module against it).
- The proposal is fixed because its quality is what the panel ranks: a random proposal effect
  would shrink a proposal with one review towards the call's average, which moves a strong
  proposal with one review down for having had one review. Fixed, its quality is the mean of
  its scores with its reviewers' leniency taken out, and the one review shows as uncertainty
  (a wider rank interval), not as a lower score.

The fit. With the proposals fixed, the restricted likelihood (REML) depends only on
gamma = tau^2 / sigma^2 and on the reviewers' R x R matrix C = Z'MZ (Z: which reviewer wrote
each review, M: the scores less their proposal's mean). C is decomposed once (C = U d U'),
after which the likelihood of any gamma costs O(R): gamma is found by a bounded scalar search,
sigma^2 follows in closed form, the leniencies are the best linear unbiased predictions
U (gamma c / (1 + gamma d)), c = U'Z'My, and each proposal's quality is the mean of its scores
less its reviewers' leniencies. The dense R x R step is why this is written with numpy and
scipy rather than MixedLM, whose fixed-effect matrices are P x P (20,000 proposals would need
gigabytes); the answers are the same (the test above).

The intervals. A parametric bootstrap with a fixed seed: ``replicates`` new sets of scores are
drawn from the fitted model (the estimated qualities, new leniencies and new noise, the same
reviewers on the same proposals), the qualities are estimated again from each, and each
proposal's rank (1 is best) is read in each. The expected rank is the mean of those ranks, the
50 % interval runs from the 25th to the 75th percentile, the 90 % interval from the 5th to the
95th (rounded outwards to whole places). The variances are held at their estimates in the
replicates, so the intervals leave out the uncertainty of the variances themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import linalg, optimize, sparse, stats

# What a RankingFit records as its method (at most 40 characters, its column).
METHOD = "reml-reviewer-leniency/param-bootstrap"
DEFAULT_REPLICATES = 1000
# Bootstrap replicates are drawn this many at a time: memory stays bounded by reviews x chunk.
CHUNK = 100
# The search range of log(tau^2 / sigma^2): from no leniency at all to leniency swamping noise.
LOG_GAMMA_BOUNDS = (-12.0, 6.0)
EIGEN_FLOOR = 1e-9

# Why a proposal is left out of the fit (CalibrationResult.left_out).
NO_REVIEWS = "no_reviews"
# Why no fit can be made at all (CalibrationError.code).
TOO_FEW_PROPOSALS = "too_few_proposals"
NO_REPEATED_REVIEWS = "no_repeated_reviews"


class CalibrationError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ReviewRow:
    proposal: Hashable
    reviewer: Hashable
    score: float  # the review's overall score on the call's scale


@dataclass(frozen=True)
class Estimate:
    proposal: Hashable
    n_reviews: int
    quality: float  # on the score scale, the reviewers' leniency taken out
    expected_rank: float  # 1 is best
    rank_50: tuple[int, int]
    rank_90: tuple[int, int]


@dataclass(frozen=True)
class CalibrationResult:
    estimates: list[Estimate]  # best expected rank first
    leniency: dict  # reviewer -> points above (positive) or below the other reviewers
    left_out: dict  # proposal -> reason (NO_REVIEWS)
    leniency_variance: float  # tau^2
    noise_variance: float  # sigma^2
    seed: int
    replicates: int
    method: str = METHOD


def calibrate(
    rows: Iterable[ReviewRow],
    proposals: Iterable[Hashable] = (),
    *,
    seed: int,
    replicates: int = DEFAULT_REPLICATES,
    progress: Callable[[int], None] = lambda percent: None,
) -> CalibrationResult:
    """The calibrated qualities, rank intervals and leniencies of ``rows`` (module docstring).
    ``proposals`` may name proposals without a review: they are left out, with the reason."""
    rows = list(rows)
    data = _Data.from_rows(rows)
    left_out = {key: NO_REVIEWS for key in proposals if key not in data.proposal_index}
    if len(data.proposals) < 2:
        raise CalibrationError(TOO_FEW_PROPOSALS, "At least two reviewed proposals are needed.")
    if data.n_reviews == len(data.proposals):
        raise CalibrationError(
            NO_REPEATED_REVIEWS,
            "Every proposal has a single review: the reviewers' noise cannot be told apart "
            "from the proposals' quality.",
        )
    fit = _Fit(data)
    progress(10)
    ranks = _bootstrap_ranks(data, fit, seed, replicates, progress)
    return CalibrationResult(
        estimates=_estimates(data, fit, ranks),
        leniency=dict(zip(data.reviewers, fit.leniency.tolist(), strict=True)),
        left_out=left_out,
        leniency_variance=fit.tau2,
        noise_variance=fit.sigma2,
        seed=seed,
        replicates=replicates,
    )


class _Data:
    """The rows as indices and sparse operators."""

    def __init__(self, proposals, reviewers, p_idx, r_idx, y):
        self.proposals, self.reviewers = proposals, reviewers
        self.proposal_index = {key: i for i, key in enumerate(proposals)}
        self.p_idx, self.r_idx, self.y = p_idx, r_idx, y
        self.n_reviews = len(y)
        self.counts = np.bincount(p_idx, minlength=len(proposals))
        n, ones = len(y), np.ones(len(y))
        # Rows: reviews. X picks a review's proposal, Z its reviewer.
        self.X = sparse.csr_matrix((ones, (np.arange(n), p_idx)), shape=(n, len(proposals)))
        self.Z = sparse.csr_matrix((ones, (np.arange(n), r_idx)), shape=(n, len(reviewers)))
        # The mean of each proposal's reviews, as one operator.
        self.mean_of = sparse.diags(1.0 / self.counts) @ self.X.T.tocsr()

    @classmethod
    def from_rows(cls, rows: Sequence[ReviewRow]):
        proposals = list(dict.fromkeys(row.proposal for row in rows))
        reviewers = list(dict.fromkeys(row.reviewer for row in rows))
        p_of = {key: i for i, key in enumerate(proposals)}
        r_of = {key: j for j, key in enumerate(reviewers)}
        p_idx = np.array([p_of[row.proposal] for row in rows], dtype=np.int64)
        r_idx = np.array([r_of[row.reviewer] for row in rows], dtype=np.int64)
        y = np.array([float(row.score) for row in rows], dtype=float)
        return cls(proposals, reviewers, p_idx, r_idx, y)

    def within(self, y):
        """Scores less their proposal's mean (M y); ``y`` may hold one column per replicate."""
        return y - self.X @ (self.mean_of @ y)


class _Fit:
    """REML for gamma, then sigma^2, tau^2, the leniencies and the qualities."""

    def __init__(self, data: _Data):
        self.data = data
        by_reviewer = np.bincount(data.r_idx, minlength=len(data.reviewers)).astype(float)
        shared = data.Z.T @ sparse.diags(1.0 / np.sqrt(data.counts[data.p_idx])) @ data.X
        # Built and decomposed in place: at 5,000 reviewers each copy is 200 MB.
        within = (shared @ shared.T).toarray()
        within *= -1.0
        within[np.diag_indices_from(within)] += by_reviewer
        d, self.U = linalg.eigh(within, overwrite_a=True, check_finite=False)
        self.d = np.clip(d, 0.0, None)
        self.d[self.d < EIGEN_FLOOR] = 0.0
        my = data.within(data.y)
        self.c = self.U.T @ (data.Z.T @ my)
        self.yMy = float(my @ my)
        self.dof = data.n_reviews - len(data.proposals)
        search = optimize.minimize_scalar(
            self.restricted_deviance, bounds=LOG_GAMMA_BOUNDS, method="bounded"
        )
        self.gamma = math.exp(search.x)
        self.sigma2 = max(self.residual(self.gamma), 0.0) / self.dof
        self.tau2 = self.gamma * self.sigma2
        self.shrink = self.gamma / (1.0 + self.gamma * self.d)
        self.leniency = self.predict_leniency(data.Z.T @ my)
        self.quality = data.mean_of @ (data.y - self.leniency[data.r_idx])

    def residual(self, gamma):
        return self.yMy - float(np.sum(self.c**2 * gamma / (1.0 + gamma * self.d)))

    def restricted_deviance(self, log_gamma):
        """-2 log REML likelihood, sigma^2 profiled out, up to a constant."""
        gamma = math.exp(log_gamma)
        residual = max(self.residual(gamma), 1e-300)
        return self.dof * math.log(residual) + float(np.sum(np.log1p(gamma * self.d)))

    def predict_leniency(self, zmy):
        """The leniencies (BLUPs) from Z'My; ``zmy`` may hold one column per replicate."""
        shrink = self.shrink if zmy.ndim == 1 else self.shrink[:, None]
        return self.U @ (shrink * (self.U.T @ zmy))


def _bootstrap_ranks(data, fit, seed, replicates, progress):
    """proposals x replicates ranks (1 is best) of the qualities estimated again from scores
    drawn from the fitted model."""
    rng = np.random.default_rng(seed)
    ranks = np.empty((len(data.proposals), replicates), dtype=np.float32)
    sigma, tau = math.sqrt(fit.sigma2), math.sqrt(fit.tau2)
    expected = fit.quality[data.p_idx][:, None]
    for start in range(0, replicates, CHUNK):
        size = min(CHUNK, replicates - start)
        leniency = rng.normal(0.0, tau, size=(len(data.reviewers), size))
        noise = rng.normal(0.0, sigma, size=(data.n_reviews, size))
        y = expected + leniency[data.r_idx] + noise
        predicted = fit.predict_leniency(data.Z.T @ data.within(y))
        quality = data.mean_of @ (y - predicted[data.r_idx])
        ranks[:, start : start + size] = stats.rankdata(-quality, axis=0, method="average")
        progress(10 + 85 * (start + size) // replicates)
    return ranks


def _estimates(data, fit, ranks):
    q05, q25, q75, q95 = np.quantile(ranks, [0.05, 0.25, 0.75, 0.95], axis=1)
    expected = ranks.mean(axis=1, dtype=np.float64)
    estimates = [
        Estimate(
            proposal=key,
            n_reviews=int(data.counts[i]),
            quality=float(fit.quality[i]),
            expected_rank=float(expected[i]),
            rank_50=(math.floor(q25[i]), math.ceil(q75[i])),
            rank_90=(math.floor(q05[i]), math.ceil(q95[i])),
        )
        for i, key in enumerate(data.proposals)
    ]
    return sorted(estimates, key=lambda e: (e.expected_rank, -e.quality))
