"""axe-core on every page of the journeys, as each role sees it, on a phone and on a desktop, and
on the forms re-shown with errors: no serious or critical violation (WCAG 2 A and AA: labels,
names, contrast, landmarks, focusable scrolling regions...)."""

import pytest

from grants.models import Role
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    describe_violations,
    sign_in_by_cookie,
    with_authenticator,
)
from tests.e2e.test_layout import scenario
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e


def press(page, button):
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name=button, exact=True).click()


def wrong_password(page):
    page.locator("input[name=login]").fill("nobody@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    press(page, "Sign In")


def unmatched_passwords(page):
    page.locator("input[name=email]").fill("wei.zhang@example.org")
    page.locator("input[name=password1]").fill("delta-research-2026")
    page.locator("input[name=password2]").fill("delta-research-2027")
    press(page, "Sign Up")


def no_name(page):
    page.get_by_label("Full name").fill("")
    press(page, "Save profile")


def too_long(page):
    page.get_by_label("Duration").fill("240")
    press(page, "Save draft")


def negative_amount(page):
    page.get_by_label("Operations (业务费), year 1").fill("-12")
    press(page, "Save budget")


def empty_call(page):
    press(page, "Save draft call")


# Forms re-shown with errors: the page a bad submission starts from, and how it goes wrong.
WRONG_SUBMISSIONS = {
    "sign-in": wrong_password,
    "sign-up": unmatched_passwords,
    "profile": no_name,
    "proposal-edit": too_long,
    "budget-member": negative_amount,
    "office-call-new": empty_call,
}


def journeys():
    """The layout test's pages for each role, and the journeys' pages it does not visit."""
    pages = scenario()
    lead = who_sees(pages, "dashboard")
    officer = who_sees(pages, "office-calls")
    reviewer = who_sees(pages, "reviews")
    submitted = pages[who_sees(pages, "proposal-submitted")]["proposal-submitted"]
    pages[lead].update(
        {
            "e-mail-addresses": "/accounts/email/",
            "change-password": "/accounts/password/change/",
            "institution-request": "/institutions/request/",
        }
    )
    pages[officer].update(
        {
            "office-call-new": "/office/calls/new/",
            "office-proposal": submitted.replace("/proposals/", "/office/proposals/"),
            "reviewer-import": "/office/reviewers/import/",
        }
    )
    pages[reviewer]["reviewer-settings"] = "/reviews/settings/"
    mfa_user = with_authenticator(make_user(roles=[Role.FUND_OFFICER]))
    pages[mfa_user] = {"two-factor": "/accounts/2fa/"}
    return pages


def who_sees(pages, name):
    return next(user for user, theirs in pages.items() if name in theirs)


def test_no_serious_or_critical_violation_on_the_journeys_pages(page, live_server, axe):
    found = {}
    for user, pages in journeys().items():
        page.context.clear_cookies()
        if user is not None:
            sign_in_by_cookie(page.context, user, live_server.url)
        for name, path in pages.items():
            for viewport in (PHONE, DESKTOP):
                page.set_viewport_size(viewport)
                page.goto(path)
                found[f"{name}-{viewport['width']} ({path})"] = axe(page)
            if name in WRONG_SUBMISSIONS:
                WRONG_SUBMISSIONS[name](page)
                assert page.locator(".error-summary").count(), f"no error summary on {name}"
                found[f"{name} with errors ({path})"] = axe(page)

    assert not any(found.values()), "\n" + describe_violations(found)
