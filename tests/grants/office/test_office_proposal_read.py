"""A provincial officer's page of a proposal their province takes part in: the snapshot, the
consortium, the budget by province and their province's funding outcome, read-only and
without anything that names a reviewer."""

import pytest

from grants.funding import decisions, outcomes
from grants.models import Proposal, Role
from grants.proposals import proposal_workflow
from reviews.models import Assignment
from tests.factories import make_call, make_proposal, make_user
from tests.reviews.factories import make_panel_call
from tests.test_reviewer_anonymity import flat


@pytest.fixture
def shanghai(client, reference):
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"))
    return client


@pytest.fixture
def submitted(reference):
    lead = make_user(institution="复旦大学")
    partner = make_user(institution="浙江大学")
    return make_proposal(make_call("read-me"), lead, partners=[partner], submit=True)


def test_shows_the_snapshot_consortium_and_budget_by_province(shanghai, submitted):
    Proposal.objects.filter(pk=submitted.pk).update(title_zh="改动过的题目")
    page = shanghai.get(f"/office/proposals/{submitted.pk}/")
    assert page.status_code == 200
    assert "长三角协同研究" in page.text and "改动过的题目" not in page.text
    assert "复旦大学" in page.text and "浙江大学" in page.text
    assert 'data-province="310000"' in page.text and 'data-province="330000"' in page.text
    assert "¥780,000.00" in page.text
    assert "No funding decision yet." in page.text


def test_is_read_only_with_no_audit_log(shanghai, submitted):
    page = shanghai.get(f"/office/proposals/{submitted.pk}/")
    assert 'id="screening"' not in page.text and 'id="return"' not in page.text
    assert 'id="audit"' not in page.text
    assert f"/office/proposals/{submitted.pk}/screen/" not in page.text


def test_screening_stays_with_the_fund_office(shanghai, submitted):
    response = shanghai.post(f"/office/proposals/{submitted.pk}/screen/", {"decision": "eligible"})
    assert response.status_code == 403


def test_another_province_gets_404(client, submitted):
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="340000"))
    assert client.get(f"/office/proposals/{submitted.pk}/").status_code == 404


def test_the_province_list_links_to_the_page(shanghai, submitted):
    page = shanghai.get(f"/office/calls/{submitted.call.code}/proposals/")
    assert f'href="/office/proposals/{submitted.pk}/"' in page.text


def test_shows_the_funding_outcome_and_own_share_and_never_a_reviewer(client, reference):
    call, proposals, officer = make_panel_call(provincial_confirmation_required=False)
    reviewers = {a.reviewer for a in Assignment.objects.filter(call=call)}
    for number, reviewer in enumerate(reviewers):
        reviewer.name = f"隐名评审专家{'甲乙丙丁'[number]}"
        reviewer.save(update_fields=["name"])
    decisions.funding_commit(call=call, actor=officer)
    outcomes.call_decide(call=call, actor=officer)
    secrets = {r.name for r in reviewers} | {r.email for r in reviewers}
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="330000"))
    for proposal in proposals:
        page = client.get(f"/office/proposals/{proposal.pk}/")
        assert page.status_code == 200
        assert 'id="outcome"' in page.text
        shown = flat(page.content.decode())
        assert not [secret for secret in secrets if flat(secret) in shown]
    funded = proposals[0].decision
    share = funded.shares.get(province_id="330000")
    page = client.get(f"/office/proposals/{proposals[0].pk}/")
    assert funded.get_outcome_display() in page.text
    assert f"¥{share.received:,}" in page.text


def pdf_text(response):
    import io

    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_pdf_of_a_returned_proposal_is_the_one_submitted_not_the_corrections(
    shanghai, submitted
):
    office = make_user(roles=[Role.FUND_OFFICER])
    proposal_workflow.proposal_return(
        proposal=submitted, actor=office, reason="Please fix the budget."
    )
    Proposal.objects.filter(pk=submitted.pk).update(title_en="Corrections not yet submitted")

    officer_copy = pdf_text(shanghai.get(f"/proposals/{submitted.pk}/pdf/"))
    shanghai.force_login(submitted.lead)
    consortium_copy = pdf_text(shanghai.get(f"/proposals/{submitted.pk}/pdf/"))

    assert "Corrections not yet submitted" not in officer_copy
    assert submitted.title_en in officer_copy
    assert "Corrections not yet submitted" in consortium_copy
