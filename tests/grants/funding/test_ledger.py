"""The ledger page: provinces' totals over every award, the payment schedule a page at a time."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.funding import decisions
from grants.funding import views as funding_views
from grants.models.decisions import AwardShare
from tests.factories import make_call
from tests.reviews.factories import make_panel_call

PLENTY = {"310000": 90_000_000, "320000": 90_000_000, "330000": 90_000_000, "340000": 90_000_000}


@pytest.fixture
def committed(reference):
    """A decided call with three awards, each paid by Shanghai and Zhejiang."""
    call, ranked, officer = make_panel_call(contributions=PLENTY)
    decisions.funding_commit(call=call, actor=officer)
    return call, ranked, officer


def scheduled(response):
    return [(s["reference"], s["province_id"]) for s in response.context["schedule"]]


def test_the_schedule_shows_a_page_of_award_shares(client, committed, monkeypatch):
    call, ranked, officer = committed
    monkeypatch.setattr(funding_views, "SCHEDULE_PAGE_SIZE", 4)
    client.force_login(officer)
    first = client.get(f"/ledger/?call={call.code}")
    second = client.get(f"/ledger/?call={call.code}&page=2")
    references = sorted(p.reference for p in ranked)
    assert scheduled(first) == [
        (references[0], "310000"),
        (references[0], "330000"),
        (references[1], "310000"),
        (references[1], "330000"),
    ]
    assert scheduled(second) == [(references[2], "310000"), (references[2], "330000")]
    assert f'href="?call={call.code}&amp;page=2#schedule"' in first.text
    assert "6 award shares" in first.text


def test_the_totals_and_the_csv_count_every_award_whatever_the_page(client, committed, monkeypatch):
    call, _ranked, officer = committed
    monkeypatch.setattr(funding_views, "SCHEDULE_PAGE_SIZE", 1)
    client.force_login(officer)
    page = client.get(f"/ledger/?call={call.code}&page=3")
    rows = {row.province.code: row for row in page.context["rows"]}
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/ledger/ledger.csv?call={call.code}&page=3").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    shanghai = [s.committed for s in AwardShare.objects.filter(province_id="310000")]
    assert len(shanghai) == 3
    assert rows["310000"].committed == sum(shanghai)
    assert csv_rows[1][:4] == ["310000", "上海市", "90000000.00", f"{sum(shanghai):.2f}"]


def test_the_schedule_reads_only_the_values_its_table_shows(client, committed):
    call, _ranked, officer = committed
    client.force_login(officer)
    share = client.get(f"/ledger/?call={call.code}").context["schedule"][0]
    assert set(share) == {"pk", "reference", "province_id", "charged", "balancing"}


def test_the_schedule_is_counted_by_the_ledgers_totals(client, committed, monkeypatch):
    call, _ranked, officer = committed
    monkeypatch.setattr(funding_views, "SCHEDULE_PAGE_SIZE", 4)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/ledger/?call={call.code}")
    assert not [query for query in queries if '"__count"' in query["sql"]]
    shares = {row.province.code: row.shares for row in response.context["rows"]}
    assert shares == {"310000": 3, "320000": 0, "330000": 3, "340000": 0}
    assert response.context["schedule"].paginator.count == 6
    assert response.context["schedule"].paginator.num_pages == 2


def test_a_page_past_the_end_shows_the_last(client, committed, monkeypatch):
    call, _ranked, officer = committed
    monkeypatch.setattr(funding_views, "SCHEDULE_PAGE_SIZE", 4)
    client.force_login(officer)
    response = client.get(f"/ledger/?call={call.code}&page=99")
    assert response.context["schedule"].number == 2


def test_the_ledger_workbook_has_the_csv_rows_as_yuan_amounts_under_chinese_headers(
    client, committed, settings
):
    import openpyxl

    from grants.core.xlsx import MONEY_FORMAT

    call, _ranked, officer = committed
    client.force_login(officer)
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/ledger/ledger.csv?call={call.code}").content.decode("utf-8-sig")
            )
        )
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(f"/ledger/ledger.xlsx?call={call.code}")
    assert response["Content-Disposition"] == f'attachment; filename="ledger-{call.code}.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.values)
    assert header[:3] == ("省份代码", "省份", "出资额")
    assert sheet.freeze_panes == "A2"
    assert [[row[0], row[1], *(f"{v:.2f}" for v in row[2:])] for row in rows] == csv_rows[1:]
    assert sheet["C2"].data_type == "n" and sheet["C2"].number_format == MONEY_FORMAT


@pytest.mark.parametrize("page", ["/ledger/", "/ledger/ledger.csv", "/ledger/ledger.pdf"])
def test_a_draft_or_unknown_call_is_not_found(client, committed, page):
    _call, _ranked, officer = committed
    draft = make_call(status_open=False)
    client.force_login(officer)
    assert client.get(f"{page}?call={draft.code}").status_code == 404
    assert client.get(f"{page}?call=no-such-call").status_code == 404
