import pytest
from playwright.sync_api import expect

from grants.models import Role
from grants.models.decisions import Decision
from reviews.models import Assignment
from tests.e2e.conftest import (
    link_in_mail,
    reauthenticate_if_asked,
    sign_in_by_cookie,
    with_authenticator,
)
from tests.factories import make_user
from tests.reviews.factories import make_panel_call, make_review_call, make_reviewer

pytestmark = pytest.mark.e2e

OUTSIDE_THE_CONSORTIA = ["武汉大学", "北京大学", "清华大学", "山东大学", "四川大学", "南京大学"]


def test_an_officer_runs_the_assignment_publishes_it_and_commits_funding(
    page, mailoutbox, live_server
):
    review_call, proposals = make_review_call(n_proposals=2, code="2026-review")
    reviewers = [make_reviewer(institution=place) for place in OUTSIDE_THE_CONSORTIA]
    panel_call, ranked, _office = make_panel_call(code="2026-panel")
    officer = with_authenticator(make_user(roles=[Role.FUND_OFFICER], name="陈基金"))
    sign_in_by_cookie(page.context, officer, live_server.url)

    page.goto(f"/office/calls/{review_call.code}/")
    page.get_by_role("link", name="Reviewer assignment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviewer assignment")
    page.get_by_role("button", name="Compute an assignment").click()

    # The solver ran as a task; the officer is told by e-mail and the page shows the preview.
    expect(page.get_by_role("status")).to_contain_text("The assignment is being computed")
    assert link_in_mail(mailoutbox, officer.email, "/assignment/").startswith(live_server.url)
    expect(page.locator("#run")).to_contain_text("Ready to review")
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    for proposal in proposals:
        row = page.locator("tbody tr", has_text=proposal.reference)
        expect(row.get_by_role("listitem")).to_have_count(3)
    assert not Assignment.objects.filter(call=review_call).exists()

    page.get_by_role("button", name="Publish and invite the reviewers").click()
    reauthenticate_if_asked(page)
    expect(page.get_by_role("status")).to_contain_text("have been invited by e-mail")
    expect(page.locator("#run")).to_contain_text("Published")
    assert Assignment.objects.filter(call=review_call).count() == 6
    invited = {address for message in mailoutbox for address in message.to}
    assert invited & {reviewer.email for reviewer in reviewers}

    page.goto(f"/office/calls/{panel_call.code}/")
    page.get_by_role("link", name="Funding", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Funding down the ranking: simulation"
    )
    for proposal in ranked:
        expect(page.locator(f"tr[data-proposal='{proposal.pk}']")).to_contain_text("funded")
    page.get_by_role("button", name="Commit this funding").click()
    reauthenticate_if_asked(page)

    expect(page.get_by_role("status")).to_contain_text("Funding committed.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding decisions")
    expect(page.get_by_role("main")).to_contain_text("Committed by 陈基金")
    for proposal in ranked:
        expect(page.locator("tbody tr", has_text=proposal.reference)).to_be_visible()
    assert Decision.objects.filter(round__call=panel_call).count() == len(ranked)
