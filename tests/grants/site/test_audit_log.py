"""The fund office's audit page: filters, descriptions in words, pages of 50 and a CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from grants.core.audit import record
from grants.models import AuditEntry, Role
from grants.site import audit_views
from tests.factories import make_call, make_proposal, make_user


@pytest.fixture
def logged(reference):
    """An officer, two calls and a proposal, and a few entries about them."""
    officer = make_user(roles=[Role.FUND_OFFICER], name="王主任")
    first, second = make_call("first"), make_call("second")
    lead = make_user(institution="复旦大学", name="李教授")
    proposal = make_proposal(first, lead, partners=[make_user(institution="浙江大学")], submit=True)
    record(
        actor=officer,
        action="call.deadline_extended",
        call=second,
        before={"closes_at": "2026-09-01"},
        after={"closes_at": "2026-09-15"},
        note="=系统故障",
    )
    return officer, first, second, proposal, lead


def listed(response):
    return [entry.action for entry, _label, _change in response.context["rows"]]


def test_the_page_describes_each_change_in_words(client, logged):
    officer, *_ = logged
    client.force_login(officer)
    page = client.get("/office/audit/")
    assert "Call deadline extended" in page.text
    assert "closes_at: 2026-09-01 → 2026-09-15" in page.text
    assert "王主任" in page.text


def test_the_page_speaks_chinese_to_chinese_readers(client, logged, settings):
    officer, *_ = logged
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "延长指南截止时间" in client.get("/office/audit/").text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("call=second", ["call.deadline_extended", "call.opened"]),
        ("action=proposal.submitted", ["proposal.submitted"]),
        ("person=李教授", None),
        ("person=nobody-at-all", []),
    ],
    ids=["by-call", "by-action", "by-person", "nobody"],
)
def test_filters(client, logged, query, expected):
    officer, _first, _second, _proposal, lead = logged
    client.force_login(officer)
    actions = listed(client.get(f"/office/audit/?{query}"))
    if expected is None:  # everything the lead did, and nothing else
        expected = list(
            AuditEntry.objects.filter(actor=lead)
            .order_by("-at", "-pk")
            .values_list("action", flat=True)
        )
        assert expected
    assert actions == expected


def test_filter_by_proposal_and_date(client, logged):
    officer, _first, _second, proposal, _lead = logged
    client.force_login(officer)
    mine = listed(client.get(f"/office/audit/?proposal={proposal.reference}"))
    assert mine and set(mine) == set(
        AuditEntry.objects.filter(proposal=proposal).values_list("action", flat=True)
    )
    today = timezone.localdate()
    assert len(listed(client.get(f"/office/audit/?since={today}&until={today}"))) == (
        AuditEntry.objects.count()
    )
    tomorrow = today + timedelta(days=1)
    assert listed(client.get(f"/office/audit/?since={tomorrow}")) == []


def test_a_bad_date_is_named_beside_its_field_and_the_rest_kept(client, logged):
    officer, *_ = logged
    client.force_login(officer)
    page = client.get("/office/audit/?since=not-a-date&person=王")
    form = page.context["filter"].form
    assert form.errors["since"] == ["Enter a valid date."]
    assert form["person"].value() == "王"


def test_the_log_is_paginated_by_50(client, logged):
    officer, *_ = logged
    for _ in range(audit_views.AUDIT_PAGE_SIZE):
        record(actor=officer, action="call.updated")
    client.force_login(officer)
    first = client.get("/office/audit/")
    total = AuditEntry.objects.count()
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == total
    second = client.get("/office/audit/?page=2")
    assert len(second.context["rows"]) == total - 50


def test_csv_export_keeps_the_filters_starts_with_a_bom_and_never_runs_a_formula(client, logged):
    officer, *_ = logged
    client.force_login(officer)
    response = client.get("/office/audit/csv/?call=second&action=call.deadline_extended")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["When", "Who", "Action", "Change", "Call", "Proposal", "Note"]
    assert [row[1:] for row in rows[1:]] == [
        [
            officer.email,
            "Call deadline extended",
            "closes_at: 2026-09-01 → 2026-09-15",
            "second",
            "",
            "'=系统故障",
        ]
    ]


def test_only_the_fund_office_reads_the_log(client, logged):
    _officer, _first, _second, _proposal, lead = logged
    client.force_login(lead)
    assert client.get("/office/audit/").status_code == 403
    assert client.get("/office/audit/csv/").status_code == 403


def test_the_office_call_list_links_to_the_log(client, logged):
    officer, *_ = logged
    client.force_login(officer)
    assert 'href="/office/audit/"' in client.get("/office/calls/").text


def test_the_workbook_keeps_the_filters_types_the_time_and_never_runs_a_formula(client, logged):
    import openpyxl

    officer, *_ = logged
    client.force_login(officer)
    response = client.get("/office/audit/xlsx/?call=second&action=call.deadline_extended")
    assert response["Content-Disposition"] == 'attachment; filename="audit-log.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.values)
    assert header == ("When", "Who", "Action", "Change", "Call", "Proposal", "Note")
    assert [row[1:] for row in rows] == [
        (
            officer.email,
            "Call deadline extended",
            "closes_at: 2026-09-01 → 2026-09-15",
            "second",
            None,
            "=系统故障",
        )
    ]
    assert sheet["A2"].is_date and sheet["A2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet["G2"].data_type == "s" and sheet["G2"].quotePrefix
