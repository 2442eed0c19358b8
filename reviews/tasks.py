"""Background work for reviews: the assignment solver, the exports and the calibrated ranking
run outside the request."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from grants.core import emails
from reviews import calibration, exports, routing
from reviews.jobs import heartbeat
from reviews.models import AssignmentRun


def _progress(run_id):
    def report(percent, message):
        AssignmentRun.objects.filter(pk=run_id).update(progress=percent, message=message)

    return report


@task()
def solve_assignment(run_id):
    run = AssignmentRun.objects.select_related("call", "created_by").get(pk=run_id)
    AssignmentRun.objects.filter(pk=run_id).update(
        status=AssignmentRun.Status.RUNNING, progress=5, heartbeat_at=timezone.now()
    )
    try:
        with heartbeat(AssignmentRun, run_id):
            result = routing.solve_call(
                run.call,
                fair=run.fair,
                probability_cap=run.probability_cap,
                seed=run.seed,
                progress=_progress(run_id),
            )
    except Exception as error:  # the officer must learn that it failed, whatever the cause
        AssignmentRun.objects.filter(pk=run_id).update(
            status=AssignmentRun.Status.FAILED, message=str(error)[:300]
        )
        raise
    with transaction.atomic():
        AssignmentRun.objects.filter(pk=run_id).update(
            status=AssignmentRun.Status.DONE, progress=100, message="", result=result
        )
        emails.send_on_commit(
            [run.created_by.email], "assignment_ready", {"run": run, "call": run.call}
        )


@task()
def build_export(job_id):
    """A panel book or a long proposal list, built while the requester does something else."""
    exports.build(job_id)


@task()
def fit_ranking(fit_id):
    """A call's calibrated ranking (reviews.calibration)."""
    calibration.fit_run(fit_id)
