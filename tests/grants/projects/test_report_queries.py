"""The report pages run a constant number of queries, however many outputs, milestones or
reports there are (tests/test_query_counts.py's helpers)."""

import pytest

from grants.models import Milestone, Output, ReportStatus
from grants.projects import project_workflow
from tests.grants.projects.report_factories import annual, members, running_project
from tests.test_query_counts import assert_same_count, page_queries

pytestmark = pytest.mark.django_db


def declare(report, count):
    member = members(report.project)[0]
    for number in range(count):
        output = Output.objects.create(report=report, kind="paper", title=f"P{number}")
        output.members.set([member])
        Milestone.objects.create(
            project=report.project, title=f"M{number}", due_month=3, member=member
        )


@pytest.mark.parametrize("role", ["lead", "officer"])
def test_the_report_page(client, reference, role):
    project, lead, _, officer = running_project()
    report = annual(project)
    report.status = ReportStatus.SUBMITTED if role == "officer" else ReportStatus.DUE
    report.save(update_fields=["status"])
    user = lead if role == "lead" else officer
    declare(report, 1)
    one, _ = page_queries(client, user, f"/projects/reports/{report.pk}/")
    declare(report, 6)
    many, _ = page_queries(client, user, f"/projects/reports/{report.pk}/")
    assert_same_count(one, many)


def test_the_office_list(client, reference):
    project, _, _, officer = running_project()
    one, response = page_queries(client, officer, "/projects/reports/")
    assert len(response.context["page"].object_list) == 3
    other = project.decision.round.decisions.exclude(pk=project.decision_id).first().project
    other.status = "signing"
    other.save(update_fields=["status"])
    project_workflow.project_start(other)
    many, response = page_queries(client, officer, "/projects/reports/")
    assert len(response.context["page"].object_list) == 6
    assert_same_count(one, many)
