"""Factories for the reviewing tests: a call in review with eligible proposals and a pool."""

from grants.calls import call_workflow
from grants.models import Role, Screening
from grants.proposals import proposal_workflow
from reviews import panels, workflow
from reviews.models import Assignment, ReviewerProfile
from tests.factories import make_call, make_proposal, make_user

REVIEWER_PLACES = [
    "武汉大学",
    "北京大学",
    "清华大学",
    "山东大学",
    "四川大学",
    "中山大学",
    "吉林大学",
    "厦门大学",
]


def make_reviewer(institution="武汉大学", **kwargs):
    kwargs.setdefault("disciplines", ["F06"])
    kwargs.setdefault("keywords", "视觉, 学习")
    user = make_user(institution=institution, roles=[Role.REVIEWER], **kwargs)
    ReviewerProfile.objects.get_or_create(user=user)
    return user


def eligible(proposal):
    """Screen a submitted proposal eligible, as the fund office does."""
    from grants.models import Proposal

    Proposal.objects.filter(pk=proposal.pk).update(screening=Screening.ELIGIBLE)
    proposal.refresh_from_db()
    return proposal


def make_review_call(n_proposals=2, **call_fields):
    call_fields.setdefault("reviewers_per_proposal", 3)
    call = make_call(**call_fields)
    proposals = []
    for _ in range(n_proposals):
        lead = make_user(institution="复旦大学")
        partner = make_user(institution="浙江大学")
        proposals.append(eligible(make_proposal(call, lead, partners=[partner], submit=True)))
    return call, proposals


def make_assignment(proposal, reviewer, accept=True):
    item = workflow.assignment_add(
        proposal=proposal, reviewer=reviewer, actor=make_user(roles=[Role.FUND_OFFICER])
    )
    if accept:
        item = workflow.assignment_accept(assignment=item, reviewer=reviewer, no_conflict=True)
    return Assignment.objects.get(pk=item.pk)


def full_review(**scores):
    values = {"excellence": "4", "impact": "4", "implementation": "3.5", "collaboration": "4"}
    values.update(scores)
    return {
        "scores": values,
        "justifications": {key: "理由" for key in values},
        "comments_for_applicants": "很好的项目。",
        "confidential_comments": "",
        "rating": "good",
        "advice": "fundable",
    }


def make_panel_call(scores=("4.5", "4", "3.5"), contributions=None, **call_fields):
    """A call in its panel stage: one eligible proposal per score (Fudan + Zhejiang University),
    each reviewed once with that score on every criterion, and a locked F panel."""
    from django.utils import timezone

    from grants.models import Discipline
    from reviews.ranking import computed_order

    call_fields.setdefault("reviewers_per_proposal", 3)
    call = make_call(contributions=contributions, **call_fields)
    proposals = []
    for _ in scores:
        lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
        proposals.append(make_proposal(call, lead, partners=[partner], submit=True))
    officer = make_user(roles=[Role.FUND_OFFICER])
    call.closes_at = timezone.now() - timezone.timedelta(seconds=1)
    call.save()
    call = call_workflow.call_close(call=call, actor=officer)
    for proposal in proposals:
        proposal_workflow.proposal_screen_eligible(proposal=proposal, actor=officer)
    call = call_workflow.call_start_review(call=call, actor=officer)
    reviewers = [make_reviewer(institution=place) for place in ("武汉大学", "北京大学", "中山大学")]
    for proposal, score in zip(proposals, scores, strict=True):
        for reviewer in reviewers:
            item = make_assignment(proposal, reviewer)
            data = full_review(
                excellence=score, impact=score, implementation=score, collaboration=score
            )
            workflow.review_save(assignment=item, reviewer=reviewer, data=data, submit=True)
    chair = make_user(institution="清华大学", roles=[Role.PANEL_CHAIR])
    panel = panels.panel_create(
        call=call,
        area=Discipline.objects.get(code="F"),
        name="F",
        chair=chair,
        members=reviewers,
        actor=officer,
    )
    panels.panel_lock(panel=panel, actor=chair, order=computed_order(panel), reasons={})
    call = call_workflow.call_start_panel(call=call, actor=officer)
    return call, proposals, officer
