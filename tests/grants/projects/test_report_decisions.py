"""The fund office's reports: the list across projects, accepting or returning a report, and
final acceptance with its certificate."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grants.models import AuditEntry, ProjectStatus, ReportStatus
from grants.projects import report_workflow
from tests.grants.projects.report_factories import annual, final, form_data, running_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(reference):
    return running_project()


def submitted(client, report, lead):
    client.force_login(lead)
    data = form_data(report)
    data["submit"] = "1"
    client.post(f"/projects/reports/{report.pk}/", data)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    return report


def test_the_office_returns_a_report_with_a_reason_mailed_to_the_consortium(
    client, project, mailoutbox
):
    project, lead, partner, officer = project
    report = submitted(client, annual(project), lead)
    client.force_login(officer)
    page = client.get(f"/projects/reports/{report.pk}/").content.decode()
    assert f"/projects/reports/{report.pk}/decide/" in page
    response = client.post(
        f"/projects/reports/{report.pk}/decide/", {"action": "return", "reason": "缺少支出说明。"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == "缺少支出说明。"
    assert AuditEntry.objects.filter(action="project.report_returned").exists()
    mail = mailoutbox[-1]
    assert set(mail.to) == {lead.email, partner.email} and "缺少支出说明。" in mail.body
    # Returned: the lead edits it again and sees why.
    client.force_login(lead)
    page = client.get(f"/projects/reports/{report.pk}/").content.decode()
    assert "缺少支出说明。" in page and 'name="report-progress"' in page


def test_returning_without_a_reason_shows_the_message_beside_the_field(client, project):
    project, lead, _, officer = project
    report = submitted(client, annual(project), lead)
    client.force_login(officer)
    response = client.post(f"/projects/reports/{report.pk}/decide/", {"action": "return"})
    assert response.status_code == 200
    assert "Say why the report is returned." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_office_accepts_an_annual_report(client, project, mailoutbox):
    project, lead, _, officer = project
    report = submitted(client, annual(project), lead)
    client.force_login(officer)
    client.post(f"/projects/reports/{report.pk}/decide/", {"action": "accept"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.decided_by == officer
    project.refresh_from_db()
    assert project.status == ProjectStatus.RUNNING
    assert "Decision on a report" in mailoutbox[-1].subject


def test_a_due_report_cannot_be_decided(client, project):
    project, _, _, officer = project
    report = annual(project)
    client.force_login(officer)
    page = client.post(
        f"/projects/reports/{report.pk}/decide/", {"action": "accept"}
    ).content.decode()
    assert "Only a submitted report can be accepted." in page
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE


def test_final_acceptance_passed_completes_the_project_with_a_certificate(
    client, project, mailoutbox
):
    project, lead, _, officer = project
    report = submitted(client, final(project), lead)
    client.force_login(officer)
    page = client.post(f"/projects/reports/{report.pk}/decide/", {"action": "accept"})
    assert "Choose the final acceptance verdict." in page.content.decode()
    client.post(f"/projects/reports/{report.pk}/decide/", {"action": "accept", "verdict": "passed"})
    report.refresh_from_db()
    project.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.verdict == "passed"
    assert project.status == ProjectStatus.COMPLETED and report.decided_at
    ((name, content, mimetype),) = mailoutbox[-1].attachments
    assert name.endswith("-acceptance.pdf") and content.startswith(b"%PDF")
    client.force_login(lead)
    assert (
        f"/projects/{project.pk}/certificate/"
        in client.get(f"/projects/{project.pk}/").content.decode()
    )
    certificate = client.get(f"/projects/{project.pk}/certificate/")
    assert certificate.status_code == 200 and certificate.content.startswith(b"%PDF")
    assert project.proposal.reference in certificate["Content-Disposition"]


def test_final_acceptance_failed_ends_the_project_without_certificate(client, project):
    project, lead, _, officer = project
    report = submitted(client, final(project), lead)
    client.force_login(officer)
    client.post(f"/projects/reports/{report.pk}/decide/", {"action": "accept", "verdict": "failed"})
    project.refresh_from_db()
    assert project.status == ProjectStatus.NOT_ACCEPTED
    assert client.get(f"/projects/{project.pk}/certificate/").status_code == 404


def test_deferred_acceptance_returns_the_final_report_with_a_new_due_date(client, project):
    project, lead, _, officer = project
    report = submitted(client, final(project), lead)
    report_workflow.Report.objects.filter(pk=report.pk).update(reminders_sent=["before-30"])
    client.force_login(officer)
    page = client.post(
        f"/projects/reports/{report.pk}/decide/", {"action": "accept", "verdict": "deferred"}
    ).content.decode()
    assert "Give the new due date of the final report." in page
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    page = client.post(
        f"/projects/reports/{report.pk}/decide/",
        {"action": "accept", "verdict": "deferred", "new_due_on": past},
    ).content.decode()
    assert "A deferred acceptance needs a new due date after today." in page
    new_due = timezone.localdate() + timedelta(days=90)
    client.post(
        f"/projects/reports/{report.pk}/decide/",
        {"action": "accept", "verdict": "deferred", "new_due_on": new_due.isoformat()},
    )
    report.refresh_from_db()
    project.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.due_on == new_due
    assert report.verdict == "deferred" and report.reminders_sent == []
    assert project.status == ProjectStatus.RUNNING


def test_the_office_lists_reports_by_status_call_and_overdue(client, project):
    project, lead, _, officer = project
    submitted(client, annual(project), lead)
    client.force_login(officer)
    listing = client.get("/projects/reports/").content.decode()
    assert listing.count('data-report="') == 3
    by_status = client.get("/projects/reports/?status=submitted").content.decode()
    assert by_status.count('data-report="') == 1
    call = project.proposal.call.code
    assert (
        client.get(f"/projects/reports/?call={call}").content.decode().count('data-report="') == 3
    )
    assert client.get("/projects/reports/?call=nope").content.decode().count('data-report="') == 0
    late = annual(project, 2)
    late.due_on = timezone.localdate() - timedelta(days=3)
    late.save(update_fields=["due_on"])
    overdue = client.get("/projects/reports/?overdue=1").content.decode()
    assert overdue.count('data-report="') == 1 and f'data-report="{late.pk}"' in overdue
    assert "Overdue" in overdue


def test_the_lead_cannot_decide_nor_list(client, project):
    project, lead, _, _ = project
    report = annual(project)
    client.force_login(lead)
    assert client.get("/projects/reports/").status_code == 403
    assert (
        client.post(f"/projects/reports/{report.pk}/decide/", {"action": "accept"}).status_code
        == 403
    )
