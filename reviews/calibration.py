"""The calibrated ranking of a call: starting a fit, running it in the background, and reading
the latest one. The model is reviews.calibration_model (pure); this module feeds it the call's
submitted reviews and stores what it finds as a RankingFit with its RankEstimates.

The plain weighted mean stays the ranking panels lock and funding follows; a fit is shown
beside it, and the draw at the funding line reads its 90 % intervals (rank_intervals).
"""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.models import CallStatus
from grants.models.reference import in_reader_language
from reviews import calibration_model, interval_plot, scoring
from reviews.criteria import criteria_for, plain_criteria
from reviews.jobs import FIT_RANKING, enqueue, heartbeat, lost
from reviews.models import WORKER_LOST, RankEstimate, RankingFit, Review
from reviews.routing import proposals_in_review

# The calls whose reviews are over: a fit of reviews still being written would be stale.
REVIEWS_OVER = (CallStatus.IN_PANEL, CallStatus.DECIDED)

FAILURE_MESSAGES = {
    calibration_model.TOO_FEW_PROPOSALS: _("At least two proposals need submitted reviews."),
    calibration_model.NO_REPEATED_REVIEWS: _(
        "Every proposal has a single review, so a reviewer's leniency cannot be told apart "
        "from a proposal's quality."
    ),
}


def fit_refused_because(call, now=None):
    """Why a fit of ``call`` cannot start now, or None: reviews must be over (the review
    deadline passed, or the call at its panel or decided)."""
    if call.status in REVIEWS_OVER:
        return None
    if call.status != CallStatus.IN_REVIEW:
        return _("The call has no reviews yet.")
    if call.review_deadline is None or (now or timezone.now()) < call.review_deadline:
        return _(
            "Reviews are still open: fit the calibrated ranking once the review deadline has passed."
        )
    return None


@transaction.atomic
def fit_start(*, call, actor):
    """Queue a fit of ``call``. Its seed is drawn now and audited, so the intervals it gives can
    be derived again and the fit cannot be rerun silently for other ones."""
    refused = fit_refused_because(call)
    if refused:
        raise WorkflowError(refused, code="reviews_open")
    fit = RankingFit.objects.create(
        call=call,
        created_by=actor,
        method=calibration_model.METHOD,
        seed=secrets.randbelow(2**31),
        replicates=calibration_model.DEFAULT_REPLICATES,
    )
    record(
        actor=actor,
        action="ranking_fit.started",
        call=call,
        after={"fit": fit.pk, "seed": fit.seed, "replicates": fit.replicates},
    )
    transaction.on_commit(lambda: enqueue(FIT_RANKING, fit.pk))
    return fit


def review_rows(call):
    """The call's submitted reviews of proposals in review, as the model's rows: each review's
    overall score is its weighted mean under the call's criteria (reviews.scoring)."""
    criteria = plain_criteria(criteria_for(call))
    submitted = Review.objects.filter(
        assignment__proposal__in=proposals_in_review(call).values("pk"),
        submitted_at__isnull=False,
    ).values_list("assignment__proposal_id", "assignment__reviewer_id", "scores")
    rows = []
    for proposal, reviewer, scores in submitted.order_by("assignment__proposal_id", "pk"):
        score = scoring.review_score(scoring.review_values(scores), criteria)
        if score is not None:  # a review that scored every criterion n/a says nothing
            rows.append(calibration_model.ReviewRow(proposal, reviewer, float(score)))
    return rows


def fit_run(fit_id):
    """The background task's work: fit, store the estimates, mark the fit done (or failed
    with the reason)."""
    fit = RankingFit.objects.select_related("call").get(pk=fit_id)
    RankingFit.objects.filter(pk=fit_id).update(
        status=RankingFit.Status.RUNNING, progress=5, heartbeat_at=timezone.now()
    )
    try:
        with heartbeat(RankingFit, fit_id):
            result = calibration_model.calibrate(
                review_rows(fit.call),
                proposals_in_review(fit.call).values_list("pk", flat=True),
                seed=fit.seed,
                replicates=fit.replicates,
                progress=_progress(fit_id),
            )
    except calibration_model.CalibrationError as error:
        _fail(fit_id, str(FAILURE_MESSAGES.get(error.code, error)))
        return
    except Exception as error:  # the officer must learn that it failed, whatever the cause
        _fail(fit_id, str(error))
        raise
    _store(fit_id, result)


def _progress(fit_id):
    def report(percent):
        RankingFit.objects.filter(pk=fit_id).update(progress=percent)

    return report


def _fail(fit_id, message):
    RankingFit.objects.filter(pk=fit_id).update(
        status=RankingFit.Status.FAILED, message=message[:300], finished_at=timezone.now()
    )


@transaction.atomic
def _store(fit_id, result):
    RankEstimate.objects.filter(fit_id=fit_id).delete()  # a task run twice stores once
    RankEstimate.objects.bulk_create(
        [
            RankEstimate(
                fit_id=fit_id,
                proposal_id=estimate.proposal,
                quality=estimate.quality,
                expected_rank=estimate.expected_rank,
                rank_50_low=estimate.rank_50[0],
                rank_50_high=estimate.rank_50[1],
                rank_90_low=estimate.rank_90[0],
                rank_90_high=estimate.rank_90[1],
            )
            for estimate in result.estimates
        ],
        batch_size=1000,
    )
    RankingFit.objects.filter(pk=fit_id).update(
        status=RankingFit.Status.DONE,
        progress=100,
        message="",
        finished_at=timezone.now(),
        summary={
            "ranked": len(result.estimates),
            "left_out": {str(key): reason for key, reason in result.left_out.items()},
            "leniency": {str(key): round(value, 4) for key, value in result.leniency.items()},
            "leniency_sd": result.leniency_variance**0.5,
            "noise_sd": result.noise_variance**0.5,
        },
    )


