"""A proposal's stored review score always equals reviews.scoring's aggregate of its submitted
reviews, whichever workflow step changed them."""

import json
from decimal import Decimal

import pytest

from grants.models import Proposal
from reviews import scoring, workflow
from reviews.models import ConflictKind
from tests.reviews.factories import full_review, make_assignment, make_review_call, make_reviewer

CRITERIA = scoring.DEFAULT_CRITERIA  # what a call without criteria of its own is scored on
STORED = ("review_score", "review_count", "review_fundable", "review_result")
PLACES = ("武汉大学", "北京大学", "中山大学")


def submit(item, reviewer, **scores):
    data = full_review(**scores)
    workflow.review_save(assignment=item, reviewer=reviewer, data=data, submit=True)
    return data["scores"]


def save_draft(item, reviewer, **scores):
    data = full_review(**scores)
    workflow.review_save(assignment=item, reviewer=reviewer, data=data, submit=False)
    return None


def edit_submitted(item, reviewer, **scores):
    """A submitted review changed before the deadline stays submitted with its new scores."""
    data = full_review(**scores)
    workflow.review_save(assignment=item, reviewer=reviewer, data=data, submit=False)
    return data["scores"]


def declare_conflict(item, reviewer, **_scores):
    workflow.assignment_declare_conflict(
        assignment=item, reviewer=reviewer, kind=ConflictKind.OTHER, note="同门"
    )
    return None


# Each case: the steps, one per reviewer in PLACES order (reviewer index, step, scores), and
# which reviewers' scores count at the end, in submission order.
CASES = {
    "one submitted review": ([(0, submit, {})], [0]),
    "a draft counts for nothing": ([(0, save_draft, {})], []),
    "two reviews, in submission order": (
        [(1, submit, {"excellence": "5"}), (0, submit, {"impact": "2.5"})],
        [1, 0],
    ),
    "a submitted review edited": (
        [(0, submit, {}), (0, edit_submitted, {"excellence": "1", "impact": "1.5"})],
        [0],
    ),
    "n/a left out, never 0": ([(0, submit, {"impact": None, "collaboration": ""})], [0]),
    "only n/a: no valid review": (
        [
            (
                0,
                submit,
                {"excellence": None, "impact": None, "implementation": None, "collaboration": None},
            )
        ],
        [0],
    ),
    "a conflict declared beside a submitted review": (
        [(0, submit, {"excellence": "3"}), (1, save_draft, {}), (1, declare_conflict, {})],
        [0],
    ),
    "three reviews, one of them edited": (
        [
            (0, submit, {"excellence": "4.5"}),
            (1, submit, {"excellence": "2"}),
            (2, submit, {"excellence": "3.5"}),
            (1, edit_submitted, {"excellence": "0.5"}),
        ],
        [0, 1, 2],
    ),
}


@pytest.mark.parametrize(("steps", "counted"), CASES.values(), ids=CASES.keys())
def test_stored_score_equals_the_aggregate_after_each_workflow_path(reference, steps, counted):
    _call, (proposal, other) = make_review_call(n_proposals=2)
    reviewers = [make_reviewer(institution=place) for place in PLACES]
    items = [make_assignment(proposal, reviewer) for reviewer in reviewers]
    latest = {}
    for index, step, scores in steps:
        given = step(items[index], reviewers[index], **scores)
        if given is not None:
            latest[index] = given
    expected = [scoring.review_values(latest[index]) for index in counted]

    stored = Proposal.objects.values(*STORED).get(pk=proposal.pk)

    if expected:
        aggregate = scoring.aggregate(expected, CRITERIA, overall_threshold=Decimal(3))
        assert stored == scoring.proposal_fields(aggregate)
        assert scoring.score_from_plain(stored["review_result"]) == aggregate
    else:
        assert stored == scoring.proposal_fields(None)
    untouched = Proposal.objects.values(*STORED).get(pk=other.pk)
    assert untouched == scoring.proposal_fields(None)


def test_the_stored_score_and_the_workflows_computation_agree(reference):
    _call, (proposal, _other) = make_review_call(n_proposals=2)
    for place, score in zip(PLACES, ("4.5", "2", "3.5"), strict=True):
        reviewer = make_reviewer(institution=place)
        submit(make_assignment(proposal, reviewer), reviewer, excellence=score)
    proposal.refresh_from_db()
    computed = workflow.proposal_score(proposal)
    assert proposal.review_result == scoring.score_as_plain(computed)
    assert proposal.review_count == 3
    assert proposal.review_score == scoring.sortable_score(computed.mean)


def test_the_stored_form_keeps_the_criteria_in_order_whatever_the_database_does_to_keys():
    reviews = [scoring.review_values({"excellence": "5", "impact": "3", "collaboration": None})]
    score = scoring.aggregate(reviews, CRITERIA)
    # PostgreSQL's jsonb gives an object's keys back in its own order, not the one written.
    reordered = json.loads(json.dumps(scoring.score_as_plain(score), sort_keys=True))
    back = scoring.score_from_plain(reordered)
    assert back == score
    assert list(back.criterion_means) == [c.key for c in CRITERIA]
