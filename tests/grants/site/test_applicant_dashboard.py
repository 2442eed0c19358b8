"""The applicant's dashboard lists the proposals they lead or have joined, and nothing else."""

import pytest
from django.urls import reverse

from grants.models import ConsortiumMember, MemberStatus, Proposal, ProposalStatus
from grants.proposals import consortium_workflow
from grants.site.dashboards import applicant_section
from tests.factories import make_call, make_proposal, make_user

pytestmark = pytest.mark.django_db


def test_the_applicant_sees_the_proposals_they_lead_or_joined(reference):
    call = make_call("live", max_led_per_pi=3, max_participations_per_pi=6)
    applicant = make_user(institution="浙江大学")
    led = make_proposal(call, applicant)
    joined = make_proposal(call, make_user(institution="复旦大学"), partners=[applicant])
    discarded = make_proposal(call, applicant)
    Proposal.objects.filter(pk=discarded.pk).update(status=ProposalStatus.DISCARDED)
    # Once their PI, no longer a member: the proposal is not theirs any more.
    revoked = make_proposal(call, make_user(institution="南京大学"), partners=[applicant])
    ConsortiumMember.objects.filter(proposal=revoked, pi=applicant).update(
        status=MemberStatus.REVOKED
    )
    invited = make_proposal(call, make_user(institution="东南大学"))
    member = consortium_workflow.member_add(
        proposal=invited,
        actor=invited.lead,
        institution=applicant.institution,
        expected_version=invited.version,
    )
    consortium_workflow.invitation_send(member=member, actor=invited.lead, email=applicant.email)
    urls = [item.url for item in applicant_section(applicant).items]
    shown = {
        pk
        for pk in Proposal.objects.values_list("pk", flat=True)
        if reverse("proposal_detail", args=[pk]) in urls
    }
    assert shown == {led.pk, joined.pk}
    assert reverse("consortium", args=[invited.pk]) in urls