# ---- lost workers ---------------------------------------------------------------------------


def fail_lost_fits(fits=None, now=None) -> int:
    """Mark the fits of ``fits`` (all by default) whose worker is gone failed; how many."""
    fits = RankingFit.objects.all() if fits is None else fits
    return lost(fits, now).update(
        status=RankingFit.Status.FAILED, message=WORKER_LOST, finished_at=now or timezone.now()
    )


def settle(fit):
    """``fit`` as it stands: reloaded as failed if it shows running but its worker is gone."""
    if fit.status == RankingFit.Status.RUNNING and fail_lost_fits(
        RankingFit.objects.filter(pk=fit.pk)
    ):
        fit.refresh_from_db()
    return fit


# ---- reading --------------------------------------------------------------------------------


def latest_fit(call):
    """The call's latest finished fit, or None."""
    return call.ranking_fits.filter(status=RankingFit.Status.DONE).first()


def is_stale(fit) -> bool:
    """Whether a review of the fit's call was submitted (or submitted again after reopening)
    since the fit started: its ranks then leave that review out."""
    return Review.objects.filter(
        assignment__call_id=fit.call_id, submitted_at__gt=fit.created_at
    ).exists()


def rank_intervals(call):
    """{proposal id: RankEstimate} of the call's latest finished fit ({} without one): the
    expected rank and the 50 % and 90 % intervals, as the draw at the funding line reads them."""
    fit = latest_fit(call)
    if fit is None:
        return {}
    return {estimate.proposal_id: estimate for estimate in fit.estimates.all()}


# ---- showing --------------------------------------------------------------------------------


@dataclass
class CalibratedRow:
    """One proposal of a fit as the pages and the PDF show it, beside its plain mean."""

    proposal_id: int
    reference: str | None
    title: str
    plain_mean: Decimal | None
    n_reviews: int
    quality: float
    expected_rank: float
    rank_50: tuple[int, int]
    rank_90: tuple[int, int]
    plain_place: int = 0
    plot: interval_plot.IntervalPlot | None = None


ESTIMATE_FIELDS = (
    "proposal_id",
    "quality",
    "expected_rank",
    "rank_50_low",
    "rank_50_high",
    "rank_90_low",
    "rank_90_high",
)
PROPOSAL_FIELDS = ("reference", "title_zh", "title_en", "review_score", "review_count")
ORDERS = ("plain", "calibrated")
# The plain weighted mean's order, as the proposal lists sort on the stored mean.
PLAIN_ORDER = (F("proposal__review_score").desc(nulls_last=True), "proposal__reference")


def fit_values(fit, proposal_ids=None, *, order="plain"):
    """The fit's proposals (all, or those of ``proposal_ids``) as plain values, numbered by
    their place under the plain weighted mean (``plain_place``) and ordered by it (the
    default) or by expected rank; a query, so a page of it reads only its rows."""
    estimates = fit.estimates.all()
    if proposal_ids is not None:
        estimates = estimates.filter(proposal_id__in=proposal_ids)
    fields = (*ESTIMATE_FIELDS, *(f"proposal__{name}" for name in PROPOSAL_FIELDS))
    numbered = estimates.annotate(plain_place=Window(RowNumber(), order_by=PLAIN_ORDER))
    if order == "calibrated":
        numbered = numbered.order_by("expected_rank", "proposal__reference")
    else:
        numbered = numbered.order_by(*PLAIN_ORDER)
    return numbered.values(*fields, "plain_place")


def fit_rows(fit, proposal_ids=None, *, order="plain"):
    """fit_values as CalibratedRows."""
    return rows_of(fit_values(fit, proposal_ids, order=order))


def rows_of(values):
    return [
        CalibratedRow(
            proposal_id=row["proposal_id"],
            reference=row["proposal__reference"],
            title=in_reader_language(row["proposal__title_zh"], row["proposal__title_en"]),
            plain_mean=row["proposal__review_score"],
            n_reviews=row["proposal__review_count"],
            quality=row["quality"],
            expected_rank=row["expected_rank"],
            rank_50=(row["rank_50_low"], row["rank_50_high"]),
            rank_90=(row["rank_90_low"], row["rank_90_high"]),
            plain_place=row["plain_place"],
        )
        for row in values
    ]


def with_plots(rows):
    """``rows`` with their intervals placed on one axis, from the best place any of them may
    take to the worst, so the rows shown together can be compared at a glance."""
    first, last = interval_plot.axis([row.rank_90 for row in rows])
    for row in rows:
        row.plot = interval_plot.interval_plot(
            rank_50=row.rank_50,
            rank_90=row.rank_90,
            expected_rank=row.expected_rank,
            first=first,
            last=last,
        )
    return rows, (first, last)


def panel_calibration(panel, ranked):
    """For the panel page: the call's latest fit and {proposal id: CalibratedRow} of the
    panel's ``ranked`` rows, placed on one axis; (None, {}, None) without a fit."""
    fit = latest_fit(panel.call)
    if fit is None:
        return None, {}, None
    fit.stale = is_stale(fit)
    rows, places = with_plots(fit_rows(fit, [row.proposal.pk for row in ranked]))
    return fit, {row.proposal_id: row for row in rows}, places
