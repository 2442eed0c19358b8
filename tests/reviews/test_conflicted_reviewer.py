"""A reviewer who declared a conflict keeps nothing of the proposal: the content stays closed,
the assignment cannot be accepted again, and the panel and scores never see them."""

import pytest

from reviews.models import AssignmentStatus, ConflictKind, DeclaredConflict
from reviews.workflow import assignment_declare_conflict
from tests.reviews.factories import make_assignment, make_review_call, make_reviewer


@pytest.fixture
def conflicted(reference):
    call, (proposal, _) = make_review_call(n_proposals=2)
    reviewer = make_reviewer()
    item = make_assignment(proposal, reviewer, accept=False)
    assignment_declare_conflict(assignment=item, reviewer=reviewer, kind=ConflictKind.COAUTHOR)
    return reviewer, item


def test_the_invitation_says_it_was_answered_and_offers_nothing_more(client, conflicted):
    reviewer, item = conflicted
    client.force_login(reviewer)
    page = client.get(f"/reviews/{item.pk}/")
    assert page.status_code == 200
    assert "You have answered this invitation." in page.text
    assert f'action="/reviews/{item.pk}/accept/"' not in page.text


@pytest.mark.parametrize("suffix", ["review/", "pdf/", "narrative/"])
def test_the_proposal_content_does_not_open(client, conflicted, suffix):
    reviewer, item = conflicted
    client.force_login(reviewer)
    assert client.get(f"/reviews/{item.pk}/{suffix}").status_code == 404


def test_accepting_afterwards_is_refused_and_changes_nothing(client, conflicted):
    reviewer, item = conflicted
    client.force_login(reviewer)
    response = client.post(f"/reviews/{item.pk}/accept/", {"no_conflict": "on"}, follow=True)
    assert "This invitation has already been answered." in response.text
    item.refresh_from_db()
    assert item.status == AssignmentStatus.CONFLICT
    assert item.no_conflict_declared_at is None
    assert DeclaredConflict.objects.filter(reviewer=reviewer).count() == 1


def test_the_proposal_leaves_the_reviewers_list(client, conflicted):
    reviewer, item = conflicted
    client.force_login(reviewer)
    page = client.get("/reviews/")
    assert page.status_code == 200
    assert item.proposal.reference not in page.text


def test_declaring_the_conflict_again_is_refused_and_records_nothing_more(
    client, conflicted, mailoutbox
):
    reviewer, item = conflicted
    sent = len(mailoutbox)
    client.force_login(reviewer)
    response = client.post(
        f"/reviews/{item.pk}/conflict/", {"kind": ConflictKind.RELATIVE}, follow=True
    )
    assert "This invitation has already been answered." in response.text
    assert DeclaredConflict.objects.filter(reviewer=reviewer).count() == 1
    assert len(mailoutbox) == sent
