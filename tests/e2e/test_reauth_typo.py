"""A mistyped password on the re-authentication page costs one more try, never the action."""

import pytest
from playwright.sync_api import expect

from grants.models import Role
from reviews import workflow
from reviews.models import AssignmentRun
from tests.e2e.conftest import sign_in_by_cookie, submit, with_authenticator
from tests.factories import PASSWORD, make_user
from tests.reviews.factories import make_review_call, make_reviewer

pytestmark = pytest.mark.e2e


def test_publish_goes_ahead_after_a_mistyped_password(
    page, live_server, django_capture_on_commit_callbacks
):
    call, _ = make_review_call(n_proposals=1)
    for place in ["武汉大学", "北京大学", "清华大学"]:
        make_reviewer(institution=place)
    officer = with_authenticator(make_user(roles=[Role.FUND_OFFICER]))
    with django_capture_on_commit_callbacks(execute=True):
        run = workflow.run_start(call=call, actor=officer)
    sign_in_by_cookie(page.context, officer, live_server.url)
    page.goto(f"/office/calls/{call.code}/assignment/")
    page.get_by_role("button", name="Publish and invite the reviewers").click()

    page.locator("main input[name=password]").fill("not-the-password")
    submit(page)
    expect(page.locator("main")).to_contain_text("Incorrect password.")
    page.locator("main input[name=password]").fill(PASSWORD)
    submit(page)

    expect(page.get_by_role("status")).to_contain_text("have been invited by e-mail")
    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.PUBLISHED
