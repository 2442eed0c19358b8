"""The lead's report form: a draft keeps what was typed, bad input shows beside its field,
submitting checks completeness; the other readers see the report, not the form."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.models import AuditEntry, ReportStatus
from tests.grants.projects.factories import provincial_officer
from tests.grants.projects.report_factories import (
    annual,
    final,
    form_data,
    members,
    pdf_bytes,
    running_project,
)

pytestmark = pytest.mark.django_db

PAPER = {
    "kind": "paper",
    "title": "Sensing the delta",
    "identifier": "https://doi.org/10.1000/xyz1",
}
LICENCE = {"kind": "licence", "title": "Sensor licence", "partner": "Acme Ltd", "amount": "50,000"}


@pytest.fixture
def project(reference):
    return running_project()


def test_the_reports_are_listed_on_the_project_page(client, project):
    project, lead, _, _ = project
    client.force_login(lead)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    for report in project.reports.all():
        assert f"/projects/reports/{report.pk}/" in page
    assert page.count('data-report="') == 3  # years 1 and 2, then the final report


def test_the_lead_saves_a_draft_with_milestones_spending_and_outputs(client, project):
    project, lead, _, _ = project
    report = annual(project)
    client.force_login(lead)
    data = form_data(report, states=[("done", "on time"), ("late", "")], outputs=[PAPER, LICENCE])
    data["outputs-1-members"] = [members(project)[1].pk]
    response = client.post(f"/projects/reports/{report.pk}/", data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE and report.progress == "进展顺利。"
    assert sorted(report.milestone_progress.values_list("state", flat=True)) == ["done", "late"]
    assert report.spending.count() == 8
    paper, licence = report.outputs.order_by("pk")
    assert paper.identifier == "10.1000/xyz1"  # the link's DOI, without the link
    assert licence.amount == Decimal("50000.00") and list(licence.members.all()) == [
        members(project)[1]
    ]
    assert AuditEntry.objects.filter(action="project.report_saved").exists()
    page = client.get(f"/projects/reports/{report.pk}/").content.decode()
    assert "Sensing the delta" in page and "10.1000/xyz1" in page


def test_only_milestones_due_by_the_end_of_the_year_are_asked(client, project):
    project, lead, _, _ = project
    client.force_login(lead)
    first = client.get(f"/projects/reports/{annual(project).pk}/").content.decode()
    assert "Prototype sensor" in first and "Field trial" not in first
    assert "Field trial" in client.get(f"/projects/reports/{final(project).pk}/").content.decode()


def test_the_awarded_budget_of_the_year_stands_beside_the_spending(client, project):
    project, lead, _, _ = project
    report = annual(project)
    client.force_login(lead)
    client.post(f"/projects/reports/{report.pk}/", form_data(report))
    line = project.budget_lines.filter(year=1).order_by("member_id", "category").first()
    page = client.get(f"/projects/reports/{report.pk}/").content.decode()
    from grants.core.money import format_yuan

    assert format_yuan(line.amount) in page
    assert format_yuan(line.amount - Decimal("1000")) in page  # the difference


def test_a_bad_doi_shows_beside_its_field_and_nothing_typed_is_lost(client, project):
    project, lead, _, _ = project
    report = annual(project)
    client.force_login(lead)
    bad = {**PAPER, "identifier": "nature.com/article/1"}
    data = form_data(report, outputs=[bad], progress="我写的进展")
    data["spending-3-amount"] = "12abc"
    response = client.post(f"/projects/reports/{report.pk}/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This is not a DOI" in page and "nature.com/article/1" in page
    assert "Enter an amount in yuan in digits" in page and "12abc" in page
    assert "我写的进展" in page
    report.refresh_from_db()
    assert report.progress == "" and not report.outputs.exists()


def test_a_licence_without_amount_or_partner_is_refused(client, project):
    project, lead, _, _ = project
    report = annual(project)
    client.force_login(lead)
    data = form_data(report, outputs=[{"kind": "licence", "title": "A licence"}])
    page = client.post(f"/projects/reports/{report.pk}/", data).content.decode()
    assert "Name the enterprise or partner." in page and "Give the amount in yuan." in page


def test_submitting_an_incomplete_report_keeps_it_as_a_draft_and_says_what_is_missing(
    client, project
):
    project, lead, _, _ = project
    report = annual(project)
    client.force_login(lead)
    data = form_data(report, states=[("done", ""), ("", "")], spending=[""] * 8)
    data["submit"] = "1"
    response = client.post(f"/projects/reports/{report.pk}/", data, follow=True)
    page = response.content.decode()
    assert "The report is not complete yet." in page
    assert "Give the state of milestone “Prototype sensor”." in page
    assert "Give the spending of" in page
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE and report.progress == "进展顺利。"


def test_a_complete_report_is_submitted(client, project):
    project, lead, _, _ = project
    report = annual(project)
    client.force_login(lead)
    data = form_data(report)
    data["submit"] = "1"
    page = client.post(f"/projects/reports/{report.pk}/", data, follow=True).content.decode()
    assert "Report submitted to the fund office." in page
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == lead
    assert AuditEntry.objects.filter(action="project.report_submitted").exists()
    # Submitted: no form any more, and a post is refused.
    assert 'name="report-progress"' not in page
    again = client.post(f"/projects/reports/{report.pk}/", form_data(report), follow=True)
    assert "This report can no longer be changed." in again.content.decode()


def test_a_stale_form_is_refused_and_what_was_typed_stays(client, project):
    project, lead, _, _ = project
    report = annual(project)
    client.force_login(lead)
    old = form_data(report, progress="第一次")
    client.post(f"/projects/reports/{report.pk}/", old)
    page = client.post(
        f"/projects/reports/{report.pk}/", {**old, "report-progress": "第二次"}
    ).content.decode()
    assert "Someone else saved this report" in page and "第二次" in page
    report.refresh_from_db()
    assert report.progress == "第一次"


def test_the_attachment_goes_through_the_pdf_checks(client, project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project, lead, partner, _ = project
    report = annual(project)
    client.force_login(lead)
    data = form_data(report)
    data["report-attachment"] = SimpleUploadedFile("notes.pdf", b"<html>not a pdf</html>")
    page = client.post(f"/projects/reports/{report.pk}/", data).content.decode()
    assert "This file is not a PDF." in page and "进展顺利。" in page
    data = form_data(report)
    data["report-attachment"] = SimpleUploadedFile("annex.pdf", pdf_bytes(), "application/pdf")
    assert client.post(f"/projects/reports/{report.pk}/", data).status_code == 302
    report.refresh_from_db()
    assert report.attachment_name == "annex.pdf"
    client.force_login(partner)
    download = client.get(f"/projects/reports/{report.pk}/attachment/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_partner_reads_a_submitted_report_but_does_not_change_it(client, project):
    project, _, partner, _ = project
    report = annual(project)
    report.status = ReportStatus.SUBMITTED
    report.save(update_fields=["status"])
    client.force_login(partner)
    page = client.get(f"/projects/reports/{report.pk}/").content.decode()
    assert 'name="report-progress"' not in page and 'name="partner-0-amount"' not in page
    assert client.post(f"/projects/reports/{report.pk}/", form_data(report)).status_code == 403


def test_paying_provinces_read_the_report_and_others_do_not(client, project):
    project, _, _, _ = project
    report = annual(project)
    client.force_login(provincial_officer("330000"))
    assert client.get(f"/projects/reports/{report.pk}/").status_code == 200
    client.force_login(provincial_officer("340000"))
    assert client.get(f"/projects/reports/{report.pk}/").status_code == 404


def test_a_partner_gives_their_own_members_spending_and_nothing_else(client, project):
    project, lead, partner, _ = project
    report = annual(project)
    lead_member, partner_member = members(project)
    client.force_login(partner)
    page = client.get(f"/projects/reports/{report.pk}/").content.decode()
    assert 'name="partner-0-amount"' in page and 'name="partner-4-amount"' not in page
    data = {
        "partner-version": report.version,
        "partner-TOTAL_FORMS": 4,
        "partner-INITIAL_FORMS": 4,
        "partner-0-amount": "2,500",
        "partner-1-amount": "abc",
    }
    response = client.post(f"/projects/reports/{report.pk}/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter an amount in yuan in digits" in page and "abc" in page
    data["partner-1-amount"] = "0"
    assert client.post(f"/projects/reports/{report.pk}/", data).status_code == 302
    report.refresh_from_db()
    assert {(s.member_id, s.amount) for s in report.spending.all()} == {
        (partner_member.pk, Decimal("2500.00")),
        (partner_member.pk, Decimal("0.00")),
    }
    # The lead's form opened before the partner saved is stale now: nothing is overwritten.
    client.force_login(lead)
    stale = form_data(report)
    stale["report-version"] = report.version - 1
    assert (
        "Someone else saved this report"
        in client.post(f"/projects/reports/{report.pk}/", stale).content.decode()
    )
    assert AuditEntry.objects.filter(action="project.report_spending_saved").exists()


def test_hostile_text_is_kept_literally_and_too_long_text_is_refused(client, project):
    project, lead, partner, _ = project
    report = annual(project)
    client.force_login(lead)
    script = '<script>alert("x")</script> & 量子🧪'
    client.post(f"/projects/reports/{report.pk}/", form_data(report, progress=script))
    report.refresh_from_db()
    assert report.progress == script
    client.force_login(partner)
    page = client.get(f"/projects/reports/{report.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    client.force_login(lead)
    long = form_data(report, progress="长" * 5001)
    page = client.post(f"/projects/reports/{report.pk}/", long).content.decode()
    assert "Ensure this value has at most 5000 characters" in page
