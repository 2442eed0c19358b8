"""A call's calibrated ranking in the database: when a fit may start, the background fit and
what it stores, a lost worker, and the read functions the draw at the funding line uses."""

from decimal import Decimal

import pytest
from django.utils import timezone

from grants.core.errors import WorkflowError
from grants.models import AuditEntry, CallStatus, Role
from reviews import calibration
from reviews.models import WORKER_LOST, RankEstimate, RankingFit
from tests.factories import make_user
from tests.reviews.factories import make_panel_call, make_review_call
from tests.trust.test_worker_killed import after_the_lease


@pytest.fixture
def panel_call(reference):
    """Three proposals in the panel stage, each scored 4.5, 4 or 3.5 by the same three
    reviewers, who agree: the calibrated ranks are certain."""
    return make_panel_call(scores=("4.5", "4", "3.5"))


def test_a_fit_stores_the_ranks_and_intervals_with_its_seed(
    panel_call, django_capture_on_commit_callbacks
):
    call, (best, middle, worst), officer = panel_call
    with django_capture_on_commit_callbacks(execute=True):
        fit = calibration.fit_start(call=call, actor=officer)
    fit.refresh_from_db()
    assert fit.status == RankingFit.Status.DONE and fit.progress == 100
    assert fit.seed is not None and fit.replicates == 1000
    estimates = calibration.rank_intervals(call)
    assert set(estimates) == {best.pk, middle.pk, worst.pk}
    for proposal, place, quality in ((best, 1, 4.5), (middle, 2, 4.0), (worst, 3, 3.5)):
        estimate = estimates[proposal.pk]
        assert estimate.expected_rank == pytest.approx(place)
        assert estimate.quality == pytest.approx(quality)
        assert (estimate.rank_50_low, estimate.rank_90_high) == (place, place)
    assert fit.summary["ranked"] == 3 and len(fit.summary["leniency"]) == 3
    entry = AuditEntry.objects.get(action="ranking_fit.started")
    assert entry.after == {"fit": fit.pk, "seed": fit.seed, "replicates": 1000}


def test_latest_fit_is_the_newest_finished_one(panel_call, django_capture_on_commit_callbacks):
    call, _proposals, officer = panel_call
    assert calibration.latest_fit(call) is None and calibration.rank_intervals(call) == {}
    with django_capture_on_commit_callbacks(execute=True):
        done = calibration.fit_start(call=call, actor=officer)
    RankingFit.objects.create(call=call, created_by=officer, status=RankingFit.Status.RUNNING)
    assert calibration.latest_fit(call) == done


def test_a_fit_is_refused_while_reviews_are_open(reference):
    call, _proposals = make_review_call(n_proposals=2)
    call.status = CallStatus.IN_REVIEW
    call.review_deadline = timezone.now() + timezone.timedelta(days=3)
    call.save()
    officer = make_user(roles=[Role.FUND_OFFICER])
    with pytest.raises(WorkflowError, match="Reviews are still open"):
        calibration.fit_start(call=call, actor=officer)
    assert not RankingFit.objects.exists()
    call.review_deadline = timezone.now() - timezone.timedelta(minutes=1)
    call.save()
    assert calibration.fit_refused_because(call) is None


def test_a_call_that_cannot_be_fitted_ends_failed_with_the_reason(
    reference, django_capture_on_commit_callbacks
):
    call, _proposals, officer = make_panel_call(scores=("4",))
    with django_capture_on_commit_callbacks(execute=True):
        fit = calibration.fit_start(call=call, actor=officer)
    fit.refresh_from_db()
    assert fit.status == RankingFit.Status.FAILED
    assert fit.message == "At least two proposals need submitted reviews."
    assert not RankEstimate.objects.exists()


def test_a_fit_whose_worker_is_gone_ends_failed(panel_call):
    call, _proposals, officer = panel_call
    fit = RankingFit.objects.create(
        call=call, created_by=officer, status=RankingFit.Status.RUNNING, heartbeat_at=timezone.now()
    )
    assert calibration.fail_lost_fits() == 0
    assert calibration.fail_lost_fits(now=after_the_lease()) == 1
    fit.refresh_from_db()
    assert fit.status == RankingFit.Status.FAILED and fit.message == WORKER_LOST


def test_the_schedule_sweeps_lost_fits(panel_call):
    from grants.site.schedule import run_once

    call, _proposals, officer = panel_call
    RankingFit.objects.create(
        call=call,
        created_by=officer,
        status=RankingFit.Status.RUNNING,
        heartbeat_at=timezone.now() - timezone.timedelta(hours=1),
    )
    assert "1 ranking fits failed: their worker stopped." in run_once()


def test_fit_rows_keep_the_plain_order_by_default(panel_call, django_capture_on_commit_callbacks):
    call, proposals, officer = panel_call
    with django_capture_on_commit_callbacks(execute=True):
        fit = calibration.fit_start(call=call, actor=officer)
    rows = calibration.fit_rows(fit)
    assert [row.proposal_id for row in rows] == [p.pk for p in proposals]
    assert [row.plain_place for row in rows] == [1, 2, 3]
    assert [row.plain_mean for row in rows] == [Decimal("4.5"), Decimal("4"), Decimal("3.5")]
    plotted, places = calibration.with_plots(rows)
    assert places == (1, 3) and plotted[0].plot.width_90 == pytest.approx(100 / 3)


def test_the_panel_book_draws_the_calibrated_ranks_after_its_contents(
    panel_call, settings, tmp_path, django_capture_on_commit_callbacks
):
    import io

    from django.core.files.storage import default_storage
    from pypdf import PdfReader

    from reviews import exports
    from reviews.models import ExportJob

    settings.MEDIA_ROOT = tmp_path
    call, proposals, officer = panel_call
    with django_capture_on_commit_callbacks(execute=True):
        calibration.fit_start(call=call, actor=officer)
        job = exports.panel_book_request(panel=call.panels.get(), actor=officer, language="en")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    book = PdfReader(io.BytesIO(default_storage.open(job.file.name).read()))
    page = book.pages[2].extract_text()  # after the title page and the contents
    assert "Calibrated ranking" in page
    assert [page.index(p.reference) for p in proposals] == sorted(
        page.index(p.reference) for p in proposals
    )
    assert "1.0 (1–1; 1–1)" in page and "3.0 (3–3; 3–3)" in page


def test_a_fit_is_stale_once_a_review_is_submitted_after_it(
    panel_call, django_capture_on_commit_callbacks
):
    from reviews.models import Review

    call, _proposals, officer = panel_call
    with django_capture_on_commit_callbacks(execute=True):
        fit = calibration.fit_start(call=call, actor=officer)
    assert not calibration.is_stale(fit)
    Review.objects.filter(pk=Review.objects.first().pk).update(
        submitted_at=timezone.now() + timezone.timedelta(seconds=1)
    )
    assert calibration.is_stale(fit)


def test_the_method_fits_its_column():
    from reviews.calibration_model import METHOD

    assert len(METHOD) <= RankingFit._meta.get_field("method").max_length
