"""Benchmark of the calibrated ranking (reviews/calibration_model.py, reviews/calibration.py).

Synthetic calls, with the true qualities known, so the table also says how much closer to them
the calibrated order is than the plain mean's:

    .venv/bin/python bench/calibration_bench.py [--seed 7] [--replicates 1000]

A real call of a seeded database, as the background task runs it (reading the reviews, the
fit, storing the estimates), on a copy of the database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/COPY .venv/bin/python \\
        bench/calibration_bench.py --call CODE

Prints a markdown table; seconds are wall-clock, peak memory is the process's high-water mark.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reviews.calibration_model import ReviewRow, calibrate  # noqa: E402

# (proposals, reviewers, reviews per proposal): a small call, the 2,000 x 5, the scale
# seed's main call shape (18,000 proposals, 5,000 reviewers, 3 reviews).
SHAPES = [(300, 120, 5), (2000, 800, 5), (18000, 5000, 3)]
QUALITY_SD, LENIENCY_SD, NOISE_SD = 0.6, 0.4, 0.5


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_call(n_proposals, n_reviewers, k, rng):
    quality = rng.normal(3.2, QUALITY_SD, n_proposals)
    leniency = rng.normal(0, LENIENCY_SD, n_reviewers)
    rows = []
    for i in range(n_proposals):
        for j in rng.choice(n_reviewers, k, replace=False):
            score = quality[i] + leniency[j] + rng.normal(0, NOISE_SD)
            rows.append(ReviewRow(i, int(j), float(np.clip(np.round(score * 2) / 2, 0, 5))))
    return quality, rows


def synthetic(seed, replicates):
    print(
        "| proposals | reviewers | reviews | replicates | fit s | peak MiB "
        "| Spearman to truth: plain mean | calibrated | true in 90 % interval |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n_proposals, n_reviewers, k in SHAPES:
        rng = np.random.default_rng(seed)
        truth, rows = synthetic_call(n_proposals, n_reviewers, k, rng)
        started = time.perf_counter()
        result = calibrate(rows, seed=seed, replicates=replicates)
        seconds = time.perf_counter() - started
        plain = np.zeros(n_proposals)
        np.add.at(plain, [row.proposal for row in rows], [row.score for row in rows])
        plain /= k
        calibrated = np.zeros(n_proposals)
        true_rank = stats.rankdata(-truth, method="average")
        covered = 0
        for estimate in result.estimates:
            calibrated[estimate.proposal] = estimate.quality
            low, high = estimate.rank_90
            covered += low <= true_rank[estimate.proposal] <= high
        print(
            f"| {n_proposals:,} | {n_reviewers:,} | {len(rows):,} | {replicates} "
            f"| {seconds:.1f} | {peak_mib():.0f} "
            f"| {stats.spearmanr(truth, plain).statistic:.3f} "
            f"| {stats.spearmanr(truth, calibrated).statistic:.3f} "
            f"| {covered / n_proposals:.1%} |"
        )


def real_call(code):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from grants.models import Call, Role, User
    from reviews import calibration
    from reviews.models import RankingFit

    call = Call.objects.get(code=code)
    officer = User.objects.filter(role_grants__role=Role.FUND_OFFICER).first()
    started = time.perf_counter()
    rows = calibration.review_rows(call)
    read = time.perf_counter() - started
    fit = RankingFit.objects.create(
        call=call,
        created_by=officer,
        seed=7,
        replicates=calibration.calibration_model.DEFAULT_REPLICATES,
    )
    started = time.perf_counter()
    calibration.fit_run(fit.pk)
    whole = time.perf_counter() - started
    fit.refresh_from_db()
    print(
        "| call | reviews | proposals ranked | reviewers | read s | whole task s | peak MiB | status |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {code} | {len(rows):,} | {fit.estimates.count():,} | {len(fit.summary.get('leniency', {})):,} "
        f"| {read:.1f} | {whole:.1f} | {peak_mib():.0f} | {fit.status} |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--call", help="a call of the database DATABASE_URL names")
    args = parser.parse_args()
    if args.call:
        real_call(args.call)
    else:
        synthetic(args.seed, args.replicates)


if __name__ == "__main__":
    main()
