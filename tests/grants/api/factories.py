"""What the API tests share: a client that sends a token, and a paid-for project."""

from grants.api.tokens import api_token_create
from grants.models import Proposal, TokenScope
from tests.factories import make_call, make_proposal, make_user
from tests.grants.projects.matrix_projects import awarded_project


def bearer(user, scope=TokenScope.READ, days=30):
    """The Authorization header of a new token of ``user``'s."""
    _token, secret = api_token_create(user=user, name="test", scope=scope, days=days)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def funded_project(officer):
    """A Fudan-led proposal with a Zhejiang partner, awarded and its project opened: Shanghai
    and Zhejiang pay for it."""
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    proposal = make_proposal(make_call(), lead, partners=[partner], submit=True)
    return awarded_project(Proposal.objects.get(pk=proposal.pk), officer), lead
