import re

import pytest
from playwright.sync_api import expect

from grants.models import Institution, Proposal
from tests.e2e.conftest import link_in_mail, sign_in
from tests.factories import make_call, make_user

pytestmark = pytest.mark.e2e


def fill_draft(page):
    page.get_by_label("Title (Chinese)").fill("长三角工业视觉的可信学习")
    page.get_by_label("Title (English)").fill(
        "Trustworthy learning for industrial vision in the delta"
    )
    page.get_by_label("Primary discipline code").fill("F06")
    page.get_by_label("Keywords", exact=True).fill("视觉, 学习, 制造")
    page.get_by_label("Abstract (Chinese)").fill("面向长三角制造业的视觉检测。")
    page.get_by_label("Abstract (English)").fill("Visual inspection for the delta's manufacturers.")
    page.get_by_label("Duration").fill("36")
    page.get_by_label("Industrial orientation").fill("制造业质量检测。")
    page.get_by_label("Rationale and research content").fill("立项依据。")
    page.get_by_label("Research basis and conditions").fill("研究基础。")
    page.get_by_label("Other matters").fill("无。")
    page.get_by_label("No other funding has been sought").check()


def fill_budget_year_by_year(page, amount):
    """Operations in each of the three years, checking the live total after each figure."""
    totals = page.locator("#budget-totals")
    for year in (1, 2, 3):
        page.get_by_label(f"Operations (业务费), year {year}").fill(amount)
        # 30% indirect costs on top of direct costs that are not equipment
        expected = f"¥{int(amount) * year * 13 // 10:,}.00"
        expect(totals.locator("dd strong")).to_have_text(expected)
    page.get_by_label("Name").first.fill("Team leader")
    page.get_by_label("Person-months").first.fill("12")
    page.get_by_role("button", name="Save budget").click()
    expect(page.get_by_role("status")).to_contain_text("Budget saved.")
    expect(totals.locator("dd strong")).to_have_text(f"¥{int(amount) * 39 // 10:,}.00")


def test_a_two_province_proposal_goes_from_draft_to_submission(
    page, new_context, mailoutbox, live_server
):
    make_call()
    lead = make_user(institution="复旦大学", name="李领衔")
    partner = make_user("pan@zju.example.org", institution="浙江大学", name="潘合作")

    sign_in(page, lead.email)
    page.get_by_role("link", name="Calls").first.click()
    page.get_by_role("link", name="Test call").click()
    page.get_by_role("button", name="Start a proposal as lead PI").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Untitled proposal")

    fill_draft(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Trustworthy learning for industrial vision in the delta"
    )
    expect(page.get_by_label("Primary discipline code")).to_have_value(re.compile(r"^F06 "))
    checklist = page.locator("#eligibility")
    expect(checklist).to_contain_text("The consortium spans 1 funding province")

    page.get_by_role("link", name="Manage partners").click()
    zju = Institution.objects.get(name_zh="浙江大学")
    page.get_by_label("Partner institution").select_option(str(zju.pk))
    page.get_by_role("button", name="Add partner").click()
    expect(page.get_by_role("status")).to_contain_text("Partner institution added")
    row = page.locator("tr", has_text="Zhejiang University")
    row.get_by_label("PI's e-mail").fill(partner.email)
    row.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text(f"Invitation sent to {partner.email}")

    # The partner, at another computer, follows the link in the e-mail.
    partner_page = new_context().new_page()
    partner_page.goto(link_in_mail(mailoutbox, partner.email, "/invitations/"))
    expect(partner_page.get_by_text("李领衔 invites you")).to_be_visible()
    partner_page.get_by_role("main").get_by_role("link", name="Sign in").click()
    sign_in(partner_page, partner.email, go=False)
    expect(partner_page.get_by_role("heading", level=1)).to_have_text(
        "Invitation to join a consortium"
    )
    expect(partner_page.get_by_text("Zhejiang University", exact=False).first).to_be_visible()
    partner_page.get_by_role("button", name="Accept and join").click()
    expect(partner_page.get_by_role("status")).to_contain_text("You have joined the consortium")
    expect(partner_page.get_by_role("heading", level=1)).to_contain_text("Zhejiang University")
    fill_budget_year_by_year(partner_page, "100000")

    page.get_by_role("link", name="Budget", exact=True).click()
    expect(page.locator("tr", has_text="Zhejiang University")).to_contain_text("¥390,000.00")
    page.locator("tr", has_text="Fudan University").get_by_role("link", name="Edit").click()
    totals = page.locator("#budget-totals")
    expect(totals.locator("#proposal-total")).to_have_text("¥390,000.00")
    fill_budget_year_by_year(page, "150000")
    expect(totals.locator("#proposal-total")).to_have_text("¥975,000.00")
    expect(totals.locator("tr", has_text="Shanghai")).to_contain_text("¥585,000.00")
    expect(totals.locator("tr", has_text="Zhejiang")).to_contain_text("¥390,000.00")

    page.get_by_role("link", name="Proposal", exact=True).click()
    expect(checklist).to_contain_text("Ready")
    expect(checklist).to_contain_text("The proposal meets every rule of the call.")
    page.get_by_role("button", name="Submit proposal").click()

    reference = Proposal.objects.get(lead=lead).reference
    assert reference
    expect(page.get_by_role("status")).to_contain_text(f"Your reference number is {reference}")
    expect(page.locator(".reference")).to_have_text(reference)
    expect(page.locator(".badge").first).to_have_text("Submitted")
