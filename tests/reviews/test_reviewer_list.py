"""The reviewer's list reads every assignment's review window in its own query
(reviews.workflow.window_annotations): it must close exactly what closed_reasons closes, in
every state of the window, and show each row as the reviewer's list always has."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grants.funding import decisions
from grants.models import Call, CallStatus, Role
from reviews import windows, workflow
from reviews.models import Assignment, AssignmentStatus
from reviews.permissions import assignments_for
from tests.factories import make_user
from tests.reviews.factories import (
    full_review,
    make_assignment,
    make_panel_call,
    make_review_call,
    make_reviewer,
)

POOLS = {"310000": 2_000_000, "320000": 1_000_000, "330000": 800_000, "340000": 1_000_000}


def reviewing(reviewer, call_fields=None, n_proposals=1, accept=False):
    """The reviewer's assignments to a fresh call's proposals."""
    call, proposals = make_review_call(n_proposals=n_proposals, **(call_fields or {}))
    return call, [make_assignment(proposal, reviewer, accept=accept) for proposal in proposals]


@pytest.fixture
def every_window(reference):
    """One reviewer with an assignment in each state of the review window, and a declined one."""
    reviewer = make_reviewer(institution="四川大学")
    officer = make_user(roles=[Role.FUND_OFFICER])
    _call, (submitted, draft) = reviewing(reviewer, n_proposals=2, accept=True)
    workflow.review_save(assignment=submitted, reviewer=reviewer, data=full_review(), submit=True)
    workflow.review_save(assignment=draft, reviewer=reviewer, data=full_review(), submit=False)
    _call, (declined,) = reviewing(reviewer)
    workflow.assignment_decline(assignment=declined, reviewer=reviewer, reason="太忙")
    reviewing(reviewer, {"review_deadline": timezone.now() + timedelta(days=1)})
    late_call, (late, reopened) = reviewing(reviewer, n_proposals=2)
    Call.objects.filter(pk=late_call.pk).update(review_deadline=timezone.now() - timedelta(hours=1))
    workflow.assignment_reopen(assignment=reopened, actor=officer, reason="补评")
    decided_call, _items = reviewing(reviewer)
    Call.objects.filter(pk=decided_call.pk).update(status=CallStatus.DECIDED)
    _call, proposals, _officer = make_panel_call()
    make_assignment(proposals[0], reviewer, accept=False)
    committed_call, proposals, panel_officer = make_panel_call(contributions=POOLS)
    make_assignment(proposals[0], reviewer, accept=False)
    decisions.funding_commit(call=committed_call, actor=panel_officer)
    return reviewer


def listed(reviewer):
    return list(
        assignments_for(reviewer).exclude(
            status__in=[AssignmentStatus.DECLINED, AssignmentStatus.CONFLICT]
        )
    )


def test_the_window_annotations_give_closed_reasons_answer_in_every_state(every_window):
    now = timezone.now()
    expected = workflow.closed_reasons(list(assignments_for(every_window)), now)
    assert set(expected.values()) == {
        None,
        windows.DEADLINE,
        windows.PANEL_LOCKED,
        windows.DECIDED,
    }
    annotated = Assignment.objects.filter(reviewer=every_window).annotate(
        **workflow.window_annotations()
    )
    assert {item.pk: workflow.annotated_closed_reason(item, now) for item in annotated} == expected


def test_the_list_closes_what_closed_reasons_closes(client, every_window):
    client.force_login(every_window)
    page = client.get("/reviews/")
    items = listed(every_window)
    assert [item.pk for item in page.context["items"]] == [
        item.pk for item in sorted(items, key=lambda item: (item.status, item.proposal.reference))
    ]
    closed = {pk for pk, reason in workflow.closed_reasons(items).items() if reason}
    assert page.context["closed"] == closed
    assert len(closed) == 4 and len(items) == 8


def test_each_row_shows_its_state_and_its_action(client, every_window):
    client.force_login(every_window)
    page = client.get("/reviews/")
    by_reference = {item.proposal.reference: item for item in listed(every_window)}
    closed = page.context["closed"]
    for row in page.context["rows"]:
        item = by_reference[row["reference"]]
        assert row["title"] == item.proposal.title
        assert row["discipline"] == str(item.proposal.primary_code)
        assert (
            row["submitted"]
            == Assignment.objects.filter(pk=item.pk, review__submitted_at__isnull=False).exists()
        )
        assert row["closed"] == (item.pk in closed)
        answering = item.status == AssignmentStatus.INVITED
        assert row["url"] == f"/reviews/{item.pk}/" + ("" if answering else "review/")
        open_action = "Answer" if answering else "Review"
        assert row["action"] == ("View" if row["closed"] else open_action)
        assert row["secondary"] == (row["closed"] or not answering)
    assert [row["submitted"] for row in page.context["rows"]].count(True) == 1
    assert page.text.count('<span class="badge">Closed</span>') == 4
