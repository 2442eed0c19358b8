"""Once submitted, a proposal's edit, budget and consortium pages are read-only: no field, no
Save, Submit, Remove or Add, only what the consortium may still do; a form posted anyway is
refused by the server. Returned for correction, the proposal is editable again."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from grants.models import BudgetLine, ConsortiumMember, Invitation, Role
from grants.proposals import consortium_workflow, proposal_workflow
from tests.factories import make_call, make_proposal, make_user
from tests.grants.proposals.test_budget_views import grid
from tests.grants.proposals.test_proposal_edit import form_data

CONTROL = re.compile(r"<(input|textarea|select|button)\b[^>]*>", re.S)
FORM = re.compile(r"<form\b[^>]*>", re.S)


def main_of(response):
    """The page's own content, without the layout's language and sign-out forms."""
    return re.search(r"<main\b.*?</main>", response.text, re.S).group(0)


def controls(response):
    """Every form and visible control of the page's content (CSRF tokens left out)."""
    main = main_of(response)
    found = FORM.findall(main)
    found += [
        match.group(0)
        for match in CONTROL.finditer(main)
        if 'name="csrfmiddlewaretoken"' not in match.group(0)
    ]
    return found


@pytest.fixture
def submitted(reference):
    lead = make_user(institution="复旦大学")
    partner = make_user(institution="浙江大学")
    proposal = make_proposal(make_call(), lead, partners=[partner], submit=True)
    return lead, partner, proposal


def only_the_withdraw_form(found, proposal):
    assert found == [
        f'<form method="post" action="/proposals/{proposal.pk}/withdraw/">',
        '<button type="submit" class="button button-danger">',
    ]


def test_the_edit_page_of_a_submitted_proposal_is_the_read_only_page(client, submitted):
    lead, _, proposal = submitted
    client.force_login(lead)
    response = client.get(f"/proposals/{proposal.pk}/edit/", follow=True)
    assert response.redirect_chain == [(f"/proposals/{proposal.pk}/", 302)]
    assert "长三角协同研究" in response.text and "frozen for review" in response.text
    assert "Save draft" not in response.text and "Submit proposal" not in response.text
    only_the_withdraw_form(controls(response), proposal)


def test_the_partner_reads_a_submitted_proposal_without_any_control(client, submitted):
    _, partner, proposal = submitted
    client.force_login(partner)
    response = client.get(f"/proposals/{proposal.pk}/")
    assert "frozen for review" in response.text
    assert controls(response) == []


def test_after_the_deadline_nothing_is_left_to_do_on_a_submitted_proposal(client, submitted):
    lead, _, proposal = submitted
    proposal.call.closes_at = proposal.call.opens_at + timedelta(seconds=1)
    proposal.call.save()
    client.force_login(lead)
    response = client.get(f"/proposals/{proposal.pk}/edit/", follow=True)
    assert controls(response) == []


@pytest.mark.parametrize("who", ["lead", "partner"])
def test_the_consortium_page_of_a_submitted_proposal_has_no_control(client, submitted, who):
    lead, partner, proposal = submitted
    client.force_login(lead if who == "lead" else partner)
    response = client.get(f"/proposals/{proposal.pk}/consortium/")
    assert response.status_code == 200
    assert "can no longer be changed" in response.text
    assert "Remove" not in main_of(response) and "Add partner" not in main_of(response)
    assert controls(response) == []


@pytest.mark.parametrize("who", ["lead", "partner"])
def test_the_budget_page_of_a_submitted_proposal_has_no_edit_link(client, submitted, who):
    lead, partner, proposal = submitted
    client.force_login(lead if who == "lead" else partner)
    response = client.get(f"/proposals/{proposal.pk}/budget/")
    assert "can no longer be changed" in response.text
    assert f"/proposals/{proposal.pk}/budget/" not in re.sub(
        r'href="/proposals/\d+/budget/" aria-current', "", main_of(response)
    )
    assert controls(response) == []


