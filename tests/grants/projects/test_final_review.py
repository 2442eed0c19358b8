"""Expert review of final reports: the office sends a submitted final report to an expert of
the pool (the conflict rules of proposal review refuse a conflicted one); the expert reads only
that report and recommends; the office decides."""

import pytest

from grants.models import AuditEntry, ExpertReview, ReportStatus, Role
from tests.factories import make_user
from tests.grants.projects.report_factories import annual, final, form_data, running_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(reference):
    return running_project()


def submitted_final(client, project, lead):
    report = final(project)
    client.force_login(lead)
    data = form_data(report)
    data["submit"] = "1"
    client.post(f"/projects/reports/{report.pk}/", data)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    return report


def test_the_office_sends_the_final_report_to_an_expert_who_recommends(client, project, mailoutbox):
    project, lead, _, officer = project
    report = submitted_final(client, project, lead)
    expert = make_user(roles=[Role.REVIEWER], institution="武汉大学")
    client.force_login(officer)
    response = client.post(f"/projects/reports/{report.pk}/experts/", {"email": expert.email})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_REVIEW
    assert AuditEntry.objects.filter(action="project.expert_assigned").exists()
    assert mailoutbox[-1].to == [expert.email] and "Review request" in mailoutbox[-1].subject
    # The expert reads the report, not the project.
    client.force_login(expert)
    page = client.get(f"/projects/reports/{report.pk}/").content.decode()
    assert f"/projects/reports/{report.pk}/expert-review/" in page
    assert client.get(f"/projects/{project.pk}/").status_code == 404
    empty = client.post(f"/projects/reports/{report.pk}/expert-review/", {"comments": "好"})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    client.post(
        f"/projects/reports/{report.pk}/expert-review/",
        {"verdict": "passed", "comments": "完成了任务书规定的研究任务。"},
    )
    review = ExpertReview.objects.get(report=report, reviewer=expert)
    assert review.verdict == "passed" and review.submitted_at
    # The office sees the recommendation and decides; the consortium never sees the expert.
    client.force_login(officer)
    page = client.get(f"/projects/reports/{report.pk}/").content.decode()
    assert expert.name in page and "完成了任务书规定的研究任务。" in page
    client.post(f"/projects/reports/{report.pk}/decide/", {"action": "accept", "verdict": "passed"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    client.force_login(lead)
    assert expert.name not in client.get(f"/projects/reports/{report.pk}/").content.decode()


def test_a_conflicted_expert_is_refused_beside_the_address(client, project):
    project, lead, _, officer = project
    report = submitted_final(client, project, lead)
    # Works at the lead's institution: the same-institution rule of reviews.conflicts.
    colleague = make_user(roles=[Role.REVIEWER], institution="复旦大学")
    client.force_login(officer)
    response = client.post(f"/projects/reports/{report.pk}/experts/", {"email": colleague.email})
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot review" in page and colleague.email in page
    assert not ExpertReview.objects.exists()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_only_reviewers_of_the_pool_and_only_final_reports(client, project):
    project, lead, _, officer = project
    client.force_login(officer)
    not_expert = make_user(institution="武汉大学")
    expert = make_user(roles=[Role.REVIEWER], institution="山东大学")
    report = submitted_final(client, project, lead)
    client.force_login(officer)
    page = client.post(
        f"/projects/reports/{report.pk}/experts/", {"email": not_expert.email}
    ).content.decode()
    assert "No reviewer of the pool has this e-mail address." in page
    page = client.post(
        f"/projects/reports/{annual(project).pk}/experts/", {"email": expert.email}
    ).content.decode()
    assert "Only a submitted final report goes to expert review." in page
    # An expert of another report reads nothing here.
    client.force_login(expert)
    assert client.get(f"/projects/reports/{report.pk}/").status_code == 404
