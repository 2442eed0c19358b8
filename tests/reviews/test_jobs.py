"""Jobs whose worker is gone end as failed with a retry button, never 'running' forever:
the lease rule, the heartbeat, the sweeps (schedule and page views) and the retries."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from grants.models import Discipline, Role
from reviews import exports, jobs, panels
from reviews.models import WORKER_LOST, AssignmentRun, ExportJob
from tests.factories import make_user
from tests.reviews.factories import make_review_call, make_reviewer

MINUTE = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def panel_world(reference):
    """An F panel, its fund officer and its chair."""
    call, _proposals = make_review_call(n_proposals=2)
    officer = make_user(roles=[Role.FUND_OFFICER])
    panel = panels.panel_create(
        call=call,
        area=Discipline.objects.get(code="F"),
        name="F",
        chair=make_user(institution="清华大学", roles=[Role.PANEL_CHAIR]),
        members=[
            make_reviewer(institution=place) for place in ("北京大学", "中山大学", "四川大学")
        ],
        actor=officer,
    )
    return panel, {"fund_officer": officer, "chair": panel.chair}


def running_job(user, *, beat_ago, kind=ExportJob.Kind.PANEL_BOOK, params=None):
    job = ExportJob.objects.create(
        requested_by=user,
        kind=kind,
        params=params or {},
        language="en",
        status=ExportJob.Status.RUNNING,
    )
    beat = None if beat_ago is None else timezone.now() - beat_ago
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=beat)
    return job


def run_of(call, officer, *, status=AssignmentRun.Status.RUNNING, beat_ago=None, fair=False):
    run = AssignmentRun.objects.create(call=call, created_by=officer, status=status, fair=fair)
    beat = None if beat_ago is None else timezone.now() - beat_ago
    AssignmentRun.objects.filter(pk=run.pk).update(heartbeat_at=beat)
    return run


# ---- the rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "beat_ago", "created_ago", "is_lost"),
    [
        (ExportJob.Status.RUNNING, 10 * MINUTE, 10 * MINUTE, True),
        (ExportJob.Status.RUNNING, jobs.LOST_AFTER + timedelta(seconds=1), 9 * MINUTE, True),
        (ExportJob.Status.RUNNING, jobs.LOST_AFTER - timedelta(seconds=5), 9 * MINUTE, False),
        (ExportJob.Status.RUNNING, timedelta(0), 60 * MINUTE, False),  # long job, still beating
        (ExportJob.Status.RUNNING, None, 10 * MINUTE, True),  # from before heartbeats
        (ExportJob.Status.RUNNING, None, MINUTE, False),
        (ExportJob.Status.QUEUED, None, 60 * MINUTE, False),  # waiting for a worker is not lost
        (ExportJob.Status.DONE, 60 * MINUTE, 60 * MINUTE, False),
        (ExportJob.Status.FAILED, 60 * MINUTE, 60 * MINUTE, False),
    ],
)
def test_a_job_is_lost_when_running_without_a_beat_for_the_lease(
    reference, status, beat_ago, created_ago, is_lost
):
    job = running_job(make_user(), beat_ago=beat_ago)
    ExportJob.objects.filter(pk=job.pk).update(
        status=status, created_at=timezone.now() - created_ago
    )
    assert list(jobs.lost(ExportJob.objects.all())) == ([job] if is_lost else [])


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_beats_while_the_work_runs_and_stops_after(reference):
    job = running_job(make_user(), beat_ago=60 * MINUTE)
    with jobs.heartbeat(ExportJob, job.pk, every=0.05):
        time.sleep(0.5)
        job.refresh_from_db()
        assert timezone.now() - job.heartbeat_at < timedelta(seconds=1)
    last = ExportJob.objects.get(pk=job.pk).heartbeat_at
    time.sleep(0.2)
    assert ExportJob.objects.get(pk=job.pk).heartbeat_at == last


# ---- exports --------------------------------------------------------------------------------


def test_a_lost_export_is_shown_failed_with_a_retry_button_and_its_owner_emailed(
    client, panel_world
):
    panel, people = panel_world
    officer = people["fund_officer"]
    job = running_job(officer, beat_ago=10 * MINUTE, params={"panel": panel.pk, "name": "F"})
    client.force_login(officer)
    mail.outbox.clear()

    page = client.get("/exports/").content.decode()

    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.error == WORKER_LOST
    assert "stopped before it finished" in page
    assert f'action="/exports/{job.pk}/retry/"' in page
    assert [message.to for message in mail.outbox] == [[officer.email]]
    assert "stopped before it finished" in mail.outbox[0].body


def test_a_beating_export_is_left_running(client, panel_world):
    panel, people = panel_world
    job = running_job(people["fund_officer"], beat_ago=MINUTE, params={"panel": panel.pk})
    client.force_login(people["fund_officer"])
    mail.outbox.clear()
    client.get("/exports/")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING and not mail.outbox


def test_retrying_a_failed_export_builds_it_again_on_the_same_row(client, panel_world):
    panel, people = panel_world
    officer = people["fund_officer"]
    job = running_job(officer, beat_ago=10 * MINUTE, params={"panel": panel.pk, "name": "F"})
    exports.fail_lost()
    client.force_login(officer)

    response = client.post(f"/exports/{job.pk}/retry/", follow=True)

    assert "being prepared again" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.error == "" and job.file
    assert ExportJob.objects.count() == 1


def test_an_export_that_has_not_failed_is_not_retried(client, panel_world):
    panel, people = panel_world
    job = running_job(people["fund_officer"], beat_ago=MINUTE, params={"panel": panel.pk})
    client.force_login(people["fund_officer"])
    response = client.post(f"/exports/{job.pk}/retry/", follow=True)
    assert "had not failed" in response.content.decode()
    assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.RUNNING


def test_nobody_else_may_retry_an_export(client, panel_world):
    panel, people = panel_world
    job = running_job(people["fund_officer"], beat_ago=10 * MINUTE, params={"panel": panel.pk})
    exports.fail_lost()
    client.force_login(people["chair"])
    assert client.post(f"/exports/{job.pk}/retry/").status_code == 404
    assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.FAILED


# ---- assignment runs ------------------------------------------------------------------------


@pytest.fixture
def call_and_officer(reference):
    call, _proposals = make_review_call(n_proposals=2)
    for place in ["武汉大学", "北京大学", "清华大学"]:
        make_reviewer(institution=place)
    return call, make_user(roles=[Role.FUND_OFFICER])


def test_a_lost_run_is_shown_failed_with_a_retry_that_runs_it_again(client, call_and_officer):
    call, officer = call_and_officer
    run = run_of(call, officer, beat_ago=10 * MINUTE, fair=True)
    client.force_login(officer)

    page = client.get(f"/office/calls/{call.code}/assignment/").content.decode()

    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.FAILED and run.message == WORKER_LOST
    assert "stopped before it finished" in page and "Retry" in page

    response = client.post(f"/office/calls/{call.code}/assignment/run/", {"mode": "fair"})

    assert response.status_code == 302
    retried = call.assignment_runs.first()
    assert retried.pk != run.pk and retried.fair
    assert retried.status == AssignmentRun.Status.DONE


def test_the_progress_poll_ends_a_lost_run(client, call_and_officer):
    call, officer = call_and_officer
    run = run_of(call, officer, beat_ago=10 * MINUTE)
    client.force_login(officer)
    response = client.get(
        f"/office/calls/{call.code}/assignment/{run.pk}/progress/", headers={"HX-Request": "true"}
    )
    assert response["HX-Refresh"] == "true"
    assert AssignmentRun.objects.get(pk=run.pk).status == AssignmentRun.Status.FAILED


def test_a_beating_run_is_left_running(client, call_and_officer):
    call, officer = call_and_officer
    run = run_of(call, officer, beat_ago=MINUTE)
    client.force_login(officer)
    client.get(f"/office/calls/{call.code}/assignment/")
    assert AssignmentRun.objects.get(pk=run.pk).status == AssignmentRun.Status.RUNNING


# ---- the schedule ---------------------------------------------------------------------------


def test_the_schedule_fails_lost_runs_and_exports(call_and_officer):
    call, officer = call_and_officer
    lost_run, live_run = (run_of(call, officer, beat_ago=ago) for ago in (10 * MINUTE, MINUTE))
    lost_job = running_job(officer, beat_ago=10 * MINUTE)
    out = StringIO()
    mail.outbox.clear()

    call_command("run_schedule", stdout=out)

    assert AssignmentRun.objects.get(pk=lost_run.pk).status == AssignmentRun.Status.FAILED
    assert AssignmentRun.objects.get(pk=live_run.pk).status == AssignmentRun.Status.RUNNING
    assert ExportJob.objects.get(pk=lost_job.pk).status == ExportJob.Status.FAILED
    assert "1 exports failed" in out.getvalue() and "1 assignment runs failed" in out.getvalue()
    call_command("run_schedule", stdout=StringIO())  # again: nothing more to do
    assert len(mail.outbox) == 1
