"""Reminders of due reports, e-mailed to the consortium before and after each due date
(grants.projects.project_dates.reminder_due says which, if any, is due today). Each goes
once: its key is kept on the report. Run by the scheduler (grants.site.schedule)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from grants.core import emails
from grants.models import ACTIVE_STATES, Report
from grants.projects import project_dates, report_rules
from grants.projects.report_workflow import consortium_emails


def reminders_send(today=None) -> int:
    """Send today's reminders; returns how many went out."""
    today = today or timezone.localdate()
    # A reminder can be due only from the earliest "before" day on.
    horizon = today + timedelta(days=max(project_dates.REMINDER_DAYS_BEFORE))
    candidates = Report.objects.filter(
        status__in=report_rules.REMINDED,
        project__status__in=ACTIVE_STATES,
        due_on__lte=horizon,
    ).values_list("pk", "due_on", "reminders_sent")
    # The pass runs every minute: only a report with a reminder due today is locked and read
    # again (another pass may have sent it meanwhile).
    due = [
        pk
        for pk, due_on, sent in candidates
        if project_dates.reminder_due(due_on, today, set(sent)) is not None
    ]
    return sum(_remind(pk, today) for pk in due)


@transaction.atomic
def _remind(pk, today) -> bool:
    report = (
        Report.objects.select_for_update()
        .select_related("project__proposal__lead")
        .filter(pk=pk, status__in=report_rules.REMINDED)
        .first()
    )
    if report is None:
        return False
    key = project_dates.reminder_due(report.due_on, today, set(report.reminders_sent))
    if key is None:
        return False
    report.reminders_sent = [*report.reminders_sent, key]
    report.save(update_fields=["reminders_sent"])
    emails.send_on_commit(
        consortium_emails(report.project),
        "report_reminder",
        {
            "report": report,
            "project": report.project,
            "overdue": report.due_on < today,
            "days": abs((report.due_on - today).days),
        },
    )
    return True
