"""A running project, for the tests of changes and of an early end."""

from django.utils import timezone

from grants.models import ProjectStatus
from grants.projects import project_workflow
from tests.grants.projects.factories import decided_call, first_project


def running_project(on=None):
    """The first funded project, started: (project, lead member (Fudan, Shanghai), partner
    member (Zhejiang University), fund officer)."""
    _, proposals, officer = decided_call()
    project = first_project(proposals)
    project.status = ProjectStatus.SIGNING
    project.save()
    project = project_workflow.project_start(project, on=on or timezone.localdate())
    lead = project.proposal.members.get(is_lead=True)
    partner = project.proposal.members.get(is_lead=False)
    return project, lead, partner, officer
