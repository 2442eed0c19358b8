"""Reviews close at the review deadline or when the panel locks, whichever is first; the fund
office may reopen one closed by the deadline; a locked ranking and a committed decision never
move because of a late write."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grants.core.errors import WorkflowError
from grants.funding import decisions
from grants.models import AuditEntry, Call, Proposal, Role
from reviews import panels, workflow
from reviews.models import Assignment, AssignmentStatus, ConflictKind, DeclaredConflict, Review
from tests.factories import make_user
from tests.reviews.factories import (
    full_review,
    make_assignment,
    make_panel_call,
    make_review_call,
    make_reviewer,
)

POOLS = {"310000": 2_000_000, "320000": 1_000_000, "330000": 800_000, "340000": 1_000_000}
LOW = dict.fromkeys(("excellence", "impact", "implementation", "collaboration"), "1")


# ---- after the panel locked and funding was committed (the reported case) ---------------------


@pytest.fixture
def locked(reference):
    """A call whose panel has locked its ranking, with one more reviewer invited to its best
    proposal."""
    call, proposals, officer = make_panel_call(contributions=POOLS)
    late = make_reviewer(institution="四川大学")
    invited = make_assignment(proposals[0], late, accept=False)
    return call, proposals, officer, late, invited


def stored(proposal):
    return Proposal.objects.values_list("review_score", "review_result").get(pk=proposal.pk)


def test_after_the_lock_a_reviewer_can_neither_accept_nor_submit(locked):
    _call, proposals, _officer, late, invited = locked
    before = stored(proposals[0])
    with pytest.raises(WorkflowError, match="panel has locked its ranking"):
        workflow.assignment_accept(assignment=invited, reviewer=late, no_conflict=True)
    # Even an assignment accepted before: its submission is refused and the score stays.
    Assignment.objects.filter(pk=invited.pk).update(
        status=AssignmentStatus.ACCEPTED, no_conflict_declared_at=timezone.now()
    )
    with pytest.raises(WorkflowError, match="panel has locked its ranking"):
        workflow.review_save(
            assignment=invited, reviewer=late, data=full_review(**LOW), submit=True
        )
    assert not Review.objects.filter(assignment=invited).exists()
    assert stored(proposals[0]) == before


@pytest.mark.parametrize("answer", ["decline", "conflict"])
def test_after_the_lock_an_invitation_cannot_be_answered(locked, answer):
    _call, _proposals, _officer, late, invited = locked
    with pytest.raises(WorkflowError, match="panel has locked its ranking"):
        if answer == "decline":
            workflow.assignment_decline(assignment=invited, reviewer=late, reason="太忙")
        else:
            workflow.assignment_declare_conflict(
                assignment=invited, reviewer=late, kind=ConflictKind.OTHER
            )
    invited.refresh_from_db()
    assert invited.status == AssignmentStatus.INVITED
    assert not DeclaredConflict.objects.exists()


def test_a_submitted_review_cannot_be_changed_after_the_lock(locked):
    _call, proposals, _officer, _late, _invited = locked
    item = Assignment.objects.filter(proposal=proposals[0], review__isnull=False).first()
    before = stored(proposals[0])
    with pytest.raises(WorkflowError, match="panel has locked its ranking"):
        workflow.review_save(
            assignment=item, reviewer=item.reviewer, data=full_review(**LOW), submit=True
        )
    assert stored(proposals[0]) == before


def test_once_funding_is_committed_no_review_moves_and_none_reopens(locked):
    call, proposals, officer, late, invited = locked
    decisions.funding_commit(call=call, actor=officer)
    before = stored(proposals[0])
    with pytest.raises(WorkflowError, match="Funding for this call has been committed"):
        workflow.assignment_accept(assignment=invited, reviewer=late, no_conflict=True)
    with pytest.raises(WorkflowError, match="Funding for this call has been committed"):
        workflow.assignment_reopen(assignment=invited, actor=officer, reason="补评")
    assert stored(proposals[0]) == before
    assert proposals[0].decision.outcome == "funded"


def test_a_locked_panels_review_cannot_be_reopened(locked):
    _call, _proposals, officer, _late, invited = locked
    with pytest.raises(WorkflowError, match="cannot be reopened"):
        workflow.assignment_reopen(assignment=invited, actor=officer, reason="补评")
    invited.refresh_from_db()
    assert invited.reopened_at is None
    assert not AuditEntry.objects.filter(action="review.reopened").exists()


def test_the_reviewers_pages_show_a_locked_review_closed(client, locked):
    _call, proposals, _officer, late, invited = locked
    client.force_login(late)
    page = client.get(f"/reviews/{invited.pk}/")
    assert "The panel has locked its ranking" in page.text
    assert f'action="/reviews/{invited.pk}/accept/"' not in page.text
    home = client.get("/reviews/")
    assert invited.pk in home.context["closed"]
    response = client.post(f"/reviews/{invited.pk}/accept/", {"no_conflict": "on"}, follow=True)
    assert "The panel has locked its ranking" in response.text
    invited.refresh_from_db()
    assert invited.status == AssignmentStatus.INVITED


# ---- at the review deadline ------------------------------------------------------------------


@pytest.fixture
def past_deadline(reference):
    """A call in review whose deadline passed an hour ago: one reviewer accepted and saved a
    draft, another is still invited."""
    call, (proposal, _other) = make_review_call(n_proposals=2)
    reviewer, invitee = make_reviewer(), make_reviewer(institution="北京大学")
    accepted = make_assignment(proposal, reviewer)
    workflow.review_save(assignment=accepted, reviewer=reviewer, data=full_review(), submit=False)
    invited = make_assignment(proposal, invitee, accept=False)
    call.review_deadline = timezone.now() - timedelta(hours=1)
    call.save()
    officer = make_user(roles=[Role.FUND_OFFICER])
    return call, proposal, (reviewer, accepted), (invitee, invited), officer


def test_past_the_deadline_every_write_is_refused(past_deadline):
    _call, _proposal, (reviewer, accepted), (invitee, invited), _officer = past_deadline
    attempts = [
        lambda: workflow.assignment_accept(assignment=invited, reviewer=invitee, no_conflict=True),
        lambda: workflow.assignment_decline(assignment=invited, reviewer=invitee, reason="忙"),
        lambda: workflow.assignment_declare_conflict(
            assignment=accepted, reviewer=reviewer, kind=ConflictKind.RELATIVE
        ),
        lambda: workflow.review_save(
            assignment=accepted, reviewer=reviewer, data=full_review(), submit=True
        ),
    ]
    for attempt in attempts:
        with pytest.raises(WorkflowError, match="review deadline has passed"):
            attempt()
    assert Review.objects.get().submitted_at is None
    assert list(Assignment.objects.order_by("pk").values_list("status", flat=True)) == [
        AssignmentStatus.ACCEPTED,
        AssignmentStatus.INVITED,
    ]


def test_the_review_form_is_read_only_past_the_deadline(client, past_deadline):
    _call, _proposal, (reviewer, accepted), _invited, _officer = past_deadline
    client.force_login(reviewer)
    page = client.get(f"/reviews/{accepted.pk}/review/")
    assert "The review deadline has passed" in page.text
    assert 'name="submit"' not in page.text
    assert all(field.disabled for field in page.context["form"].fields.values())
    response = client.post(
        f"/reviews/{accepted.pk}/review/",
        {"score_excellence": "1", "comments_for_applicants": "改了", "submit": "1"},
    )
    assert response.status_code == 200
    review = Review.objects.get()
    assert review.submitted_at is None and review.scores["excellence"] == "4"


def reopen_url(item):
    return f"/office/assignments/{item.pk}/reopen/"


def test_the_office_reopens_a_review_after_a_confirmation_with_its_reason(client, past_deadline):
    call, proposal, (reviewer, accepted), _invited, officer = past_deadline
    client.force_login(officer)
    assignment_page = client.get(f"/office/calls/{call.code}/assignment/")
    assert reopen_url(accepted) in assignment_page.text
    confirm = client.get(reopen_url(accepted))
    assert "The review deadline has passed" in confirm.text and "Reopen the review" in confirm.text
    response = client.post(reopen_url(accepted), {"reason": "专家因病延误，经主任同意补交"})
    assert response["Location"] == f"/office/calls/{call.code}/assignment/"
    accepted.refresh_from_db()
    assert accepted.reopened_at
    entry = AuditEntry.objects.get(action="review.reopened")
    assert (entry.actor, entry.proposal, entry.note) == (
        officer,
        proposal,
        "专家因病延误，经主任同意补交",
    )
    assert entry.after == {"assignment": accepted.pk, "reviewer": reviewer.pk}
    # The reviewer submits once; then the review is closed again.
    workflow.review_save(assignment=accepted, reviewer=reviewer, data=full_review(), submit=True)
    accepted.refresh_from_db()
    assert accepted.reopened_at is None
    proposal.refresh_from_db()
    assert proposal.review_count == 1
    with pytest.raises(WorkflowError, match="review deadline has passed"):
        workflow.review_save(
            assignment=accepted, reviewer=reviewer, data=full_review(**LOW), submit=True
        )


def test_the_assignment_page_offers_reopen_only_where_it_would_be_accepted(client, locked):
    call, _proposals, officer, _late, invited = locked
    Call.objects.filter(pk=call.pk).update(review_deadline=timezone.now() - timedelta(days=1))
    client.force_login(officer)
    page = client.get(f"/office/calls/{call.code}/assignment/").text
    # Past the deadline but the panel has locked: reopening would be refused, so no link.
    assert reopen_url(invited) not in page


def test_reopening_without_a_reason_is_refused_beside_the_field(client, past_deadline):
    _call, _proposal, (_reviewer, accepted), _invited, officer = past_deadline
    client.force_login(officer)
    response = client.post(reopen_url(accepted), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["This field is required."]
    accepted.refresh_from_db()
    assert accepted.reopened_at is None


def test_an_open_review_is_not_reopened_and_the_reason_typed_is_kept(client, past_deadline):
    call, _proposal, (_reviewer, accepted), _invited, officer = past_deadline
    Call.objects.filter(pk=call.pk).update(review_deadline=timezone.now() + timedelta(days=1))
    client.force_login(officer)
    response = client.post(reopen_url(accepted), {"reason": "再看看"})
    assert response.status_code == 200
    assert "This review is still open" in response.text and "再看看" in response.text
    assert not AuditEntry.objects.filter(action="review.reopened").exists()


def test_a_reopened_invitation_can_be_accepted_late(client, past_deadline):
    _call, _proposal, _accepted, (invitee, invited), officer = past_deadline
    workflow.assignment_reopen(assignment=invited, actor=officer, reason="补充评审")
    client.force_login(invitee)
    response = client.post(f"/reviews/{invited.pk}/accept/", {"no_conflict": "on"})
    assert response["Location"] == f"/reviews/{invited.pk}/review/"
    invited.refresh_from_db()
    assert invited.status == AssignmentStatus.ACCEPTED


def test_a_reopened_review_closes_when_the_panel_locks(past_deadline):
    from grants.models import Discipline

    call, proposal, (reviewer, accepted), _invited, officer = past_deadline
    workflow.assignment_reopen(assignment=accepted, actor=officer, reason="补交")
    chair = make_user(institution="清华大学", roles=[Role.PANEL_CHAIR])
    members = [make_reviewer(institution=place) for place in ("南京大学", "中山大学", "四川大学")]
    panel = panels.panel_create(
        call=call,
        area=Discipline.objects.get(code="F"),
        name="F",
        chair=chair,
        members=members,
        actor=officer,
    )
    from reviews.ranking import computed_order

    panels.panel_lock(panel=panel, actor=chair, order=computed_order(panel), reasons={})
    with pytest.raises(WorkflowError, match="panel has locked its ranking"):
        workflow.review_save(
            assignment=accepted, reviewer=reviewer, data=full_review(), submit=True
        )
    proposal.refresh_from_db()
    assert proposal.review_count == 0


def test_only_the_fund_office_reopens(client, past_deadline):
    _call, _proposal, (reviewer, accepted), _invited, _officer = past_deadline
    client.force_login(reviewer)
    assert client.post(reopen_url(accepted), {"reason": "自己"}).status_code == 403
    accepted.refresh_from_db()
    assert accepted.reopened_at is None
