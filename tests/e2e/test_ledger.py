import pytest
from playwright.sync_api import expect

from grants.funding import decisions
from grants.models import Role
from grants.models.decisions import AwardShare, ProvincialConfirmation
from grants.templatetags.portal import yuan
from tests.e2e.conftest import sign_in, with_authenticator
from tests.factories import make_user
from tests.reviews.factories import make_panel_call

pytestmark = pytest.mark.e2e


def test_a_provincial_officer_reads_only_their_provinces_ledger_and_confirms_its_share(page):
    call, proposals, office = make_panel_call(code="2026-panel")
    decisions.funding_commit(call=call, actor=office)
    shanghai = AwardShare.objects.filter(province_id="310000")
    committed = sum(share.committed for share in shanghai)
    assert committed
    officer = with_authenticator(
        make_user(institution="上海交通大学", roles=[Role.PROVINCIAL_OFFICER], province="310000")
    )

    sign_in(page, officer.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ledger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledger")
    ledger = page.locator("table.ledger tbody tr")
    expect(ledger).to_have_count(1)
    expect(ledger).to_have_attribute("data-province", "310000")
    expect(ledger.get_by_role("rowheader")).to_have_text("Shanghai")
    expect(ledger).to_contain_text(yuan(10_000_000))
    expect(ledger).to_contain_text(yuan(committed))
    for other in ("Jiangsu", "Zhejiang", "Anhui"):
        expect(page.get_by_role("main")).not_to_contain_text(other)

    page.get_by_label("Call").select_option(call.code)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledger: Test call")
    schedule = page.locator("section", has_text="Payment schedule").locator("tbody tr")
    expect(schedule).to_have_count(shanghai.count())
    page.get_by_role("button", name="Confirm our share").click()
    expect(page.get_by_role("status")).to_contain_text("Your province's share is confirmed.")
    expect(page.get_by_role("button", name="Confirm our share")).to_have_count(0)
    assert ProvincialConfirmation.objects.filter(call=call, province_id="310000").exists()
