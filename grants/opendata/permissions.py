"""What the public may see: one home for the open data's publication gate.

A call's funded projects are published only when the call says so (``Call.open_data``) and
only once it is decided, which is when its decision letters go out
(grants.funding.outcomes.call_decide). Before that nothing of it shows, whoever asks.
"""

from grants.models import Call, CallStatus, Project
from grants.models.decisions import Outcome


def published_calls():
    return Call.objects.filter(open_data=True, status=CallStatus.DECIDED)


def published_projects():
    """The funded projects of the published calls: never a draft, a proposal that was not
    funded, or a call whose letters have not gone out."""
    return Project.objects.filter(
        proposal__call__open_data=True,
        proposal__call__status=CallStatus.DECIDED,
        decision__outcome=Outcome.FUNDED,
    )
