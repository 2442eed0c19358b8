"""Published projects for the open-data tests, built through the portal's write paths."""

from grants.models import Call, CallStatus, Discipline, Proposal
from tests.factories import make_call, make_proposal, make_user
from tests.grants.projects.matrix_projects import awarded_project


def published_project(
    *, lead="复旦大学", partner="浙江大学", decided=True, open_data=True, **fields
):
    """A submitted proposal awarded what it asked for, its project opened and its call
    published (``open_data``) and decided (``decided``). Returns the project."""
    call = make_call(areas=("F", "E", "B"))
    lead_user = make_user(institution=lead)
    partner_user = make_user(institution=partner)
    if "primary_code" in fields:
        fields["primary_code"] = Discipline.objects.get(code=fields["primary_code"])
    proposal = make_proposal(call, lead_user, partners=[partner_user], submit=True, **fields)
    project = awarded_project(Proposal.objects.get(pk=proposal.pk), make_user())
    Call.objects.filter(pk=call.pk).update(
        open_data=open_data, status=CallStatus.DECIDED if decided else CallStatus.IN_PANEL
    )
    return project
