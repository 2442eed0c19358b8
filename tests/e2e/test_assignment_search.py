"""The assignment page's reviewer search: live results with JavaScript, a plain form without."""

import pytest
from playwright.sync_api import expect

from grants.models import Role
from tests.e2e.conftest import sign_in_by_cookie, with_authenticator
from tests.factories import make_user
from tests.reviews.factories import make_assignment, make_review_call, make_reviewer

pytestmark = pytest.mark.e2e


@pytest.fixture
def published_call():
    call, proposals = make_review_call(n_proposals=1, code="2026-search")
    make_assignment(proposals[0], make_reviewer(institution="武汉大学", name="王审"))
    make_reviewer(institution="北京大学", name="李新审")
    return call, proposals[0]


def invite_by_search(page, press_search):
    search = page.get_by_label("Reviewer: name, institution or discipline code")
    search.fill("北京")
    if press_search:
        page.get_by_role("button", name="Search").click()
    page.get_by_role("radio", name="李新审", exact=False).check()
    page.get_by_role("button", name="Invite now").click()
    expect(page.get_by_role("status")).to_contain_text("has been invited to review")


def test_results_come_as_the_officer_types(page, live_server, published_call):
    call, proposal = published_call
    officer = with_authenticator(make_user(roles=[Role.FUND_OFFICER]))
    sign_in_by_cookie(page.context, officer, live_server.url)
    page.goto(f"/office/calls/{call.code}/assignment/")
    invite_by_search(page, press_search=False)
    assert proposal.assignments.filter(reviewer__name="李新审").exists()


def test_without_javascript_the_search_is_a_plain_form(browser, live_server, published_call):
    call, proposal = published_call
    officer = with_authenticator(make_user(roles=[Role.FUND_OFFICER]))
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in_by_cookie(context, officer, live_server.url)
        page.goto(f"/office/calls/{call.code}/assignment/")
        invite_by_search(page, press_search=True)
    finally:
        context.close()
    assert proposal.assignments.filter(reviewer__name="李新审").exists()
