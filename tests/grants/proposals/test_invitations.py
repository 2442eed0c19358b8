import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from grants.core.errors import WorkflowError
from grants.models import MemberStatus
from grants.proposals import consortium_workflow
from tests.factories import make_call, make_proposal, make_user


@pytest.fixture
def invited(reference):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead)
    member = consortium_workflow.member_add(
        proposal=proposal,
        actor=lead,
        institution=make_user(institution="浙江大学").institution,
        expected_version=proposal.version,
    )
    mail.outbox.clear()
    token = consortium_workflow.invitation_send(
        member=member, actor=lead, email="Partner.PI@example.org"
    )
    return lead, member, token


def test_invitation_email_carries_a_single_use_link(invited, reference):
    lead, member, token = invited
    assert mail.outbox[0].to == ["partner.pi@example.org"]
    assert f"/invitations/{token}/" in mail.outbox[0].body
    partner = make_user("partner.pi@example.org", institution="浙江大学")
    consortium_workflow.invitation_answer(token=token, user=partner, accept=True)
    member.refresh_from_db()
    assert (member.status, member.pi) == (MemberStatus.ACCEPTED, partner)
    with pytest.raises(WorkflowError) as reused:
        consortium_workflow.invitation_answer(token=token, user=partner, accept=True)
    assert reused.value.code == "used"


def test_expired_invitation_is_refused(invited):
    _, member, token = invited
    partner = make_user(institution="浙江大学")
    later = timezone.now() + timedelta(days=14, seconds=1)
    with pytest.raises(WorkflowError) as expired:
        consortium_workflow.invitation_answer(token=token, user=partner, accept=True, now=later)
    assert expired.value.code == "expired"


def test_revoked_invitation_is_refused(invited):
    lead, member, token = invited
    consortium_workflow.member_revoke(
        member=member, actor=lead, expected_version=member.proposal.version
    )
    with pytest.raises(WorkflowError) as revoked:
        consortium_workflow.invitation_answer(
            token=token, user=make_user(institution="浙江大学"), accept=True
        )
    assert revoked.value.code == "revoked"


def test_a_new_invitation_replaces_the_old_link(invited):
    lead, member, old = invited
    new = consortium_workflow.invitation_send(member=member, actor=lead, email="other@example.org")
    partner = make_user(institution="浙江大学")
    with pytest.raises(WorkflowError):
        consortium_workflow.invitation_answer(token=old, user=partner, accept=True)
    consortium_workflow.invitation_answer(token=new, user=partner, accept=True)


def test_partner_from_another_institution_cannot_accept(invited):
    _, member, token = invited
    with pytest.raises(WorkflowError) as wrong:
        consortium_workflow.invitation_answer(
            token=token, user=make_user(institution="南京大学"), accept=True
        )
    assert wrong.value.code == "wrong_institution"
    member.refresh_from_db()
    assert member.status == MemberStatus.PENDING


def test_decline_tells_the_lead(invited):
    lead, member, token = invited
    mail.outbox.clear()
    consortium_workflow.invitation_answer(
        token=token, user=make_user(institution="浙江大学"), accept=False
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.DECLINED and member.pi is None
    assert mail.outbox[0].to == [lead.email]


def test_new_user_signs_up_and_lands_on_the_invitation(client, invited):
    _, member, token = invited
    page = client.get(f"/invitations/{token}/")
    assert page.status_code == 200 and "Create an account" in page.text
    signup = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', page.text).group(1)
    response = client.post(
        signup.replace("&amp;", "&"),
        {
            "email": "partner.pi@example.org",
            "password1": "a-long-pass-2026",
            "password2": "a-long-pass-2026",
        },
    )
    assert response.status_code == 302
    confirm = re.search(
        r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body
    ).group(1)
    response = client.post(confirm)
    assert response["Location"] == f"/invitations/{token}/"
    # A new account completes the profile first, then comes back to the invitation.
    response = client.get(response["Location"])
    assert response["Location"].startswith("/profile/?next=%2Finvitations%2F")
    from grants.models import Institution

    zju = Institution.objects.get(name_zh="浙江大学")
    response = client.post(
        response["Location"],
        {
            "name": "潘合作",
            "institution": zju.pk,
            "title": "professor",
            "next": f"/invitations/{token}/",
        },
    )
    assert response["Location"] == f"/invitations/{token}/"
    response = client.post(f"/invitations/{token}/", {"answer": "accept"})
    member.refresh_from_db()
    assert member.status == MemberStatus.ACCEPTED and member.pi.email == "partner.pi@example.org"
    assert response["Location"] == f"/proposals/{member.proposal_id}/budget/{member.pk}/"
