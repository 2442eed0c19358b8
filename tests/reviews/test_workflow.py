from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from grants.core.errors import WorkflowError
from grants.models import Role, User
from reviews import panels, workflow
from reviews.models import AssignmentRun, AssignmentStatus, DeclaredConflict, Review
from tests.factories import make_user
from tests.reviews.factories import full_review, make_assignment, make_review_call, make_reviewer


@pytest.fixture
def call_in_review(reference):
    return make_review_call(n_proposals=2)


def officer():
    return make_user(roles=[Role.FUND_OFFICER])


@pytest.mark.parametrize(
    ("institution", "expected"),
    [("浙江大学", "same_institution"), ("南京大学", None), ("同济大学", "same_province")],
    ids=["consortium-institution", "allowed", "consortium-province"],
)
def test_manual_assignment_obeys_every_conflict_rule(call_in_review, institution, expected):
    call, (proposal, _) = call_in_review
    reviewer = make_reviewer(institution=institution)
    if expected is None:
        # Nanjing is in Jiangsu: not a province of this Shanghai–Zhejiang consortium.
        assert (
            workflow.assignment_add(proposal=proposal, reviewer=reviewer, actor=officer()).status
            == "invited"
        )
    else:
        with pytest.raises(WorkflowError) as refused:
            workflow.assignment_add(proposal=proposal, reviewer=reviewer, actor=officer())
        assert refused.value.code == "conflict"


def test_applicant_in_the_same_call_cannot_review(call_in_review):
    call, (first, second) = call_in_review
    with pytest.raises(WorkflowError, match="takes part in a proposal"):
        workflow.assignment_add(proposal=second, reviewer=first.lead, actor=officer())


def test_avoidance_list_is_enforced(call_in_review):
    call, (proposal, _) = call_in_review
    reviewer = make_reviewer(name="王避免")
    proposal.avoided_experts.create(name="王 避免", institution="武汉大学")
    with pytest.raises(WorkflowError, match="asked that this expert not review"):
        workflow.assignment_add(proposal=proposal, reviewer=reviewer, actor=officer())


def test_a_person_declared_once_is_never_assigned_again(call_in_review):
    call, (proposal, _) = call_in_review
    reviewer = make_reviewer()
    DeclaredConflict.objects.create(reviewer=reviewer, person=proposal.lead, kind="coauthor")
    with pytest.raises(WorkflowError, match="declared a conflict"):
        workflow.assignment_add(proposal=proposal, reviewer=reviewer, actor=officer())


def test_accepting_requires_the_no_conflict_declaration(call_in_review):
    call, (proposal, _) = call_in_review
    reviewer = make_reviewer()
    item = make_assignment(proposal, reviewer, accept=False)
    with pytest.raises(WorkflowError):
        workflow.assignment_accept(assignment=item, reviewer=reviewer, no_conflict=False)
    item = workflow.assignment_accept(assignment=item, reviewer=reviewer, no_conflict=True)
    assert item.status == AssignmentStatus.ACCEPTED and item.no_conflict_declared_at


def test_declaring_a_conflict_removes_the_assignment_and_alerts_the_office(call_in_review):
    call, (proposal, _) = call_in_review
    office = officer()
    reviewer = make_reviewer()
    item = make_assignment(proposal, reviewer, accept=False)
    mail.outbox.clear()
    workflow.assignment_declare_conflict(
        assignment=item, reviewer=reviewer, kind="relative", note="表亲"
    )
    item.refresh_from_db()
    assert item.status == AssignmentStatus.CONFLICT
    assert office.email in mail.outbox[0].to
    with pytest.raises(WorkflowError):
        workflow.assignment_add(proposal=proposal, reviewer=reviewer, actor=office)


def test_another_reviewer_cannot_act_on_the_assignment(call_in_review):
    call, (proposal, _) = call_in_review
    item = make_assignment(proposal, make_reviewer(), accept=False)
    with pytest.raises(WorkflowError, match="not your review"):
        workflow.assignment_accept(
            assignment=item, reviewer=make_reviewer(institution="北京大学"), no_conflict=True
        )


