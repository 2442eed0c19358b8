"""Reminders of due reports: before and after the due date, each once, to the consortium, from
the scheduler's pass."""

from datetime import timedelta

import pytest

from grants.models import ProjectStatus, ReportStatus
from grants.projects.report_reminders import reminders_send
from grants.site import schedule
from tests.grants.projects.report_factories import annual, running_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(reference):
    return running_project()


def only_first_report_open(project, mailoutbox):
    """The other reports are done with, so only the first year's can be reminded of; the
    setup's e-mails are forgotten."""
    mailoutbox.clear()
    report = annual(project)
    project.reports.exclude(pk=report.pk).update(status=ReportStatus.ACCEPTED)
    return report


@pytest.mark.parametrize(
    ("days_before", "key"),
    [(45, None), (30, "before-30"), (20, "before-30"), (7, "before-7"), (0, "before-7")],
)
def test_a_reminder_goes_before_the_due_date(project, mailoutbox, days_before, key):
    project, lead, partner, _ = project
    report = only_first_report_open(project, mailoutbox)
    sent = reminders_send(report.due_on - timedelta(days=days_before))
    report.refresh_from_db()
    if key is None:
        assert sent == 0 and report.reminders_sent == [] and mailoutbox == []
        return
    assert sent == 1 and report.reminders_sent == [key]
    assert set(mailoutbox[-1].to) == {lead.email, partner.email}
    assert project.proposal.reference in mailoutbox[-1].subject


def test_each_reminder_goes_once_and_overdue_ones_weekly(project, mailoutbox):
    project, _, _, _ = project
    report = only_first_report_open(project, mailoutbox)
    due = report.due_on
    for day in (due - timedelta(days=30), due - timedelta(days=29), due - timedelta(days=7)):
        reminders_send(day)
    assert reminders_send(due - timedelta(days=6)) == 0
    assert reminders_send(due + timedelta(days=1)) == 1
    assert reminders_send(due + timedelta(days=3)) == 0
    assert reminders_send(due + timedelta(days=8)) == 1
    report.refresh_from_db()
    assert report.reminders_sent == [
        "before-30",
        "before-7",
        f"overdue-{due + timedelta(days=1)}",
        f"overdue-{due + timedelta(days=8)}",
    ]
    assert len(mailoutbox) == 4 and "Overdue" in mailoutbox[-1].subject


def test_no_reminder_for_a_submitted_report_or_a_finished_project(project, mailoutbox):
    project, _, _, _ = project
    report = only_first_report_open(project, mailoutbox)
    report.status = ReportStatus.SUBMITTED
    report.save(update_fields=["status"])
    assert reminders_send(report.due_on) == 0
    report.status = ReportStatus.RETURNED
    report.save(update_fields=["status"])
    project.status = ProjectStatus.TERMINATED
    project.save(update_fields=["status"])
    assert reminders_send(report.due_on) == 0 and mailoutbox == []


def test_the_scheduler_sends_the_reminders(project, mailoutbox, django_capture_on_commit_callbacks):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    project, _, _, _ = project
    report = only_first_report_open(project, mailoutbox)
    now = datetime.combine(report.due_on, time(9), tzinfo=ZoneInfo("Asia/Shanghai"))
    with django_capture_on_commit_callbacks(execute=True):
        lines = schedule.run_once(now)
    assert "1 report reminders sent." in lines
    report.refresh_from_db()
    assert report.reminders_sent == ["before-7"]
