"""Reports acted on at the same moment, on PostgreSQL's row locks: two scheduler passes send
a reminder once; two submissions of one report, or two decisions on it, take effect once."""

from datetime import timedelta

import pytest
from django.db import connection

from grants.models import ReportStatus
from grants.projects import report_workflow
from grants.projects.report_reminders import reminders_send
from tests.grants.projects.report_factories import annual, form_data, running_project
from tests.trust.test_concurrency import all_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_passes_at_once_send_a_reminder_once(reference, mailoutbox):
    project, _, _, _ = running_project()
    report = annual(project)
    project.reports.exclude(pk=report.pk).update(status=ReportStatus.ACCEPTED)
    mailoutbox.clear()
    day = report.due_on - timedelta(days=7)
    all_at_once(reminders_send, [(day,)] * 4)
    report.refresh_from_db()
    assert report.reminders_sent == ["before-7"]
    assert len(mailoutbox) == 1


def test_a_report_accepted_and_returned_at_once_gets_one_decision(client, reference):
    project, lead, _, officer = running_project()
    report = annual(project)
    client.force_login(lead)
    client.post(f"/projects/reports/{report.pk}/", {**form_data(report), "submit": "1"})
    results = all_at_once(
        lambda action: action(report=report, actor=officer),
        [
            (report_workflow.report_accept,),
            (lambda **kw: report_workflow.report_return(reason="缺少附件。", **kw),),
        ],
    )
    assert sorted(results) == ["ok", "state"]
    report.refresh_from_db()
    assert report.status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED)
