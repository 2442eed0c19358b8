"""The draw's page and its four forms, posted through their views, and the funding page
showing the group, the seed, the witness and the result."""

import pytest

from grants.funding import decisions, draws
from grants.models import AuditEntry
from grants.models.decisions import FundingDraw, FundingRound
from tests.factories import PASSWORD, sign_in
from tests.grants.funding.draw_setup import make_draw_call, seed_putting_first, witness_officer


@pytest.fixture
def draw_call(reference):
    return make_draw_call()


def url(call, step=""):
    return f"/office/calls/{call.code}/funding/draw/{step}"


def test_an_officer_fixes_a_typed_seed(client, draw_call):
    call, _, officer = draw_call
    client.force_login(officer)
    response = client.post(url(call, "seed/"), {"seed": "20260915"})
    assert response.status_code == 302
    assert FundingDraw.objects.get(call=call).seed == "20260915"


def test_an_officer_records_a_fund_officer_as_witness(client, draw_call):
    call, _, officer = draw_call
    draws.draw_seed_fix(call=call, actor=officer, seed="s")
    witness = witness_officer()
    client.force_login(officer)
    response = client.post(url(call, "witness/"), {"witness": witness.pk})
    assert response.status_code == 302
    assert FundingDraw.objects.get(call=call).witness == witness


def test_the_witness_form_keeps_what_was_typed_next_to_its_error(client, draw_call):
    call, _, officer = draw_call
    draws.draw_seed_fix(call=call, actor=officer, seed="s")
    client.force_login(officer)
    response = client.post(
        url(call, "witness/"), {"witness": witness_officer().pk, "witness_name": "张公证"}
    )
    assert response.status_code == 200
    assert "one of the two" in response.content.decode()
    assert 'value="张公证"' in response.content.decode()
    assert FundingDraw.objects.get(call=call).witnessed_at is None


def test_an_officer_holds_the_draw_and_the_pages_show_it(client, draw_call):
    call, (_, second, third), officer = draw_call
    draws.draw_seed_fix(call=call, actor=officer, seed=seed_putting_first(third, [second, third]))
    draws.draw_witness_record(call=call, actor=officer, witness_name="张公证 东方公证处")
    client.force_login(officer)
    response = client.post(url(call, "run/"))
    assert response.status_code == 302
    assert FundingDraw.objects.get(call=call).order == [third.pk, second.pk]
    for page in (url(call), f"/office/calls/{call.code}/funding/"):
        text = client.get(page).content.decode()
        assert FundingDraw.objects.get(call=call).seed in text
        assert "张公证 东方公证处" in text
        assert third.reference in text and second.reference in text
        assert "funded by the draw" in text and "not drawn" in text


def test_running_again_is_refused_with_a_message(client, draw_call):
    call, _, officer = draw_call
    draws.draw_seed_fix(call=call, actor=officer, seed="s")
    draws.draw_witness_record(call=call, actor=officer, witness_name="张公证")
    draws.draw_run(call=call, actor=officer)
    client.force_login(officer)
    response = client.post(url(call, "run/"), follow=True)
    assert "never run again" in response.content.decode()
    assert AuditEntry.objects.filter(action="funding.draw_run").count() == 1


def test_an_officer_annuls_the_draw_with_a_reason(client, draw_call):
    call, _, officer = draw_call
    draws.draw_seed_fix(call=call, actor=officer, seed="s")
    client.force_login(officer)
    response = client.post(url(call, "annul/"), {"reason": "种子公布前泄露"})
    assert response.status_code == 302
    assert FundingDraw.objects.get(call=call).annul_reason == "种子公布前泄露"
    assert "种子公布前泄露" in client.get(url(call)).content.decode()


def test_annulling_without_a_reason_shows_the_form_again(client, draw_call):
    call, _, officer = draw_call
    draws.draw_seed_fix(call=call, actor=officer, seed="s")
    client.force_login(officer)
    response = client.post(url(call, "annul/"), {"reason": ""})
    assert response.status_code == 200
    assert FundingDraw.objects.get(call=call).annulled_at is None


def test_the_committed_funding_page_shows_the_draw_it_followed(client, draw_call):
    call, (_, second, third), officer = draw_call
    draws.draw_seed_fix(call=call, actor=officer, seed=seed_putting_first(third, [second, third]))
    draws.draw_witness_record(call=call, actor=officer, witness_name="张公证")
    draws.draw_run(call=call, actor=officer)
    decisions.funding_commit(call=call, actor=officer)
    client.force_login(officer)
    text = client.get(f"/office/calls/{call.code}/funding/").content.decode()
    assert "Funding decisions" in text and "张公证" in text
    assert text.count("funded by the draw") == 1 and text.count("not drawn") == 1
    # Once funding is committed the draw stands: no form to annul it.
    assert "Annul the draw" not in client.get(url(call)).content.decode()


def test_the_page_of_a_call_that_does_not_draw_offers_no_step_of_a_draw(client, draw_call):
    call, _, officer = draw_call
    call.draw_at_funding_line = False
    call.save(update_fields=["draw_at_funding_line"])
    client.force_login(officer)
    page = client.get(url(call)).content.decode()
    assert "does not draw at the funding line" in page
    assert url(call, "seed/") not in page
    assert "No seed is fixed yet" not in page


def test_the_simulation_page_says_the_draw_comes_before_committing(client, draw_call):
    call, (_, second, third), officer = draw_call
    client.force_login(officer)
    page = client.get(f"/office/calls/{call.code}/funding/").content.decode()
    assert 'id="draw-refusal"' in page and "hold the draw before committing" in page
    assert "Commit this funding" not in page
    draws.draw_seed_fix(call=call, actor=officer, seed=seed_putting_first(third, [second, third]))
    draws.draw_witness_record(call=call, actor=officer, witness_name="张公证")
    draws.draw_run(call=call, actor=officer)
    page = client.get(f"/office/calls/{call.code}/funding/").content.decode()
    assert 'id="draw-refusal"' not in page and "Commit this funding" in page


def test_posting_the_commit_before_the_draw_commits_nothing_and_says_why(client, draw_call):
    call, _, officer = draw_call
    sign_in(client, officer.email)
    url_commit = f"/office/calls/{call.code}/funding/commit/"
    reauthenticate = client.post(url_commit)["Location"]
    response = client.post(reauthenticate, {"password": PASSWORD}, follow=True)
    assert not FundingRound.objects.filter(call=call).exists()
    assert "hold the draw before committing" in response.content.decode()
