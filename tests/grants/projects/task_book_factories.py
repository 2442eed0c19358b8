"""A funded project with its task book drafted, issued or signed, for the task-book tests."""

from grants.models import DeliverableKind, MemberStatus, Milestone
from grants.projects import task_book
from tests.grants.projects.factories import decided_call, first_project


def lead_and_partner(project):
    members = project.proposal.members.filter(status=MemberStatus.ACCEPTED).select_related("pi")
    lead = next(m for m in members if m.is_lead)
    partner = next(m for m in members if not m.is_lead)
    return lead, partner


def add_milestone(project, title="Prototype sensor array", month=12, member=None):
    member = member or lead_and_partner(project)[0]
    return Milestone.objects.create(
        project=project, title=title, kind=DeliverableKind.PROTOTYPE, due_month=month, member=member
    )


def drafted_project(cuts=None):
    _, proposals, officer = decided_call(cuts=cuts)
    project = first_project(proposals)
    add_milestone(project)
    return project, officer


def issued_project():
    project, officer = drafted_project()
    task_book.task_book_issue(project=project, actor=project.proposal.lead)
    project.refresh_from_db()
    return project, officer
