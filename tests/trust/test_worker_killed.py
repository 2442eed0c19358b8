"""The task worker killed (SIGKILL: no exception handler runs) in the middle of an export or an
assignment run: the job is left 'running', and once its heartbeat is older than the lease the
sweep ends it as failed, ready to retry (the retry itself: tests/reviews/test_jobs.py).

A real worker process on the test database, so PostgreSQL: SQLite's test database lives in
the test process's memory."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from grants.models import Role
from reviews import calibration, exports, jobs
from reviews.models import WORKER_LOST, AssignmentRun, ExportJob, RankingFit
from tests.factories import make_user
from tests.reviews.factories import make_review_call

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker in another process"),
]

ROOT = Path(__file__).resolve().parents[2]
# A worker whose work never ends: it must be killed to stop.
WORKER = """
import os, sys, time
import django
django.setup()
from reviews import calibration_model, exports, routing, tasks

def forever(*args, **kwargs):
    time.sleep(3600)

exports.BUILDERS = {kind: forever for kind in exports.BUILDERS}
routing.solve_call = forever
calibration_model.calibrate = forever
what, pk = sys.argv[1], int(sys.argv[2])
if what == "export":
    tasks.build_export.func(pk)
elif what == "fit":
    tasks.fit_ranking.func(pk)
else:
    tasks.solve_assignment.func(pk)
"""


def start_worker(what, pk):
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}"
        f":{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    environment = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, what, str(pk)], cwd=ROOT, env=environment
    )


def kill_once_running(worker, model, pk):
    deadline = time.monotonic() + 60
    while model.objects.get(pk=pk).status != model.Status.RUNNING:
        assert worker.poll() is None, "the worker ended before it started the job"
        assert time.monotonic() < deadline, "the worker never started the job"
        time.sleep(0.1)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)


def after_the_lease():
    return timezone.now() + jobs.LOST_AFTER + timezone.timedelta(seconds=1)


def test_an_export_whose_worker_was_killed_ends_failed(reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    job = ExportJob.objects.create(
        requested_by=officer, kind=ExportJob.Kind.PANEL_BOOK, params={}, language="en"
    )
    kill_once_running(start_worker("export", job.pk), ExportJob, job.pk)

    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING and job.heartbeat_at  # what the kill left
    assert exports.fail_lost() == 0  # within its lease it may still be alive
    assert exports.fail_lost(now=after_the_lease()) == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.error == WORKER_LOST


def test_an_assignment_run_whose_worker_was_killed_ends_failed(reference):
    call, _proposals = make_review_call(n_proposals=1)
    run = AssignmentRun.objects.create(call=call, created_by=make_user(roles=[Role.FUND_OFFICER]))
    kill_once_running(start_worker("run", run.pk), AssignmentRun, run.pk)

    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.RUNNING and run.heartbeat_at
    assert jobs.fail_lost_runs() == 0
    assert jobs.fail_lost_runs(now=after_the_lease()) == 1
    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.FAILED and run.message == WORKER_LOST


def test_a_ranking_fit_whose_worker_was_killed_ends_failed(reference):
    call, _proposals = make_review_call(n_proposals=1)
    fit = RankingFit.objects.create(
        call=call, created_by=make_user(roles=[Role.FUND_OFFICER]), seed=1, replicates=10
    )
    kill_once_running(start_worker("fit", fit.pk), RankingFit, fit.pk)

    fit.refresh_from_db()
    assert fit.status == RankingFit.Status.RUNNING and fit.heartbeat_at
    assert calibration.fail_lost_fits() == 0
    assert calibration.fail_lost_fits(now=after_the_lease()) == 1
    fit.refresh_from_db()
    assert fit.status == RankingFit.Status.FAILED and fit.message == WORKER_LOST
