import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import link_in_mail, sign_in_by_cookie
from tests.reviews.factories import make_panel_call

pytestmark = pytest.mark.e2e


def test_a_panel_member_asks_for_the_panel_book_and_downloads_it(
    page, mailoutbox, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call, proposals, _officer = make_panel_call(code="2026-book")
    panel = call.panels.get()
    member = panel.members.first()
    sign_in_by_cookie(page.context, member, live_server.url)

    page.goto(f"/panels/{panel.pk}/")
    page.get_by_role("button", name="Prepare the panel book (PDF)").click()

    # The book was built as a task; the member lands on their exports and gets the link.
    expect(page.get_by_role("heading", level=1)).to_have_text("My exports")
    expect(page.get_by_role("status")).to_contain_text("The panel book is being prepared")
    row = page.locator("tbody tr", has_text="Panel book of F")
    expect(row).to_contain_text("Ready")
    link = link_in_mail(mailoutbox, member.email, "/download/")
    assert link.startswith(live_server.url)

    with page.expect_download() as download:
        row.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename == "2026-book-panel-F.pdf"
    book = PdfReader(download.value.path())
    assert [item.title for item in book.outline] == [
        f"{place}. {proposal.reference}" for place, proposal in enumerate(proposals, 1)
    ]
