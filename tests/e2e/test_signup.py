import re

import pytest
from playwright.sync_api import expect

from grants.models import Institution
from tests.e2e.conftest import link_in_mail

pytestmark = pytest.mark.e2e


def test_sign_up_verify_the_address_complete_the_profile_and_reach_the_dashboard(
    page, mailoutbox, live_server
):
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign Up")
    page.get_by_label("Email").fill("wei.zhang@example.org")
    page.get_by_label("Password:", exact=True).fill("delta-research-2026")
    page.get_by_label("Password (again)").fill("delta-research-2026")
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    link = link_in_mail(mailoutbox, "wei.zhang@example.org", "/accounts/confirm-email/")
    assert link.startswith(live_server.url)

    page.goto(link)
    expect(page.get_by_text("wei.zhang@example.org")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()

    # Signed in by the confirmation, but nothing else opens before the profile is complete.
    expect(page).to_have_url(re.compile(r"/profile/\?next=%2Fdashboard%2F$"))
    expect(page.get_by_text("Before you continue")).to_be_visible()
    page.get_by_role("link", name="Calls").first.click()
    expect(page).to_have_url(re.compile(r"/profile/\?next=%2Fcalls%2F$"))

    page.get_by_label("Full name").fill("张伟")
    fudan = Institution.objects.get(name_zh="复旦大学")
    page.get_by_label("Institution", exact=True).select_option(str(fudan.pk))
    page.get_by_label("Title", exact=True).select_option("professor")
    page.get_by_label("Keywords").fill("machine learning, vision")
    page.get_by_role("button", name="Save profile").click()

    expect(page).to_have_url(f"{live_server.url}/calls/")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, 张伟")
    expect(page.get_by_text("Fudan University")).to_be_visible()
