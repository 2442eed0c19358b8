"""A decided call with funded projects, for the post-award tests."""

from grants.funding import decisions, outcomes
from grants.models import Project, Role
from tests.factories import make_user
from tests.reviews.factories import make_panel_call

# Each proposal asks ¥390,000 from Shanghai and ¥390,000 from Zhejiang (tests.factories):
# Zhejiang's ¥800,000 funds the first two.
POOLS = {"310000": 2_000_000, "320000": 1_000_000, "330000": 800_000, "340000": 1_000_000}


def provincial_officer(code):
    return make_user(roles=[Role.PROVINCIAL_OFFICER], province=code)


def decided_call(cuts=None):
    """A call funded down its ranking, confirmed by every province and decided: its funded
    proposals have projects. Returns (call, proposals, fund officer)."""
    call, proposals, officer = make_panel_call(contributions=POOLS)
    decisions.funding_commit(
        call=call, actor=officer, cuts={proposals[i].pk: c for i, c in (cuts or {}).items()}
    )
    for code in POOLS:
        decisions.province_confirm(call=call, actor=provincial_officer(code), province_code=code)
    outcomes.call_decide(call=call, actor=officer)
    return call, proposals, officer


def first_project(proposals):
    return Project.objects.get(proposal=proposals[0])
