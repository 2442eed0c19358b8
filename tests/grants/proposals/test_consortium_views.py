"""The consortium page keeps what the lead typed: a refused partner or invitation comes back
on the page with its error beside the field, never as a bare message after a redirect."""

import pytest

from grants.models import Institution
from grants.proposals import consortium_workflow
from tests.factories import make_call, make_proposal, make_user


@pytest.fixture
def draft(reference):
    lead = make_user(institution="复旦大学")
    partner = make_user(institution="浙江大学")
    proposal = make_proposal(make_call(), lead, partners=[partner])
    pending = consortium_workflow.member_add(
        proposal=proposal,
        actor=lead,
        institution=Institution.objects.get(name_zh="安徽大学"),
        expected_version=proposal.version,
    )
    proposal.refresh_from_db()
    return lead, proposal, pending


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"institution": ""}, "This field is required."),
        ({"institution": "999999"}, "Select a valid choice."),
        ({"institution": "浙江大学"}, "This institution is already in the consortium."),
    ],
)
def test_a_refused_partner_shows_its_error_beside_the_field(client, draft, data, message):
    lead, proposal, _pending = draft
    if data["institution"] == "浙江大学":
        data = {"institution": Institution.objects.get(name_zh="浙江大学").pk}
    client.force_login(lead)
    response = client.post(
        f"/proposals/{proposal.pk}/consortium/add/", {**data, "version": proposal.version}
    )
    assert response.status_code == 200
    page = response.text
    assert message in page
    assert 'class="error-summary"' in page
    assert 'href="#id_institution"' in page  # the summary links to the field


@pytest.mark.parametrize("email", ["not-an-address", "partner@", "a b@example.org"])
def test_a_bad_invitation_address_stays_in_the_field_with_its_error(client, draft, email):
    lead, proposal, pending = draft
    client.force_login(lead)
    response = client.post(
        f"/proposals/{proposal.pk}/consortium/{pending.pk}/invite/", {"email": email}
    )
    assert response.status_code == 200
    page = response.text
    assert f'value="{email}"' in page
    assert f'id="invite-{pending.pk}-error"' in page
    assert f'aria-describedby="invite-{pending.pk}-error"' in page
    assert f'href="#invite-{pending.pk}"' in page
    assert not pending.invitations.exists()


def test_a_good_invitation_is_sent_and_the_lead_returns_to_the_page(client, draft, mailoutbox):
    lead, proposal, pending = draft
    client.force_login(lead)
    response = client.post(
        f"/proposals/{proposal.pk}/consortium/{pending.pk}/invite/",
        {"email": "anhui.pi@example.org"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/proposals/{proposal.pk}/consortium/"
    assert pending.invitations.get().email == "anhui.pi@example.org"
    assert mailoutbox[-1].to == ["anhui.pi@example.org"]
