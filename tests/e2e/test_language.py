import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_by_cookie
from tests.factories import make_call, make_proposal, make_user

pytestmark = pytest.mark.e2e


def test_switching_language_keeps_what_was_typed_in_the_draft(page, live_server):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, fill=False, budget=False)
    sign_in_by_cookie(page.context, lead, live_server.url)

    page.goto(f"/proposals/{proposal.pk}/edit/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Title (English)").fill("Sensing the Yangtze estuary")
    page.get_by_label("Abstract (Chinese)").fill("长江口水环境的智能感知。")
    page.get_by_role("banner").get_by_role("button", name="简体中文").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("button", name="保存草稿")).to_be_visible()
    # The page has loaded in Chinese: the fields hold whatever they are going to hold.
    expect(page.locator("#id_title_en")).to_have_value("Sensing the Yangtze estuary", timeout=500)
    expect(page.locator("#id_abstract_zh")).to_have_value("长江口水环境的智能感知。", timeout=500)
