"""The schedule runs without a click: grants.site.schedule and `manage.py run_scheduler`."""

import io
import os
import signal
import threading
import time
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from grants.models import AuditEntry, Call, CallStatus
from grants.site import schedule
from tests.factories import make_call


def open_call_closing_at(closes_at, code="timed"):
    call = make_call(code)
    Call.objects.filter(pk=call.pk).update(
        status=CallStatus.OPEN, opens_at=closes_at - timedelta(days=30), closes_at=closes_at
    )
    return call


def test_scheduler_closes_a_call_past_its_deadline_without_a_click(reference):
    call = open_call_closing_at(timezone.now() - timedelta(seconds=1))
    out = io.StringIO()
    call_command("run_scheduler", passes=1, stdout=out)
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    assert AuditEntry.objects.get(call=call, action="call.closed").actor is None
    assert out.getvalue().splitlines() == [
        "Running the schedule every 60 s.",
        "timed: closed",
        "Schedule stopped.",
    ]


def test_each_pass_picks_up_deadlines_passed_since_the_last(reference):
    call = open_call_closing_at(timezone.now() + timedelta(seconds=1))
    out = io.StringIO()
    call_command("run_scheduler", passes=2, interval=1.5, stdout=out)
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    assert out.getvalue().splitlines()[1:] == ["timed: closed", "Schedule stopped."]


def test_scheduler_stops_on_sigterm_and_restores_the_handler(reference):
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    out = io.StringIO()
    started = time.monotonic()
    timer.start()
    try:
        call_command("run_scheduler", stdout=out)  # a minute between passes, no limit
    finally:
        timer.cancel()
    assert time.monotonic() - started < 30
    assert out.getvalue().splitlines()[-1] == "Schedule stopped."
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_failed_pass_does_not_stop_the_loop(db, monkeypatch, caplog):
    results = iter([RuntimeError("database restarting"), ["timed: closed"]])

    def run_once():
        result = next(results)
        if isinstance(result, Exception):
            raise result
        return result

    monkeypatch.setattr(schedule, "run_once", run_once)
    written = []
    done = schedule.run_every(0, stop=threading.Event(), write=written.append, passes=2)
    assert (done, written) == (2, ["timed: closed"])
    assert "The scheduled pass failed" in caplog.text


def test_a_set_stop_runs_no_pass(db, monkeypatch):
    monkeypatch.setattr(schedule, "run_once", lambda: ["ran"])
    stop = threading.Event()
    stop.set()
    written = []
    assert schedule.run_every(0, stop=stop, write=written.append) == 0
    assert written == []