@pytest.mark.parametrize(
    ("offset", "allowed"),
    [(timedelta(seconds=-1), True), (timedelta(0), False), (timedelta(seconds=1), False)],
    ids=["one-second-before", "at-the-deadline", "one-second-after"],
)
def test_reviews_change_until_the_review_deadline(call_in_review, offset, allowed):
    call, (proposal, _) = call_in_review
    call.review_deadline = timezone.now() + timedelta(days=3)
    call.save()
    reviewer = make_reviewer()
    item = make_assignment(proposal, reviewer)
    now = call.review_deadline + offset
    if allowed:
        review = workflow.review_save(
            assignment=item, reviewer=reviewer, data=full_review(), submit=True, now=now
        )
        assert review.submitted_at == now
    else:
        with pytest.raises(WorkflowError, match="deadline has passed"):
            workflow.review_save(
                assignment=item, reviewer=reviewer, data=full_review(), submit=True, now=now
            )
        assert not Review.objects.exists()


def test_assignment_run_computes_previews_and_publishes(
    call_in_review, django_capture_on_commit_callbacks
):
    call, proposals = call_in_review
    for place in ["武汉大学", "北京大学", "清华大学", "山东大学", "四川大学", "南京大学"]:
        make_reviewer(institution=place)
    make_reviewer(institution="同济大学")  # Shanghai: excluded by the province rule
    with django_capture_on_commit_callbacks(execute=True):
        run = workflow.run_start(call=call, actor=officer())
    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.DONE and run.result["complete"]
    pairs = run.result["pairs"]
    assert len(pairs) == 3 * len(proposals)
    created = workflow.run_publish(run=run, actor=officer())
    assert len(created) == len(pairs)
    assert all(
        item.reviewer.institution.province_id not in {"310000", "330000"} for item in created
    )
    assert {len(m.to) for m in mail.outbox if "review" in m.subject.lower()} == {1}


@pytest.mark.parametrize("change", ["declared since", "assigned since"])
def test_publishing_checks_every_pair_again_and_skips_pairs_already_assigned(
    call_in_review, django_capture_on_commit_callbacks, change
):
    call, proposals = call_in_review
    for place in ["武汉大学", "北京大学", "清华大学", "山东大学", "四川大学", "南京大学"]:
        make_reviewer(institution=place)
    with django_capture_on_commit_callbacks(execute=True):
        run = workflow.run_start(call=call, actor=officer())
    run.refresh_from_db()
    first = run.result["pairs"][0]
    proposal = next(p for p in proposals if p.pk == first["proposal"])
    reviewer = User.objects.get(pk=first["reviewer"])
    if change == "declared since":
        DeclaredConflict.objects.create(reviewer=reviewer, proposal=proposal, kind="other")
        with pytest.raises(WorkflowError, match="declared a conflict"):
            workflow.run_publish(run=run, actor=officer())
        assert not proposal.assignments.exists()
    else:
        make_assignment(proposal, reviewer)
        created = workflow.run_publish(run=run, actor=officer())
        assert len(created) == len(run.result["pairs"]) - 1
        assert proposal.assignments.filter(reviewer=reviewer).count() == 1


def test_shortfall_names_the_proposal_and_why(call_in_review, django_capture_on_commit_callbacks):
    call, proposals = call_in_review
    make_reviewer(institution="武汉大学")
    make_reviewer(institution="同济大学")
    with django_capture_on_commit_callbacks(execute=True):
        run = workflow.run_start(call=call, actor=officer())
    run.refresh_from_db()
    assert not run.result["complete"]
    assert any(
        proposals[0].reference in line and "excluded by province rule" in line
        for line in run.result["shortfalls"]
    )


def test_adding_a_conflicted_reviewer_by_hand_is_refused_with_the_reason(
    call_in_review, django_capture_on_commit_callbacks
):
    call, (proposal, _) = call_in_review
    for place in ["武汉大学", "北京大学", "清华大学"]:
        make_reviewer(institution=place)
    with django_capture_on_commit_callbacks(execute=True):
        run = workflow.run_start(call=call, actor=officer())
    colleague = make_reviewer(institution="复旦大学")
    with pytest.raises(WorkflowError, match="works at an institution of the consortium"):
        workflow.run_pairs_edit(run=run, actor=officer(), add=(proposal.pk, colleague.pk))


