"""seed_scale: a small run has the expected rows, the shapes the workflow would write, and
every main page renders on it."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count

from grants.funding import decisions
from grants.models import (
    Call,
    ConsortiumMember,
    Decision,
    MemberStatus,
    Outcome,
    Proposal,
    ProposalStatus,
    Role,
    Screening,
    User,
)
from grants.models.proposals import ReferenceCounter
from grants.proposals.plain import violations_for
from grants.proposals.snapshots import freeze, frozen_fields
from reviews import scoring
from reviews.models import Assignment, AssignmentStatus, Panel, Review, ReviewerProfile
from reviews.ranking import computed_order, ranked_rows
from reviews.workflow import proposal_score

PROPOSALS, REVIEWERS = 200, 100


def seed(seed=1):
    out = io.StringIO()
    call_command(
        "seed_scale",
        "--proposals",
        str(PROPOSALS),
        "--reviewers",
        str(REVIEWERS),
        "--seed",
        str(seed),
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture
def scale(reference):
    return seed()


def calls():
    return {call.status: call for call in Call.objects.filter(code__startswith="scale-")}


def test_small_run_creates_the_expected_counts(scale):
    found = calls()
    assert set(found) == {"open", "in_panel", "decided"}
    sizes = dict(Proposal.objects.values_list("call__status").annotate(n=Count("pk")))
    assert sizes == {"open": 10, "in_panel": 180, "decided": 10}
    members = Counter(
        ConsortiumMember.objects.values_list("proposal", flat=True).order_by()
    ).values()
    assert len(members) == PROPOSALS and min(members) == 2 and max(members) == 4
    submitted = Proposal.objects.exclude(status=ProposalStatus.DRAFT)
    assert not submitted.filter(reference__isnull=True).exists()
    assert not submitted.filter(snapshot__isnull=True).exists()
    assert not Proposal.objects.filter(
        status=ProposalStatus.DRAFT, reference__isnull=False
    ).exists()
    assert User.objects.filter(role_grants__role=Role.REVIEWER).count() == REVIEWERS
    assert ReviewerProfile.objects.count() == REVIEWERS
    assert Panel.objects.exists() and not Panel.objects.filter(locked_at__isnull=True).exists()
    assert Decision.objects.filter(round__call=found["decided"]).count() == 10
    assert "proposals, consortia, budgets" in scale  # the time of each stage is printed


def test_every_proposal_in_review_has_three_reviewers_besides_those_who_declined(scale):
    for call in (calls()["in_panel"], calls()["decided"]):
        in_review = call.proposals.filter(
            status=ProposalStatus.SUBMITTED, screening=Screening.ELIGIBLE
        )
        active = Counter(
            Assignment.objects.filter(proposal__in=in_review)
            .exclude(status=AssignmentStatus.DECLINED)
            .values_list("proposal", flat=True)
        )
        assert len(active) == in_review.count()
        assert set(active.values()) == {call.reviewers_per_proposal}
    assert Review.objects.filter(submitted_at__isnull=False).count() > 0.9 * Review.objects.count()


def test_snapshots_are_what_freeze_would_take(scale):
    for proposal in Proposal.objects.exclude(status=ProposalStatus.DRAFT).select_related(
        "call", "lead", "primary_code", "secondary_code"
    ):
        frozen, seeded = freeze(proposal), dict(proposal.snapshot)
        assert frozen.pop("submitted_at") and seeded.pop("submitted_at")
        assert seeded == frozen, proposal.reference


def test_frozen_fields_are_what_submission_freezes(scale):
    names = ("requested_direct", "requested_total", "requested_by_province", "member_provinces")
    for proposal in Proposal.objects.all():
        stored = {name: getattr(proposal, name) for name in names}
        if proposal.status == ProposalStatus.DRAFT:
            assert set(stored.values()) == {None, ""}, proposal.pk
        else:
            assert stored == frozen_fields(proposal.snapshot), proposal.reference


def test_review_scores_are_what_the_review_workflow_stores(scale):
    reviewed = 0
    for proposal in Proposal.objects.select_related("call"):
        stored = {name: getattr(proposal, name) for name in scoring.proposal_fields(None)}
        assert stored == scoring.proposal_fields(proposal_score(proposal)), proposal.reference
        reviewed += proposal.review_result is not None
    assert reviewed > PROPOSALS / 2


def test_submitted_proposals_meet_their_calls_rules(scale):
    for proposal in Proposal.objects.exclude(status=ProposalStatus.DRAFT).select_related("call"):
        assert violations_for(proposal, proposal.submitted_at) == [], proposal.reference


def test_consortia_span_two_funding_provinces_with_accepted_pis(scale):
    for proposal in Proposal.objects.exclude(status=ProposalStatus.DRAFT).prefetch_related(
        "members__institution__province"
    ):
        members = list(proposal.members.all())
        assert all(m.status == MemberStatus.ACCEPTED and m.pi_id for m in members)
        funding = {m.institution.province_id for m in members if m.institution.province.is_funding}
        assert len(funding) >= 2


def test_panels_are_locked_in_the_computed_order(scale):
    for panel in Panel.objects.select_related("call"):
        assert [row.proposal.pk for row in ranked_rows(panel)] == computed_order(panel)


def test_decided_call_holds_what_funding_commit_would_write(scale):
    call = calls()["decided"]
    simulation = decisions.simulate_call(call)
    funded = Decision.objects.filter(round__call=call, outcome=Outcome.FUNDED)
    assert {award.proposal for award in simulation.outcome.funded} == set(
        funded.values_list("proposal", flat=True)
    )
    assert sum(d.total for d in funded) == simulation.outcome.funded_total
    for decision in funded.prefetch_related("shares__payments"):
        assert sum(s.committed for s in decision.shares.all()) == decision.total
        for share in decision.shares.all():
            assert sum(p.amount for p in share.payments.all()) == share.committed
            # The first year is paid, as the ledger reads it.
            assert all(p.paid == (p.amount if p.year == 1 else 0) for p in share.payments.all())


def test_reference_counters_continue_after_the_seeded_numbers(scale):
    for counter in ReferenceCounter.objects.all():
        prefix = f"YRD-{counter.year}-{counter.area}-"
        numbers = [
            int(reference.rsplit("-", 1)[1])
            for reference in Proposal.objects.filter(reference__startswith=prefix).values_list(
                "reference", flat=True
            )
        ]
        assert counter.last == max(numbers)


def fingerprint():
    return (
        list(
            Proposal.objects.order_by("pk").values_list(
                "reference", "title_en", "lead__email", "status", "screening", "primary_code"
            )
        ),
        list(
            ConsortiumMember.objects.order_by("pk").values_list(
                "proposal__reference", "institution", "pi__email"
            )
        ),
        list(
            Assignment.objects.order_by("pk").values_list(
                "proposal__reference", "reviewer__email", "status"
            )
        ),
        list(Review.objects.order_by("pk").values_list("assignment__reviewer__email", "scores")),
        list(
            Decision.objects.order_by("pk").values_list("proposal__reference", "outcome", "total")
        ),
    )


def test_the_same_seed_gives_the_same_data(reference):
    prints = []
    for seed_value in (1, 1, 2):
        with transaction.atomic():
            seed(seed_value)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_refuses_a_database_that_already_has_a_scale_dataset(scale):
    with pytest.raises(CommandError, match="already holds a scale dataset"):
        seed()


def test_main_pages_render_on_the_seeded_data(client, scale):
    found = calls()
    main, decided = found["in_panel"], found["decided"]
    officer = User.objects.get(email="scale.officer@example.org")
    provincial = User.objects.get(email="scale.zhejiang@example.org")
    chair = User.objects.get(email="scale.chair@example.org")
    reviewer = Assignment.objects.filter(call=main).order_by("pk").first().reviewer
    proposal = main.proposals.filter(screening=Screening.ELIGIBLE).order_by("pk").first()
    panel = Panel.objects.filter(call=main, chair=chair).first()
    draft = Proposal.objects.filter(status=ProposalStatus.DRAFT).order_by("pk").first()
    pages = [
        (None, "/calls/"),
        (None, f"/calls/{found['open'].code}/"),
        (officer, "/dashboard/"),
        (officer, f"/office/calls/{main.code}/proposals/"),
        (officer, f"/office/calls/{main.code}/proposals/?ordering=-total&province=320000"),
        (officer, f"/office/calls/{main.code}/proposals/?discipline=F&ordering=submitted_at"),
        (officer, f"/office/proposals/{proposal.pk}/"),
        (officer, f"/office/calls/{main.code}/assignment/"),
        (officer, f"/office/calls/{main.code}/panels/"),
        (officer, f"/office/calls/{main.code}/funding/"),
        (officer, f"/office/calls/{decided.code}/funding/"),
        (officer, "/office/reviewers/"),
        (officer, "/ledger/"),
        (officer, f"/ledger/?call={decided.code}"),
        (provincial, "/dashboard/"),
        (provincial, f"/office/calls/{main.code}/proposals/"),
        (provincial, "/ledger/"),
        (proposal.lead, "/dashboard/"),
        (proposal.lead, f"/proposals/{proposal.pk}/"),
        (proposal.lead, f"/proposals/{proposal.pk}/pdf/"),
        (draft.lead, f"/proposals/{draft.pk}/edit/"),
        (reviewer, "/dashboard/"),
        (reviewer, "/reviews/"),
        (chair, "/dashboard/"),
        (chair, f"/panels/{panel.pk}/"),
    ]
    for user, url in pages:
        client.logout()
        if user is not None:
            client.force_login(user)
        assert client.get(url).status_code == 200, (user, url)
