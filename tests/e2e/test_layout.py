"""The main pages on a phone and on a desktop: screenshots for a person to look at, and no page
wider than the screen (a sideways scroll bar is the commonest way a layout breaks on phones)."""

import pytest

from grants.models import Role
from reviews import workflow
from reviews.models import Assignment
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    no_horizontal_overflow,
    past_the_edge,
    sign_in_by_cookie,
)
from tests.factories import make_call, make_proposal, make_user
from tests.reviews.factories import make_panel_call, make_review_call, make_reviewer

pytestmark = pytest.mark.e2e


def scenario():
    """Who sees which pages, with enough data on each page to fill it."""
    panel_call, ranked, officer = make_panel_call(code="2026-panel")
    review_call, in_review = make_review_call(n_proposals=2, code="2026-review")
    for place in ["武汉大学", "北京大学", "清华大学", "山东大学", "四川大学", "南京大学"]:
        make_reviewer(institution=place)
    workflow.run_start(call=review_call, actor=officer)  # solved at once by the test task backend
    open_call = make_call(code="2026-open")
    lead = make_user(institution="复旦大学", name="李领衔")
    partner = make_user(institution="浙江大学", name="潘合作")
    draft = make_proposal(open_call, lead, partners=[partner])
    lead_member = draft.members.get(pi=lead)
    reviewed = Assignment.objects.filter(proposal=ranked[0]).select_related("reviewer").first()
    invited = workflow.assignment_add(
        proposal=in_review[0], reviewer=reviewed.reviewer, actor=officer
    )
    provincial = make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000")
    return {
        None: {
            "home": "/",
            "calls": "/calls/",
            "call": f"/calls/{open_call.code}/",
            "sign-in": "/accounts/login/",
            "sign-up": "/accounts/signup/",
        },
        lead: {
            "dashboard": "/dashboard/",
            "profile": "/profile/",
            "proposal-edit": f"/proposals/{draft.pk}/edit/",
            "consortium": f"/proposals/{draft.pk}/consortium/",
            "budget": f"/proposals/{draft.pk}/budget/",
            "budget-member": f"/proposals/{draft.pk}/budget/{lead_member.pk}/",
        },
        ranked[0].lead: {"proposal-submitted": f"/proposals/{ranked[0].pk}/"},
        reviewed.reviewer: {
            "reviews": "/reviews/",
            "review-invitation": f"/reviews/{invited.pk}/",
            "review-form": f"/reviews/{reviewed.pk}/review/",
        },
        officer: {
            "office-calls": "/office/calls/",
            "office-call": f"/office/calls/{review_call.code}/",
            "office-proposals": f"/office/calls/{review_call.code}/proposals/",
            "assignment": f"/office/calls/{review_call.code}/assignment/",
            "panels": f"/office/calls/{panel_call.code}/panels/",
            "panel": f"/panels/{panel_call.panels.get().pk}/",
            "funding": f"/office/calls/{panel_call.code}/funding/",
            "ledger": "/ledger/",
            "reviewer-pool": "/office/reviewers/",
        },
        provincial: {"ledger-province": "/ledger/"},
    }


# Table cells whose text is wider than the cell: it runs under the next column (a sticky first
# column too narrow for a reference number that never wraps).
_SPILLING_CELLS = """() => [...document.querySelectorAll("th, td")]
  .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
  .map(cell => cell.textContent.trim().slice(0, 40))
  .slice(0, 5)"""


def test_main_pages_fit_a_phone_and_a_desktop(page, live_server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("screenshots")
    failures, overflowing, spilled = [], {}, {}
    for user, pages in scenario().items():
        page.context.clear_cookies()
        if user is not None:
            sign_in_by_cookie(page.context, user, live_server.url)
        for name, path in pages.items():
            for viewport in (PHONE, DESKTOP):
                page.set_viewport_size(viewport)
                response = page.goto(path)
                if response.status != 200 or page.url != f"{live_server.url}{path}":
                    failures.append(f"{name}: {response.status} at {page.url}")
                shot = f"{name}-{viewport['width']}"
                page.screenshot(path=folder / f"{shot}.png", full_page=True)
                if not no_horizontal_overflow(page):
                    overflowing[shot] = past_the_edge(page)
                if spilling := page.evaluate(_SPILLING_CELLS):
                    spilled[shot] = spilling
    assert failures == []
    assert not spilled, f"cells whose text runs over their neighbours ({folder}): {spilled}"
    assert not overflowing, f"wider than the window (screenshots in {folder}): {overflowing}"


# ---- wide tables on a phone -----------------------------------------------------------------

# A cell narrower than this shows a name one or two characters a line.
NARROWEST_CELL_PX = 40

_BOXES = """boxes => boxes.map(box => ({
  role: box.getAttribute("role"),
  label: box.getAttribute("aria-label"),
  overflowing: box.scrollWidth > box.clientWidth + 1,
  hint: box.previousElementSibling.classList.contains("scroll-hint")
    && !box.previousElementSibling.hidden,
}))"""

_NARROW_CELLS = """(least) => [...document.querySelectorAll("th, td")]
  .filter(cell => cell.textContent.trim() && cell.getBoundingClientRect().width < least)
  .map(cell => cell.textContent.trim())"""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_budget_tables_on_a_phone_are_named_marked_and_reach_the_total(
    page, live_server, settings, language
):
    lead = make_user(institution="复旦大学")
    draft = make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])
    sign_in_by_cookie(page.context, lead, live_server.url)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.set_viewport_size(PHONE)
    page.goto(f"/proposals/{draft.pk}/budget/")

    boxes = page.eval_on_selector_all(".table-scroll", _BOXES)
    assert boxes and all(box["role"] == "region" and box["label"] for box in boxes)
    assert any(box["overflowing"] for box in boxes)
    assert all(box["hint"] == box["overflowing"] for box in boxes)
    assert page.evaluate(_NARROW_CELLS, NARROWEST_CELL_PX) == []

    # The member table's Total column is reached by scrolling its box, the institution in view.
    box = page.locator(".table-scroll").nth(1)
    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    shown = box.bounding_box()
    total = box.locator("thead th").nth(4).bounding_box()
    first = box.locator("tbody td").first.bounding_box()
    assert (
        shown["x"] <= total["x"] and total["x"] + total["width"] <= shown["x"] + shown["width"] + 1
    )
    assert abs(first["x"] - shown["x"]) <= 2
