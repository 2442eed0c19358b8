"""Calls open and close on time: grants.calls.call_workflow.calls_run_schedule and `manage.py run_schedule`."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from grants.calls import call_workflow
from grants.models import AuditEntry, Call, CallStatus, Contribution
from tests.factories import make_call

MOMENT = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # 16:00 in Beijing
SECOND = timedelta(seconds=1)


def call_at(status, *, opens_at, closes_at, code="timed"):
    """A complete call (areas and all four contributions) in ``status`` with these times."""
    call = make_call(code, status_open=False)
    Call.objects.filter(pk=call.pk).update(status=status, opens_at=opens_at, closes_at=closes_at)
    return Call.objects.get(pk=call.pk)


@pytest.mark.parametrize(
    "opens_at, expected",
    [
        (MOMENT + SECOND, CallStatus.DRAFT),
        (MOMENT, CallStatus.OPEN),
        (MOMENT - SECOND, CallStatus.OPEN),
    ],
)
def test_a_draft_opens_once_its_opening_time_has_come(reference, opens_at, expected):
    call = call_at(CallStatus.DRAFT, opens_at=opens_at, closes_at=MOMENT + timedelta(days=30))
    done = call_workflow.calls_run_schedule(now=MOMENT)
    call.refresh_from_db()
    assert call.status == expected
    assert [(c.code, outcome) for c, outcome, _ in done] == (
        [("timed", "opened")] if expected == CallStatus.OPEN else []
    )


@pytest.mark.parametrize(
    "closes_at, expected",
    [
        (MOMENT + SECOND, CallStatus.OPEN),
        (MOMENT, CallStatus.CLOSED),  # at the deadline itself nothing can be submitted
        (MOMENT - SECOND, CallStatus.CLOSED),
    ],
)
def test_an_open_call_closes_once_its_deadline_has_passed(reference, closes_at, expected):
    call = call_at(CallStatus.OPEN, opens_at=MOMENT - timedelta(days=30), closes_at=closes_at)
    call_workflow.calls_run_schedule(now=MOMENT)
    call.refresh_from_db()
    assert call.status == expected
    assert AuditEntry.objects.filter(call=call, action="call.closed").count() == (
        1 if expected == CallStatus.CLOSED else 0
    )


def test_closing_by_schedule_is_audited_without_a_person(reference):
    call = call_at(CallStatus.OPEN, opens_at=MOMENT - timedelta(days=30), closes_at=MOMENT)
    call_workflow.calls_run_schedule(now=MOMENT)
    entry = AuditEntry.objects.get(call=call, action="call.closed")
    assert entry.actor is None
    assert (entry.before, entry.after) == ({"status": "open"}, {"status": "closed"})


def test_an_incomplete_draft_stays_draft_and_says_why(reference):
    call = call_at(CallStatus.DRAFT, opens_at=MOMENT - SECOND, closes_at=MOMENT + timedelta(days=9))
    Contribution.objects.filter(call=call, province_id="320000").delete()
    done = call_workflow.calls_run_schedule(now=MOMENT)
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT
    [(reported, outcome, detail)] = done
    assert (reported.code, outcome) == ("timed", "not_opened")
    assert detail == "No contribution from Jiangsu yet."


def test_a_draft_whose_deadline_has_passed_is_not_opened(reference):
    call = call_at(CallStatus.DRAFT, opens_at=MOMENT - timedelta(days=9), closes_at=MOMENT)
    [(_call, outcome, detail)] = call_workflow.calls_run_schedule(now=MOMENT)
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT
    assert (outcome, detail) == ("not_opened", "Its deadline has already passed.")


def test_running_again_changes_nothing(reference):
    call_at(CallStatus.DRAFT, opens_at=MOMENT - SECOND, closes_at=MOMENT + SECOND, code="a")
    call_at(CallStatus.OPEN, opens_at=MOMENT - timedelta(days=9), closes_at=MOMENT, code="b")
    first = call_workflow.calls_run_schedule(now=MOMENT)
    entries = AuditEntry.objects.count()
    assert sorted((c.code, outcome) for c, outcome, _ in first) == [
        ("a", "opened"),
        ("b", "closed"),
    ]
    assert call_workflow.calls_run_schedule(now=MOMENT) == []
    assert AuditEntry.objects.count() == entries
    # One second later "a" reaches its deadline.
    assert [
        outcome for _c, outcome, _ in call_workflow.calls_run_schedule(now=MOMENT + SECOND)
    ] == ["closed"]


def test_command_prints_what_it_did(reference):
    now = timezone.now()
    call_at(CallStatus.DRAFT, opens_at=now - SECOND, closes_at=now + timedelta(days=9), code="due")
    broken = call_at(
        CallStatus.DRAFT, opens_at=now - SECOND, closes_at=now + timedelta(days=9), code="broken"
    )
    broken.discipline_areas.clear()
    call_at(CallStatus.OPEN, opens_at=now - timedelta(days=9), closes_at=now - SECOND, code="past")
    out = io.StringIO()
    call_command("run_schedule", stdout=out)
    lines = out.getvalue().splitlines()
    assert sorted(lines) == [
        "broken: not opened: The call has no discipline areas.",
        "due: opened",
        "past: closed",
    ]
    again = io.StringIO()
    call_command("run_schedule", stdout=again)
    assert again.getvalue().splitlines() == [
        "broken: not opened: The call has no discipline areas."
    ]


def test_demo_call_is_open_without_the_schedule(reference):
    from grants.site import demo
    from grants.site.demo.open_call import OPEN_CALL

    demo.seed()
    call = Call.objects.get(code=OPEN_CALL)
    assert call.status == CallStatus.OPEN and call.is_open()
    assert call_workflow.calls_run_schedule() == []
