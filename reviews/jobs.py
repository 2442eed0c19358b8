"""Background jobs whose worker has gone: never 'running' forever.

While a worker runs an assignment or builds an export it writes a heartbeat on the job's row
every HEARTBEAT_SECONDS, from a thread beside the work, so a long step without progress (the
solver) still beats. A job still running with no beat for LOST_AFTER lost its worker (killed,
restarted, out of memory, host gone): it is marked failed with WORKER_LOST and the person who
asked can retry it. run_schedule sweeps every minute; the pages that show a running job sweep
its rows too, so it ends even where the schedule is not running.
"""

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.db import DatabaseError, connection
from django.db.models.functions import Coalesce
from django.utils import timezone

from reviews.models import WORKER_LOST, AssignmentRun

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
# Ten missed beats: long enough for a busy database, short enough for the person waiting.
LOST_AFTER = timedelta(minutes=5)


@contextmanager
def heartbeat(model, pk, every=HEARTBEAT_SECONDS):
    """Write ``heartbeat_at`` on row ``pk`` of ``model`` every ``every`` seconds while the block
    runs. The caller writes the first beat with the status 'running'."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(every):
                try:
                    model.objects.filter(pk=pk).update(heartbeat_at=timezone.now())
                except DatabaseError as error:  # a missed beat; the next may get through
                    logger.warning("heartbeat of %s %s missed: %s", model.__name__, pk, error)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{model.__name__}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def lost(queryset, now=None):
    """The rows of ``queryset`` (runs or export jobs) still running without a beat for
    LOST_AFTER; a row from before heartbeats counts from when it was created."""
    cutoff = (now or timezone.now()) - LOST_AFTER
    return (
        queryset.filter(status=queryset.model.Status.RUNNING)
        .alias(last_beat=Coalesce("heartbeat_at", "created_at"))
        .filter(last_beat__lt=cutoff)
    )


def fail_lost_runs(runs=None, now=None) -> int:
    """Mark the lost assignment runs of ``runs`` (all by default) failed; returns how many.
    One conditional UPDATE, so a run whose worker beats or finishes meanwhile is left alone."""
    runs = AssignmentRun.objects.all() if runs is None else runs
    return lost(runs, now).update(status=AssignmentRun.Status.FAILED, message=WORKER_LOST)


def settle(run):
    """``run`` as it stands: reloaded as failed if it shows running but its worker is gone."""
    if run.status == AssignmentRun.Status.RUNNING and fail_lost_runs(
        AssignmentRun.objects.filter(pk=run.pk)
    ):
        run.refresh_from_db()
    return run


# ---- queueing -------------------------------------------------------------------------------
# The background tasks live in reviews.tasks, which imports the modules that queue them (the
# solver's routing, the exports); those modules queue by name here instead, and ReviewsConfig
# registers the tasks once the app is ready. The tasks keep their dotted paths: queued rows in
# the database name them.

SOLVE_ASSIGNMENT = "solve_assignment"
BUILD_EXPORT = "build_export"
FIT_RANKING = "fit_ranking"

_tasks = {}


def register_task(name, task):
    _tasks[name] = task


def enqueue(name, *args):
    """Queue the background task registered as ``name`` with ``args``."""
    return _tasks[name].enqueue(*args)