@pytest.mark.parametrize(
    ("provinces", "ok"),
    [
        (["110000", "420000", "440000"], True),
        (["110000", "110000", "420000"], False),
        (["110000", "420000", "440000", "110000", "420000"], True),
        (["110000", "110000", "420000", "440000", "510000"], True),
        (["110000", "110000", "110000", "420000", "440000"], False),
    ],
    ids=[
        "three-provinces",
        "two-provinces",
        "two-of-five-is-40pc",
        "two-of-five-ok",
        "three-of-five-too-many",
    ],
)
def test_panel_composition(provinces, ok):
    problems = panels.panel_composition_problems(provinces, 3, Decimal("0.40"))
    assert (problems == []) is ok


def test_chair_locks_the_ranking_and_a_move_needs_a_reason(call_in_review):
    call, proposals = call_in_review
    chair = make_user(institution="清华大学", roles=[Role.PANEL_CHAIR])
    members = [make_reviewer(institution=place) for place in ["北京大学", "武汉大学", "中山大学"]]
    from grants.models import Discipline

    panel = panels.panel_create(
        call=call,
        area=Discipline.objects.get(code="F"),
        name="F panel",
        chair=chair,
        members=members,
        actor=officer(),
    )
    assert panel.entries.count() == 2
    high, low = proposals
    reviewer = make_reviewer(institution="四川大学")
    workflow.review_save(
        assignment=make_assignment(high, reviewer),
        reviewer=reviewer,
        data=full_review(excellence="5"),
        submit=True,
    )
    workflow.review_save(
        assignment=make_assignment(low, reviewer),
        reviewer=reviewer,
        data=full_review(excellence="2"),
        submit=True,
    )
    with pytest.raises(WorkflowError, match="Write why"):
        panels.panel_lock(panel=panel, actor=chair, order=[low.pk, high.pk], reasons={})
    with pytest.raises(WorkflowError, match="Only the panel's chair"):
        panels.panel_lock(panel=panel, actor=members[0], order=[high.pk, low.pk], reasons={})
    with pytest.raises(WorkflowError, match="within 1000 characters"):
        panels.panel_lock(
            panel=panel,
            actor=chair,
            order=[low.pk, high.pk],
            reasons={low.pk: "长" * 1001, high.pk: "让位"},
        )
    assert panel.entries.filter(position__isnull=False).count() == 0
    panels.panel_lock(
        panel=panel,
        actor=chair,
        order=[low.pk, high.pk],
        reasons={low.pk: "产业意义更大", high.pk: "让位"},
    )
    panel.refresh_from_db()
    assert panel.locked_at
    assert [e.proposal_id for e in panel.entries.order_by("position")] == [low.pk, high.pk]
    with pytest.raises(WorkflowError, match="locked"):
        panels.panel_consensus(entry=panel.entries.first(), actor=chair, score="4", comment="")


def test_the_admin_cannot_create_or_change_assignments(admin_client, call_in_review):
    call, (proposal, _) = call_in_review
    assert admin_client.get("/admin/reviews/assignment/add/").status_code == 403
    item = workflow.assignment_add(proposal=proposal, reviewer=make_reviewer(), actor=officer())
    response = admin_client.post(
        f"/admin/reviews/assignment/{item.pk}/change/", {"status": "accepted"}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == AssignmentStatus.INVITED


def test_officer_invites_one_more_reviewer_and_a_conflicted_one_is_refused(client, call_in_review):
    call, (proposal, _) = call_in_review
    office = officer()
    client.force_login(office)
    outside = make_reviewer(institution="山东大学")
    response = client.post(
        f"/office/calls/{call.code}/assignment/add/",
        {"proposal": proposal.pk, "reviewer": outside.pk},
        follow=True,
    )
    assert proposal.assignments.filter(reviewer=outside, status="invited").exists()
    colleague = make_reviewer(institution="复旦大学")
    response = client.post(
        f"/office/calls/{call.code}/assignment/add/",
        {"proposal": proposal.pk, "reviewer": colleague.pk},
        follow=True,
    )
    assert "works at an institution of the consortium" in response.text
    assert not proposal.assignments.filter(reviewer=colleague).exists()
