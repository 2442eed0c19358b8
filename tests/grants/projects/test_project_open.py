from datetime import date
from decimal import Decimal

import pytest

from grants.core.errors import WorkflowError
from grants.models import AuditEntry, Project, ProjectStatus, Report
from grants.projects import project_workflow
from grants.projects.project_dates import end_date
from tests.grants.projects.factories import decided_call, first_project

pytestmark = pytest.mark.django_db


def province_totals(project):
    totals = {}
    for line in project.budget_lines.select_related("member__institution"):
        code = line.member.institution.province_id
        totals[code] = totals.get(code, Decimal(0)) + line.amount
    return totals


def test_deciding_a_call_opens_a_project_per_funded_proposal(reference):
    call, proposals, _ = decided_call()
    assert set(Project.objects.values_list("proposal_id", flat=True)) == {
        proposals[0].pk,
        proposals[1].pk,
    }
    project = first_project(proposals)
    assert project.status == ProjectStatus.DRAFTING
    assert project.duration_months == proposals[0].duration_months
    received = {s.province_id: s.received for s in project.decision.shares.all()}
    assert province_totals(project) == received
    assert AuditEntry.objects.filter(action="project.opened", proposal=proposals[0]).exists()


def test_a_cut_reaches_every_line_of_the_awarded_budget(reference):
    _, proposals, _ = decided_call(cuts={0: 10})
    project = first_project(proposals)
    assert sum(province_totals(project).values()) == Decimal("702000.00")
    assert province_totals(project) == {"310000": 351_000, "330000": 351_000}
    categories = set(project.budget_lines.values_list("category", flat=True))
    assert "indirect" in categories


def test_opening_twice_opens_nothing_more(reference):
    call, _, officer = decided_call()
    assert project_workflow.projects_open(call, officer) == []
    assert Project.objects.count() == 2


def test_a_project_starts_once_with_its_reports_due(reference):
    _, proposals, officer = decided_call()
    project = first_project(proposals)
    with pytest.raises(WorkflowError):
        project_workflow.project_start(project, actor=officer)
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.SIGNING)
    project = project_workflow.project_start(project, actor=officer, on=date(2027, 1, 1))
    assert project.status == ProjectStatus.RUNNING
    assert project.ends_on == end_date(date(2027, 1, 1), project.duration_months)
    kinds = list(Report.objects.filter(project=project).values_list("kind", "year"))
    years = -(-project.duration_months // 12)
    assert kinds == [("annual", y) for y in range(1, years)] + [("final", years)]
