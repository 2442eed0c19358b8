"""Starting a proposal from the call page and discarding a draft (grants.proposals.views.drafts)."""

import pytest

from grants.accounts.permissions import office_proposals_for
from grants.models import AuditEntry, Proposal, ProposalStatus, Role
from tests.factories import make_call, make_proposal, make_user


@pytest.fixture
def call(reference):
    return make_call()


@pytest.fixture
def draft(call):
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    return lead, partner, make_proposal(call, lead, partners=[partner])


def test_starting_twice_opens_the_same_draft(client, call):
    lead = make_user(institution="复旦大学")
    client.force_login(lead)
    first = client.post(f"/calls/{call.code}/apply/")
    second = client.post(f"/calls/{call.code}/apply/", follow=True)
    proposal = Proposal.objects.get(call=call, lead=lead)
    assert first.url == f"/proposals/{proposal.pk}/edit/"
    assert second.redirect_chain == [(f"/proposals/{proposal.pk}/edit/", 302)]
    assert "You already have a draft in this call: here it is." in second.text


def test_starting_another_makes_a_second_draft(client, call):
    lead = make_user(institution="复旦大学")
    client.force_login(lead)
    client.post(f"/calls/{call.code}/apply/")
    client.post(f"/calls/{call.code}/apply/", {"another": "1"})
    assert Proposal.objects.filter(call=call, lead=lead).count() == 2


def test_call_page_offers_the_existing_draft_and_another_start(client, draft, call):
    lead, _partner, proposal = draft
    client.force_login(lead)
    page = client.get(f"/calls/{call.code}/")
    assert f'href="/proposals/{proposal.pk}/edit/"' in page.text
    assert 'name="another" value="1"' in page.text


def test_discard_asks_for_confirmation_naming_the_partners(client, draft):
    lead, partner, proposal = draft
    client.force_login(lead)
    page = client.get(f"/proposals/{proposal.pk}/discard/")
    assert page.status_code == 200
    assert "Discard this draft?" in page.text and partner.name in page.text
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT


def test_edit_page_links_to_the_discard_confirmation(client, draft):
    lead, _partner, proposal = draft
    client.force_login(lead)
    page = client.get(f"/proposals/{proposal.pk}/edit/")
    assert f'href="/proposals/{proposal.pk}/discard/"' in page.text


def test_discarding_removes_the_draft_from_every_page(client, draft):
    lead, partner, proposal = draft
    client.force_login(lead)
    response = client.post(f"/proposals/{proposal.pk}/discard/")
    assert response.status_code == 302 and response.url == "/dashboard/"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISCARDED
    assert AuditEntry.objects.filter(proposal=proposal, action="proposal.discarded").count() == 1
    assert f"/proposals/{proposal.pk}/" not in client.get("/dashboard/").text
    assert client.get(f"/proposals/{proposal.pk}/edit/").status_code == 404
    client.force_login(partner)
    assert f"/proposals/{proposal.pk}/" not in client.get("/dashboard/").text
    assert client.get(f"/proposals/{proposal.pk}/").status_code == 404
    officer = make_user(roles=[Role.FUND_OFFICER])
    assert not office_proposals_for(officer).filter(pk=proposal.pk).exists()


def test_a_submitted_proposal_cannot_be_discarded(client, call):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(call, lead, partners=[make_user(institution="浙江大学")], submit=True)
    client.force_login(lead)
    response = client.post(f"/proposals/{proposal.pk}/discard/", follow=True)
    assert response.redirect_chain[-1][0] == f"/proposals/{proposal.pk}/"
    assert "Only a draft that was never submitted can be discarded." in response.text
    assert f'href="/proposals/{proposal.pk}/discard/"' not in response.text
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_a_partner_cannot_discard_the_leads_draft(client, draft):
    _lead, partner, proposal = draft
    client.force_login(partner)
    assert client.post(f"/proposals/{proposal.pk}/discard/").status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
