"""The consortium learns its funding decision on its dashboard and its proposal's page, with
the letter and the evaluation summary, once the call is decided (and not before)."""

import re

import pytest

from grants.funding import decisions, outcomes
from grants.models import Proposal
from tests.factories import make_user
from tests.reviews.factories import make_panel_call

# Each proposal asks ¥390,000 from Shanghai and ¥390,000 from Zhejiang (tests.factories);
# Zhejiang's ¥800,000 funds the first two, the third waits on the reserve list.
POOLS = {"310000": 2_000_000, "320000": 1_000_000, "330000": 800_000, "340000": 1_000_000}


@pytest.fixture
def committed(reference):
    call, proposals, officer = make_panel_call(
        contributions=POOLS, provincial_confirmation_required=False
    )
    decisions.funding_commit(call=call, actor=officer)
    return call, proposals, officer


@pytest.fixture
def decided(committed):
    call, proposals, officer = committed
    outcomes.call_decide(call=call, actor=officer)
    return proposals


def dashboard_item(client, proposal):
    response = client.get("/dashboard/")
    (section,) = [s for s in response.context["sections"] if s.role == "applicant"]
    (item,) = [i for i in section.items if i.url == f"/proposals/{proposal.pk}/"]
    return response, item


def test_a_committed_but_undecided_round_says_nothing_yet(client, committed):
    _, proposals, _ = committed
    funded = proposals[0]
    client.force_login(funded.lead)
    page = client.get(f"/proposals/{funded.pk}/")
    assert 'id="decision"' not in page.text
    assert f"/proposals/{funded.pk}/letter/" not in page.text
    response, item = dashboard_item(client, funded)
    assert item.note.startswith("Submitted") and item.links == []
    assert f"/proposals/{funded.pk}/letter/" not in response.text


def test_the_lead_sees_the_award_and_its_letters_on_the_proposal_page(client, decided):
    funded = decided[0]
    client.force_login(funded.lead)
    page = client.get(f"/proposals/{funded.pk}/")
    assert page.status_code == 200
    assert '<span class="badge">Funded</span>' in page.text
    assert "Funding decision" in page.text and "¥780,000.00" in page.text
    assert f'href="/proposals/{funded.pk}/letter/">Award letter</a>' in page.text
    assert f'href="/proposals/{funded.pk}/evaluation/">Evaluation summary</a>' in page.text
    for url in (f"/proposals/{funded.pk}/letter/", f"/proposals/{funded.pk}/evaluation/"):
        assert client.get(url)["Content-Type"] == "application/pdf"


def test_the_partner_sees_the_outcome_and_letters_on_the_dashboard(client, decided):
    funded = decided[0]
    partner = funded.members.get(is_lead=False).pi
    client.force_login(partner)
    response, item = dashboard_item(client, funded)
    assert item.note.startswith("Funded · ")
    assert item.links == [
        ("Award letter", f"/proposals/{funded.pk}/letter/"),
        ("Evaluation summary", f"/proposals/{funded.pk}/evaluation/"),
    ]
    assert f'<a href="/proposals/{funded.pk}/letter/">Award letter</a>' in response.text
    assert "Submitted ·" not in response.text


def test_a_reserve_proposal_shows_its_place_and_the_decision_letter(client, decided):
    reserve = decided[2]
    client.force_login(reserve.lead)
    page = client.get(f"/proposals/{reserve.pk}/")
    assert '<span class="badge">Reserve list</span>' in page.text
    assert f'href="/proposals/{reserve.pk}/letter/">Decision letter</a>' in page.text
    assert "Awarded" not in page.text
    _, item = dashboard_item(client, reserve)
    assert item.note.startswith("Reserve list · ")
    assert item.links[0] == ("Decision letter", f"/proposals/{reserve.pk}/letter/")


def test_a_proposal_not_funded_says_why_on_its_page_and_the_dashboard(client, reference):
    call, proposals, officer = make_panel_call(
        contributions=POOLS, provincial_confirmation_required=False
    )
    short = proposals[1]
    short.refresh_from_db()
    result = {**short.review_result, "fundable": False, "reasons": ["too_few_reviews"]}
    Proposal.objects.filter(pk=short.pk).update(review_fundable=False, review_result=result)
    decisions.funding_commit(call=call, actor=officer)
    outcomes.call_decide(call=call, actor=officer)

    client.force_login(short.lead)
    page = client.get(f"/proposals/{short.pk}/")
    assert "<dd>Not funded: too few valid reviews</dd>" in page.text
    _, item = dashboard_item(client, short)
    assert item.note.startswith("Not funded: too few valid reviews · ")


def test_the_applicants_pages_never_name_a_reviewer(client, decided):
    for proposal in decided:
        client.force_login(proposal.lead)
        texts = client.get(f"/proposals/{proposal.pk}/").text + client.get("/dashboard/").text
        for assignment in proposal.assignments.select_related("reviewer"):
            assert not re.search(rf"\b{re.escape(assignment.reviewer.name)}\b", texts)
            assert assignment.reviewer.email not in texts


def test_an_outsider_gets_no_decision_on_the_page(client, decided):
    client.force_login(make_user(institution="南京大学"))
    assert client.get(f"/proposals/{decided[0].pk}/").status_code == 404
