"""The office proposal page: the frozen snapshot, the automatic eligibility result, screening,
return for correction and the proposal's audit log."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from grants.models import AuditEntry, Call, CallStatus, Proposal, ProposalStatus, Role, Screening
from grants.proposals import proposal_workflow
from tests.factories import make_call, make_proposal, make_user


@pytest.fixture
def officer(reference):
    return make_user(roles=[Role.FUND_OFFICER])


@pytest.fixture
def office(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def submitted(reference):
    lead = make_user(institution="复旦大学", email="lead@example.org")
    partner = make_user(institution="浙江大学", email="partner@example.org")
    call = make_call("screen-me")
    return make_proposal(call, lead, partners=[partner], submit=True)


def close(call):
    Call.objects.filter(pk=call.pk).update(
        status=CallStatus.CLOSED, closes_at=timezone.now() - timedelta(minutes=1)
    )


def test_page_shows_the_snapshot_not_later_changes(office, submitted):
    Proposal.objects.filter(pk=submitted.pk).update(title_zh="改动过的题目")
    page = office.get(f"/office/proposals/{submitted.pk}/")
    assert "长三角协同研究" in page.text and "改动过的题目" not in page.text
    assert submitted.reference in page.text
    assert "¥780,000.00" in page.text  # two members, ¥300,000 each plus 30% indirect


def test_eligibility_is_judged_as_at_submission(office, submitted):
    Call.objects.filter(pk=submitted.call_id).update(
        status=CallStatus.CLOSED, closes_at=submitted.submitted_at + timedelta(microseconds=1)
    )
    page = office.get(f"/office/proposals/{submitted.pk}/")
    assert page.context["violations"] == []  # the deadline has passed since, but not then
    assert "The proposal meets every rule of the call." in page.text


def test_eligibility_shows_broken_rules(office, submitted):
    Call.objects.filter(pk=submitted.call_id).update(max_direct_total=Decimal("100000"))
    page = office.get(f"/office/proposals/{submitted.pk}/")
    codes = [violation.code for violation in page.context["violations"]]
    assert codes and f'data-code="{codes[0]}"' in page.text


def test_drafts_stay_hidden_from_the_office(office, submitted):
    draft = make_proposal(submitted.call, make_user(institution="南京大学"))
    assert office.get(f"/office/proposals/{draft.pk}/").status_code == 404


def test_mark_eligible(office, officer, submitted):
    close(submitted.call)
    mail.outbox.clear()
    response = office.post(f"/office/proposals/{submitted.pk}/screen/", {"decision": "eligible"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.screening == Screening.ELIGIBLE
    entry = AuditEntry.objects.get(proposal=submitted, action="proposal.screened")
    assert entry.actor == officer
    assert (entry.before, entry.after) == ({"screening": "pending"}, {"screening": "eligible"})
    assert mail.outbox == []


def test_mark_ineligible_emails_the_reason_to_every_consortium_pi(office, submitted):
    close(submitted.call)
    mail.outbox.clear()
    response = office.post(
        f"/office/proposals/{submitted.pk}/screen/",
        {"decision": "ineligible", "reason": "The same content is funded by NSFC 62306001."},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.screening == Screening.INELIGIBLE
    assert submitted.screening_reason == "The same content is funded by NSFC 62306001."
    [message] = mail.outbox
    assert sorted(message.to) == ["lead@example.org", "partner@example.org"]
    assert submitted.reference in message.subject
    assert "NSFC 62306001" in message.body
    assert "NSFC 62306001" in message.alternatives[0][0]
    entry = AuditEntry.objects.get(proposal=submitted, action="proposal.screened")
    assert entry.note == "The same content is funded by NSFC 62306001."
    page = office.get(f"/office/proposals/{submitted.pk}/")
    assert "proposal.screened" in page.text


def test_ineligible_needs_a_reason_and_keeps_the_page(office, submitted):
    close(submitted.call)
    response = office.post(
        f"/office/proposals/{submitted.pk}/screen/", {"decision": "ineligible", "reason": "  "}
    )
    assert response.status_code == 200
    assert response.context["screening_form"].errors["reason"] == [
        "Give the reason why the proposal is ineligible."
    ]
    submitted.refresh_from_db()
    assert submitted.screening == Screening.PENDING


def test_screening_waits_for_the_call_to_close(office, submitted):
    response = office.post(
        f"/office/proposals/{submitted.pk}/screen/",
        {"decision": "ineligible", "reason": "Too early"},
    )
    assert response.status_code == 200
    assert response.context["screening_form"].non_field_errors() == [
        "Proposals are screened after the call closes and before review starts."
    ]
    submitted.refresh_from_db()
    assert submitted.screening == Screening.PENDING


def test_screening_again_with_the_same_answer_records_nothing(office, submitted):
    close(submitted.call)
    for _ in range(2):
        office.post(f"/office/proposals/{submitted.pk}/screen/", {"decision": "eligible"})
    assert AuditEntry.objects.filter(proposal=submitted, action="proposal.screened").count() == 1


def test_return_for_correction_while_open(office, submitted):
    mail.outbox.clear()
    page = office.get(f"/office/proposals/{submitted.pk}/")
    assert "Return for correction" in page.text
    response = office.post(
        f"/office/proposals/{submitted.pk}/return/", {"reason": "Attach the signed declaration."}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ProposalStatus.RETURNED
    [message] = mail.outbox
    assert "Attach the signed declaration." in message.body
    assert AuditEntry.objects.filter(proposal=submitted, action="proposal.returned").exists()


def test_return_needs_a_reason(office, submitted):
    response = office.post(f"/office/proposals/{submitted.pk}/return/", {"reason": ""})
    assert response.status_code == 200
    assert response.context["return_form"].errors["reason"] == ["This field is required."]
    submitted.refresh_from_db()
    assert submitted.status == ProposalStatus.SUBMITTED


def test_return_is_refused_once_the_call_has_closed(office, submitted):
    close(submitted.call)
    page = office.get(f"/office/proposals/{submitted.pk}/")
    assert "Return for correction" not in page.text
    response = office.post(f"/office/proposals/{submitted.pk}/return/", {"reason": "Too late"})
    assert response.status_code == 200
    assert "The call is closed" in response.context["return_form"].non_field_errors()[0]
    submitted.refresh_from_db()
    assert submitted.status == ProposalStatus.SUBMITTED


def test_proposal_audit_log_lists_its_entries(office, submitted):
    page = office.get(f"/office/proposals/{submitted.pk}/")
    actions = [entry.action for entry in page.context["audit"]]
    assert actions[0] == "proposal.submitted" and "proposal.created" in actions


def test_a_returned_proposal_is_judged_on_its_last_submission(office, officer, submitted):

    proposal_workflow.proposal_return(proposal=submitted, actor=officer, reason="Fix it.")
    Proposal.objects.filter(pk=submitted.pk).update(title_zh="正在修改的题目")
    page = office.get(f"/office/proposals/{submitted.pk}/")
    assert "长三角协同研究" in page.text and "正在修改的题目" not in page.text
    assert "Return for correction" not in page.text  # it is already back with the consortium


def test_audit_values_read_as_json(office, submitted):
    page = office.get(f"/office/proposals/{submitted.pk}/")
    assert "{&quot;status&quot;: &quot;draft&quot;}" in page.text
