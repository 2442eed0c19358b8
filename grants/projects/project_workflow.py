"""A project's life from the award to its start: opening it when the call is decided, with its
awarded budget, and starting it when the last party has signed its task book.

Opening is wired into deciding a call through grants.funding.outcomes.register_decided_hook
(grants/apps.py), since funding sits below projects.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.models import (
    ConsortiumMember,
    MemberStatus,
    Project,
    ProjectBudgetLine,
    ProjectStatus,
    Report,
)
from grants.models.decisions import Decision, Outcome
from grants.projects import award_budget, project_dates
from grants.proposals.snapshots import snapshot_budget_lines


def projects_open(call, actor=None):
    """A project for every funded proposal of ``call`` that has none yet, with its awarded
    budget. Runs in the transaction that decides the call; returns the projects opened."""
    funded = (
        Decision.objects.filter(round__call=call, outcome=Outcome.FUNDED, project__isnull=True)
        .select_related("proposal")
        .prefetch_related("shares")
        .order_by("rank")
    )
    return [project_open(decision, actor) for decision in funded]


def project_open(decision, actor=None):
    proposal = decision.proposal
    project = Project.objects.create(
        decision=decision,
        proposal=proposal,
        duration_months=proposal.snapshot.get("duration_months") or proposal.duration_months,
    )
    lines = snapshot_budget_lines(proposal.snapshot)
    received = {share.province_id: share.received for share in decision.shares.all()}
    members = set(
        ConsortiumMember.objects.filter(
            proposal=proposal, status=MemberStatus.ACCEPTED
        ).values_list("pk", flat=True)
    )
    cells = award_budget.awarded_cells(lines, received)
    ProjectBudgetLine.objects.bulk_create(
        ProjectBudgetLine(
            project=project, member_id=int(member), category=category, year=year, amount=amount
        )
        for (member, category, year), amount in cells.items()
        if int(member) in members
    )
    record(
        actor=actor,
        action="project.opened",
        proposal=proposal,
        after={"total": str(sum(cells.values()))},
    )
    return project


@transaction.atomic
def project_start(project, *, actor=None, on=None):
    """Start the project (its task book is signed by every party): its dates, and the reports
    it owes on them (grants.projects.project_dates)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != ProjectStatus.SIGNING:
        raise WorkflowError(
            _("Only a project whose task book is out for signature can start."), code="state"
        )
    starts_on = on or timezone.localdate()
    project.starts_on = starts_on
    project.ends_on = project_dates.end_date(starts_on, project.duration_months)
    project.status = ProjectStatus.RUNNING
    project.save(update_fields=["starts_on", "ends_on", "status"])
    Report.objects.bulk_create(
        Report(project=project, kind=due.kind, year=due.year, due_on=due.due_on)
        for due in project_dates.report_schedule(starts_on, project.duration_months)
    )
    record(
        actor=actor,
        action="project.started",
        proposal=project.proposal,
        after={"starts_on": str(project.starts_on), "ends_on": str(project.ends_on)},
    )
    return project
