"""Who reads a proposal through get_proposal: exactly those proposals_for lets read, for every
kind of reader, with the one proposal read in a compiled query."""

import pytest
from django.http import Http404

from grants.accounts.permissions import (
    get_office_proposal,
    get_proposal,
    office_proposals_for,
    proposals_for,
)
from grants.models import Role
from tests.factories import make_call, make_proposal, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(reference):
    call = make_call()
    lead = make_user(institution="复旦大学")
    partner = make_user(institution="浙江大学")
    draft = make_proposal(call, lead, partners=[partner])
    other_lead = make_user(institution="南京大学")
    sent = make_proposal(call, other_lead, partners=[make_user(institution="中国科学技术大学")])
    sent.status = "submitted"
    sent.save(update_fields=["status"])
    return {"lead": lead, "partner": partner, "other lead": other_lead}, [draft, sent]


READERS = {
    "lead": lambda people: people["lead"],
    "partner": lambda people: people["partner"],
    "other lead": lambda people: people["other lead"],
    "stranger": lambda people: make_user(institution="复旦大学"),
    "fund officer": lambda people: make_user(roles=[Role.FUND_OFFICER]),
    "Jiangsu officer": lambda people: make_user(roles=[Role.PROVINCIAL_OFFICER], province="320000"),
    "Shanghai officer": lambda people: make_user(
        roles=[Role.PROVINCIAL_OFFICER], province="310000"
    ),
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_reader_gets_exactly_the_proposals_the_rule_lets_them_read(proposals, reader):
    people, made = proposals
    user = READERS[reader](people)
    allowed = set(proposals_for(user).values_list("pk", flat=True))
    for proposal in made:
        if proposal.pk in allowed:
            read = get_proposal(user, proposal.pk)
            assert (read.pk, read.call.code, read.lead_id) == (
                proposal.pk,
                proposal.call.code,
                proposal.lead_id,
            )
        else:
            with pytest.raises(Http404):
                get_proposal(user, proposal.pk)


def test_the_rule_itself_on_the_fixture(proposals):
    people, (draft, sent) = proposals
    assert set(proposals_for(people["partner"]).values_list("pk", flat=True)) == {draft.pk}
    officer = make_user(roles=[Role.FUND_OFFICER])
    assert set(proposals_for(officer).values_list("pk", flat=True)) == {sent.pk}


@pytest.mark.parametrize("pk", [0, -1, 2**63, 10**30, "x"])
def test_keys_no_proposal_can_have_are_not_found(proposals, pk):
    people, _ = proposals
    with pytest.raises(Http404):
        get_proposal(people["lead"], pk)


def test_a_huge_key_in_the_address_is_not_found(client, proposals):
    people, _ = proposals
    client.force_login(people["lead"])
    assert client.get(f"/proposals/{10**30}/").status_code == 404


OFFICERS = {
    "fund officer": lambda: make_user(roles=[Role.FUND_OFFICER]),
    "Jiangsu officer": lambda: make_user(roles=[Role.PROVINCIAL_OFFICER], province="320000"),
    "Shanghai officer": lambda: make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"),
}


@pytest.mark.parametrize("officer", sorted(OFFICERS))
def test_an_officer_gets_exactly_the_proposals_the_office_rule_lets_them_read(proposals, officer):
    _, made = proposals
    user = OFFICERS[officer]()
    allowed = set(office_proposals_for(user).values_list("pk", flat=True))
    assert allowed <= {made[1].pk}
    for proposal in made:
        if proposal.pk in allowed:
            assert get_office_proposal(user, proposal.pk).lead_id == proposal.lead_id
        else:
            with pytest.raises(Http404):
                get_office_proposal(user, proposal.pk)
    assert (made[1].pk in allowed) == (officer != "Shanghai officer")
