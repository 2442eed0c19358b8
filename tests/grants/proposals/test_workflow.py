from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from grants.calls import call_workflow
from grants.core.errors import NotEligible, StaleEdit, WorkflowError
from grants.models import AuditEntry, MemberStatus, ProposalStatus
from grants.proposals import consortium_workflow, proposal_workflow
from tests.factories import make_call, make_proposal, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(reference):
    return make_user(institution="复旦大学"), make_user(institution="浙江大学")


def test_submit_gives_reference_freezes_snapshot_and_emails_every_pi(people):
    lead, partner = people
    call = make_call()
    proposal = make_proposal(call, lead, partners=[partner])
    mail.outbox.clear()
    with pytest.raises(AssertionError):
        assert proposal.reference
    submitted = proposal_workflow.proposal_submit(proposal=proposal, actor=lead)
    assert submitted.status == ProposalStatus.SUBMITTED
    assert submitted.reference == "YRD-2026-F06-0001"
    assert submitted.snapshot["title_zh"] == "长三角协同研究"
    assert [m["province_code"] for m in submitted.snapshot["members"]] == ["310000", "330000"]
    assert sorted(mail.outbox[0].to) == sorted([lead.email, partner.email])
    assert "YRD-2026-F06-0001" in mail.outbox[0].subject
    assert AuditEntry.objects.filter(proposal=submitted, action="proposal.submitted").exists()


def test_submit_refuses_single_province_consortium_naming_the_rule(people):
    lead, _ = people
    call = make_call()
    same_province = make_user(institution="同济大学")
    proposal = make_proposal(call, lead, partners=[same_province])
    with pytest.raises(NotEligible) as refused:
        proposal_workflow.proposal_submit(proposal=proposal, actor=lead)
    codes = [v.code for v in refused.value.violations]
    assert codes == ["provinces_too_few"]
    assert "at least 2" in refused.value.violations[0].message_en
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT and proposal.reference is None


def test_only_the_lead_submits(people):
    lead, partner = people
    proposal = make_proposal(make_call(), lead, partners=[partner])
    with pytest.raises(WorkflowError, match="Only the lead PI"):
        proposal_workflow.proposal_submit(proposal=proposal, actor=partner)


def deadline_call(**fields):
    return make_call(**fields)


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(timedelta(seconds=-1), True), (timedelta(0), False), (timedelta(seconds=1), False)],
    ids=["one-second-before", "at-the-deadline", "one-second-after"],
)
def test_deadline_is_judged_in_shanghai_time(people, offset, accepted):
    lead, partner = people
    call = make_call()
    call.closes_at = datetime(2026, 12, 31, 16, 0, tzinfo=SHANGHAI)
    call.opens_at = datetime(2026, 1, 1, tzinfo=SHANGHAI)
    call.save()
    proposal = make_proposal(call, lead, partners=[partner])
    now = call.closes_at + offset
    if accepted:
        assert (
            proposal_workflow.proposal_submit(proposal=proposal, actor=lead, now=now).status
            == "submitted"
        )
    else:
        with pytest.raises(WorkflowError) as refused:
            proposal_workflow.proposal_submit(proposal=proposal, actor=lead, now=now)
        assert refused.value.code in {"closed", "ineligible"}
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.DRAFT


def test_nothing_is_edited_after_the_deadline_and_the_draft_stays(people):
    lead, partner = people
    call = make_call()
    proposal = make_proposal(call, lead, partners=[partner])
    after = call.closes_at + timedelta(seconds=1)
    with pytest.raises(WorkflowError, match="closed"):
        proposal_workflow.proposal_save(
            proposal=proposal,
            actor=lead,
            fields={"title_zh": "新"},
            expected_version=proposal.version,
            now=after,
        )
    proposal.refresh_from_db()
    assert proposal.title_zh == "长三角协同研究"


def test_stale_save_is_refused(people):
    lead, partner = people
    proposal = make_proposal(make_call(), lead, partners=[partner])
    version = proposal.version
    proposal_workflow.proposal_save(
        proposal=proposal, actor=lead, fields={"title_zh": "甲"}, expected_version=version
    )
    with pytest.raises(StaleEdit):
        proposal_workflow.proposal_save(
            proposal=proposal, actor=lead, fields={"title_zh": "乙"}, expected_version=version
        )
    proposal.refresh_from_db()
    assert proposal.title_zh == "甲"


def test_snapshot_does_not_change_with_later_edits(people):
    lead, partner = people
    call = make_call()
    proposal = make_proposal(call, lead, partners=[partner], submit=True)
    officer = make_user(roles=["fund_officer"])
    proposal_workflow.proposal_return(proposal=proposal, actor=officer, reason="补充预算说明")
    proposal.refresh_from_db()
    proposal_workflow.proposal_save(
        proposal=proposal,
        actor=lead,
        fields={"title_zh": "改过的题目"},
        expected_version=proposal.version,
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.RETURNED
    assert proposal.snapshot["title_zh"] == "长三角协同研究"
    resubmitted = proposal_workflow.proposal_submit(proposal=proposal, actor=lead)
    assert resubmitted.snapshot["title_zh"] == "改过的题目"
    assert resubmitted.reference == proposal.reference  # the number stays with the proposal


def test_withdraw_before_the_deadline(people):
    lead, partner = people
    proposal = make_proposal(make_call(), lead, partners=[partner], submit=True)
    assert (
        proposal_workflow.proposal_withdraw(proposal=proposal, actor=lead).status
        == ProposalStatus.WITHDRAWN
    )
    with pytest.raises(WorkflowError):
        proposal_workflow.proposal_submit(proposal=proposal, actor=lead)


def test_pi_lead_quota_across_the_call(people):
    lead, partner = people
    call = make_call()
    make_proposal(call, lead, partners=[partner], submit=True)
    second = make_proposal(call, lead, partners=[partner])
    with pytest.raises(NotEligible) as refused:
        proposal_workflow.proposal_submit(proposal=second, actor=lead)
    assert "pi_lead_quota" in [v.code for v in refused.value.violations]


def test_call_cannot_open_without_every_contribution(reference):
    call = make_call(status_open=False, contributions={"310000": 1, "320000": 1, "330000": 1})
    with pytest.raises(WorkflowError, match="Anhui|安徽"):
        call_workflow.call_open(call=call, actor=make_user(roles=["fund_officer"]))


def test_revoked_partner_no_longer_counts(people):
    lead, partner = people
    proposal = make_proposal(make_call(), lead, partners=[partner])
    member = proposal.members.get(pi=partner)
    consortium_workflow.member_revoke(member=member, actor=lead, expected_version=proposal.version)
    member.refresh_from_db()
    assert member.status == MemberStatus.REVOKED
    with pytest.raises(NotEligible) as refused:
        proposal_workflow.proposal_submit(proposal=proposal, actor=lead)
    assert "provinces_too_few" in [v.code for v in refused.value.violations]
