"""The applicant's journey with the keyboard alone: no clicks, only Tab, Enter, Space, arrows
and typing, with the focus visible on every control the journey goes through."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants.models import BudgetCategory, ConsortiumMember, Proposal
from grants.proposals import consortium_workflow
from tests.e2e.conftest import link_in_mail
from tests.factories import PASSWORD, make_call, make_user

pytestmark = pytest.mark.e2e

# More than the longest way, in Tab presses, from one control to the next on these pages.
MOST_TABS = 120

_FOCUS_STYLE = """(el) => {
  const style = getComputedStyle(el);
  return [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow].join(" | ");
}"""


# Whether the focused element draws a ring; cheap enough to ask at every stop on the way.
_HAS_RING = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  if (el === document.body) return "";  // past the last control: the focus is in the browser
  const ring = style.outlineStyle !== "none" || style.boxShadow !== "none";
  return ring ? "" : el.outerHTML.slice(0, 120);
}"""


def tab_to(page, selector):
    """Press Tab until the control matching ``selector`` has the focus; every control on the
    way shows a focus ring, and the target looks different focused and unfocused."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        without_ring = page.evaluate(_HAS_RING)
        assert not without_ring, f"no focus ring on {without_ring}"
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            focus_is_visible(page)
            return
    raise AssertionError(f"{MOST_TABS} presses of Tab never reached {selector} on {page.url}")


def focus_is_visible(page):
    """The focused control looks different focused and unfocused: leave it with Shift+Tab,
    compare, and come back with Tab."""
    control = page.evaluate_handle("document.activeElement")
    assert control.evaluate("(el) => el.matches(':focus-visible')")
    focused = control.evaluate(_FOCUS_STYLE)
    page.keyboard.press("Shift+Tab")
    unfocused = control.evaluate(_FOCUS_STYLE)
    page.keyboard.press("Tab")
    assert control.evaluate("(el) => el === document.activeElement"), "Tab did not come back"
    assert focused != unfocused, f"no visible focus on {control.evaluate('(el) => el.outerHTML')}"


def type_into(page, selector, text):
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def press_enter_and_wait(page):
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose_with_arrows(page, selector, value):
    """A closed <select> changes its choice with the arrow keys."""
    tab_to(page, selector)
    for _ in range(page.evaluate("(s) => document.querySelector(s).options.length", selector)):
        if page.evaluate("() => document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {value} in {selector}")


def sign_in_with_keys(page, email):
    page.goto("/accounts/login/")
    tab_to(page, ".skip-link")
    type_into(page, "input[name=login]", email)
    type_into(page, "input[name=password]", PASSWORD)
    press_enter_and_wait(page)


def start_a_proposal(page):
    tab_to(page, "nav a[href='/calls/']")
    press_enter_and_wait(page)
    tab_to(page, "main a[href='/calls/2026-01/']")
    press_enter_and_wait(page)
    tab_to(page, "form[action$='/apply/'] button")
    press_enter_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Untitled proposal")


def fill_the_draft(page):
    for field, text in [
        ("title_zh", "长三角工业视觉的可信学习"),
        ("title_en", "Trustworthy learning for industrial vision"),
        ("primary_code", "F06"),
        ("keywords", "视觉, 学习, 制造"),
        ("abstract_zh", "面向长三角制造业的视觉检测。"),
        ("abstract_en", "Visual inspection for the delta's manufacturers."),
        ("duration_months", "36"),
        ("industry_problem", "制造业质量检测。"),
        ("section_rationale", "立项依据。"),
        ("section_basis", "研究基础。"),
        ("section_other", "无。"),
    ]:
        type_into(page, f"#id_{field}", text)
    tab_to(page, "input[name=other_funding][value=none]")
    page.keyboard.press("Space")
    expect(page.locator("input[name=other_funding][value=none]")).to_be_checked()
    tab_to(page, "#draft-form button[type=submit]")
    press_enter_and_wait(page)
    expect(page.get_by_role("status")).to_contain_text("Draft saved.")


def invite_a_partner(page, partner):
    tab_to(page, "nav.tabs a[href$='/consortium/']")
    press_enter_and_wait(page)
    choose_with_arrows(page, "#id_institution", str(partner.institution.pk))
    tab_to(page, "form[action$='/consortium/add/'] button")
    press_enter_and_wait(page)
    expect(page.get_by_role("status")).to_contain_text("Partner institution added")
    type_into(page, "input[type=email][name=email]", partner.email)
    press_enter_and_wait(page)
    expect(page.get_by_role("status")).to_contain_text(f"Invitation sent to {partner.email}")


def partner_accepts_with_a_budget(mailoutbox, partner):
    """The partner answers at another computer (their own journey is tests/e2e/test_proposal)."""
    token = link_in_mail(mailoutbox, partner.email, "/invitations/").rstrip("/").split("/")[-1]
    consortium_workflow.invitation_answer(token=token, user=partner, accept=True)
    member = ConsortiumMember.objects.get(pi=partner)
    consortium_workflow.member_budget_save(
        member=member,
        actor=partner,
        cells={(BudgetCategory.OPERATIONS, year): Decimal("100000") for year in (1, 2, 3)},
        team=[],
        expected_digest=consortium_workflow.lines_digest(member),
    )


def fill_the_budget(page, proposal):
    lead_member = proposal.members.get(pi=proposal.lead)
    tab_to(page, "nav.tabs a[href$='/budget/']")
    press_enter_and_wait(page)
    tab_to(page, f"main a[href$='/budget/{lead_member.pk}/']")
    press_enter_and_wait(page)
    for year in (1, 2, 3):
        type_into(page, f"#id_cell-{BudgetCategory.OPERATIONS}-{year}", "150000")
    type_into(page, "#id_team-0-name", "Team leader")
    type_into(page, "#id_team-0-person_months", "12")
    expect(page.locator("#budget-totals dd strong")).to_have_text("¥585,000.00")
    previews_have_answered(page)
    tab_to(page, "main form button[type=submit]")
    press_enter_and_wait(page)
    expect(page.get_by_role("status")).to_contain_text("Budget saved.")


def previews_have_answered(page):
    """The totals follow the typing 400 ms after the last key. The test database (SQLite) locks
    a table while a preview reads it, so the save waits for the last preview to answer."""
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def submit(page):
    tab_to(page, "nav.tabs a:first-child")
    press_enter_and_wait(page)
    tab_to(page, "form[action$='/submit/'] button")
    press_enter_and_wait(page)


def test_an_applicant_drafts_budgets_and_submits_with_the_keyboard_alone(
    page, mailoutbox, live_server
):
    make_call(code="2026-01")
    lead = make_user(institution="复旦大学", name="李领衔")
    partner = make_user("pan@zju.example.org", institution="浙江大学", name="潘合作")

    sign_in_with_keys(page, lead.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    start_a_proposal(page)
    fill_the_draft(page)
    invite_a_partner(page, partner)
    partner_accepts_with_a_budget(mailoutbox, partner)
    proposal = Proposal.objects.get(lead=lead)
    fill_the_budget(page, proposal)
    submit(page)

    proposal.refresh_from_db()
    assert proposal.reference
    expect(page.get_by_role("status")).to_contain_text(
        f"Your reference number is {proposal.reference}"
    )
