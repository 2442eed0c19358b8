"""Starting, discarding and counting drafts (grants.proposals.proposal_workflow, grants.proposals.plain)."""

import pytest
from django.core import mail

from grants.core.errors import WorkflowError
from grants.models import AuditEntry, Invitation, Proposal, ProposalStatus
from grants.proposals import consortium_workflow, proposal_workflow
from grants.proposals.plain import proposal_data, violations_for
from tests.factories import make_call, make_proposal, make_user


@pytest.fixture
def call(reference):
    return make_call()


def test_a_second_start_goes_to_the_existing_draft(call):
    lead = make_user(institution="复旦大学")
    first, created = proposal_workflow.proposal_start(call=call, lead=lead)
    again, created_again = proposal_workflow.proposal_start(call=call, lead=lead)
    assert (created, created_again) == (True, False)
    assert again == first
    assert Proposal.objects.filter(call=call, lead=lead).count() == 1


def test_asking_for_another_start_makes_a_second_draft(call):
    lead = make_user(institution="复旦大学")
    first, _ = proposal_workflow.proposal_start(call=call, lead=lead)
    second, created = proposal_workflow.proposal_start(call=call, lead=lead, another=True)
    assert created and second != first
    assert Proposal.objects.filter(call=call, lead=lead).count() == 2


def test_a_start_in_another_call_makes_a_new_draft(call):
    lead = make_user(institution="复旦大学")
    first, _ = proposal_workflow.proposal_start(call=call, lead=lead)
    other, created = proposal_workflow.proposal_start(call=make_call(), lead=lead)
    assert created and other != first


def test_a_start_after_discarding_makes_a_new_draft(call):
    lead = make_user(institution="复旦大学")
    first, _ = proposal_workflow.proposal_start(call=call, lead=lead)
    proposal_workflow.proposal_discard(proposal=first, actor=lead)
    second, created = proposal_workflow.proposal_start(call=call, lead=lead)
    assert created and second != first


def test_discarding_keeps_the_row_audits_it_and_tells_the_partners(call):
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    proposal = make_proposal(call, lead, partners=[partner])
    mail.outbox.clear()
    proposal_workflow.proposal_discard(proposal=proposal, actor=lead)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISCARDED
    entry = AuditEntry.objects.get(proposal=proposal, action="proposal.discarded")
    assert (entry.actor, entry.before, entry.after) == (
        lead,
        {"status": "draft"},
        {"status": "discarded"},
    )
    assert [message.to for message in mail.outbox] == [[partner.email]]
    assert "discarded the draft proposal" in mail.outbox[0].body


def test_discarding_revokes_pending_invitations(call):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(call, lead, partners=[make_user(institution="浙江大学")])
    pending = consortium_workflow.member_add(
        proposal=proposal,
        actor=lead,
        institution=make_user(institution="安徽大学").institution,
        expected_version=proposal.version,
    )
    consortium_workflow.invitation_send(member=pending, actor=lead, email="new@example.org")
    proposal_workflow.proposal_discard(proposal=proposal, actor=lead)
    assert not Invitation.objects.filter(member=pending, revoked_at=None).exists()


@pytest.mark.parametrize("status", ["submitted", "returned", "withdrawn", "discarded"])
def test_only_a_draft_can_be_discarded(call, status):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(call, lead, partners=[make_user(institution="浙江大学")])
    Proposal.objects.filter(pk=proposal.pk).update(status=status)
    with pytest.raises(WorkflowError) as refused:
        proposal_workflow.proposal_discard(proposal=proposal, actor=lead)
    assert refused.value.code == "transition"
    proposal.refresh_from_db()
    assert proposal.status == status


def test_only_the_lead_can_discard(call):
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    proposal = make_proposal(call, lead, partners=[partner])
    with pytest.raises(WorkflowError) as refused:
        proposal_workflow.proposal_discard(proposal=proposal, actor=partner)
    assert refused.value.code == "not_lead"


def quota_codes(proposal, call):
    codes = {v.code for v in violations_for(proposal, call.opens_at)}
    return sorted(codes & {"pi_lead_quota", "pi_participation_quota"})


def test_a_partners_stray_drafts_do_not_block_the_leads_real_one(call):
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    real = make_proposal(call, lead, partners=[partner])
    for _ in range(10):
        proposal_workflow.proposal_create(call=call, lead=partner)
    assert quota_codes(real, call) == []
    proposal_workflow.proposal_submit(proposal=real, actor=lead, now=call.opens_at)
    real.refresh_from_db()
    assert real.status == ProposalStatus.SUBMITTED


def test_submitted_proposals_still_count_toward_the_quota(call):
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    make_proposal(call, make_user(institution="南京大学"), partners=[partner], submit=True)
    make_proposal(call, make_user(institution="东南大学"), partners=[partner], submit=True)
    third = make_proposal(call, lead, partners=[partner])
    assert quota_codes(third, call) == ["pi_participation_quota"]


def test_a_withdrawn_proposal_frees_its_partners_quota(call):
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    call.max_participations_per_pi = 1
    call.save()
    other = make_proposal(call, make_user(institution="南京大学"), partners=[partner], submit=True)
    mine = make_proposal(call, lead, partners=[partner])
    assert quota_codes(mine, call) == ["pi_participation_quota"]
    proposal_workflow.proposal_withdraw(proposal=other, actor=other.lead, now=call.opens_at)
    assert quota_codes(mine, call) == []


def test_a_discarded_draft_leaves_its_partners_draft_load(call):
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    stray = make_proposal(call, make_user(institution="南京大学"), partners=[partner])
    mine = make_proposal(call, lead, partners=[partner])
    assert proposal_data(mine).pi_draft_load == {partner.pk: (0, 1)}
    proposal_workflow.proposal_discard(proposal=stray, actor=stray.lead)
    assert proposal_data(mine).pi_draft_load == {}
    assert proposal_data(mine).pi_load == {}


def test_the_loads_count_each_pis_other_proposals_of_the_call_alone(call):
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    make_proposal(call, lead, partners=[partner], submit=True)
    make_proposal(call, partner, partners=[make_user(institution="南京大学")], submit=True)
    make_proposal(make_call("elsewhere"), lead, partners=[partner], submit=True)
    mine = make_proposal(call, lead, partners=[partner])
    # A member still without a PI matches nobody's PI-less membership elsewhere.
    consortium_workflow.member_add(
        proposal=mine,
        actor=lead,
        institution=make_user(institution="东南大学").institution,
        expected_version=mine.version,
    )
    data = proposal_data(mine)
    assert data.pi_load == {lead.pk: (1, 1), partner.pk: (1, 2)}
    assert data.pi_draft_load == {}