def test_the_budget_grid_of_a_submitted_proposal_leads_to_the_read_only_budget(client, submitted):
    _, partner, proposal = submitted
    member = proposal.members.get(pi=partner)
    client.force_login(partner)
    response = client.get(f"/proposals/{proposal.pk}/budget/{member.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/proposals/{proposal.pk}/budget/"


def test_a_draft_save_posted_to_a_submitted_proposal_is_refused(client, submitted):
    lead, _, proposal = submitted
    client.force_login(lead)
    response = client.post(
        f"/proposals/{proposal.pk}/edit/", form_data(proposal, title_zh="提交后输入")
    )
    assert response.status_code == 200
    assert "can no longer be edited" in response.text
    assert 'value="提交后输入"' in response.text  # kept to copy, not saved
    assert "Save draft" not in response.text and "Submit proposal" not in response.text
    proposal.refresh_from_db()
    assert proposal.title_zh == "长三角协同研究"


def test_a_budget_posted_to_a_submitted_proposal_is_refused(client, submitted):
    _, partner, proposal = submitted
    member = proposal.members.get(pi=partner)
    client.force_login(partner)
    before = sorted(member.budget_lines.values_list("category", "year", "amount"))
    response = client.post(
        f"/proposals/{proposal.pk}/budget/{member.pk}/",
        {**grid(operations_1="1"), "digest": consortium_workflow.lines_digest(member)},
        follow=True,
    )
    assert response.redirect_chain == [(f"/proposals/{proposal.pk}/budget/", 302)]
    assert "can no longer be edited" in response.text
    assert "not valid yet" not in response.text
    assert sorted(member.budget_lines.values_list("category", "year", "amount")) == before
    assert BudgetLine.objects.filter(amount=Decimal("1")).count() == 0


def test_consortium_changes_posted_to_a_submitted_proposal_are_refused(client, submitted):
    lead, partner, proposal = submitted
    client.force_login(lead)
    members_before = ConsortiumMember.objects.filter(proposal=proposal).count()
    anhui = make_user(institution="安徽大学").institution
    response = client.post(
        f"/proposals/{proposal.pk}/consortium/add/",
        {"institution": anhui.pk, "version": proposal.version},
        follow=True,
    )
    assert response.redirect_chain == [(f"/proposals/{proposal.pk}/consortium/", 302)]
    assert "can no longer be edited" in response.text
    partner_member = proposal.members.get(pi=partner)
    invited = client.post(
        f"/proposals/{proposal.pk}/consortium/{partner_member.pk}/invite/",
        {"email": "someone@example.org"},
    )
    revoked = client.post(
        f"/proposals/{proposal.pk}/consortium/{partner_member.pk}/revoke/",
        {"version": proposal.version},
    )
    assert invited.status_code == revoked.status_code == 302
    assert ConsortiumMember.objects.filter(proposal=proposal).count() == members_before
    assert not Invitation.objects.filter(email="someone@example.org").exists()
    partner_member.refresh_from_db()
    assert partner_member.status == "accepted"


def test_a_proposal_returned_for_correction_is_editable_again(client, submitted):
    lead, partner, proposal = submitted
    proposal_workflow.proposal_return(
        proposal=proposal, actor=make_user(roles=[Role.FUND_OFFICER]), reason="预算说明不完整"
    )
    client.force_login(lead)
    assert client.get(f"/proposals/{proposal.pk}/")["Location"] == f"/proposals/{proposal.pk}/edit/"
    edit = client.get(f"/proposals/{proposal.pk}/edit/")
    assert "Save draft" in edit.text and "Submit proposal" in edit.text
    assert "Returned for correction by the fund office" in edit.text
    assert "预算说明不完整" in edit.text  # the office's reason, where the lead answers it
    consortium = client.get(f"/proposals/{proposal.pk}/consortium/")
    assert "Add partner" in consortium.text and "can no longer be changed" not in consortium.text
    response = client.post(
        f"/proposals/{proposal.pk}/edit/", form_data(proposal, title_zh="更正后的题目")
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title_zh == "更正后的题目"
    client.force_login(partner)
    member = proposal.members.get(pi=partner)
    assert client.get(f"/proposals/{proposal.pk}/budget/{member.pk}/").status_code == 200
