"""A provincial officer's way through the pages against repeated investment: from the menu and
the dashboard to the records, the instruments and a call's overlaps, every page they reach
answering, and their own province's files uploaded from the pages while another province's
row is refused."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.models import Role
from grants.models.overlaps import ExternalRecord, SharedInstrument
from tests.factories import make_call, make_proposal, make_user
from tests.grants.overlaps.factories_records import (
    instrument_row,
    instruments_file,
    record_row,
    records_file,
)
from tests.grants.overlaps.factories_screening import make_flag

RECORDS = "/office/external-records/"
INSTRUMENTS = "/office/instruments/"


@pytest.fixture
def shanghai_officer(client, reference):
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"))
    return client


@pytest.fixture
def flagged(reference):
    """A call with a text flag on a Shanghai-Zhejiang proposal, against a Jiangsu-Anhui one."""
    call = make_call("overlap-call")
    ours = make_proposal(
        call,
        make_user(institution="复旦大学"),
        partners=[make_user(institution="浙江大学")],
        submit=True,
    )
    theirs = make_proposal(
        call,
        make_user(institution="南京大学"),
        partners=[make_user(institution="安徽大学")],
        submit=True,
    )
    return make_flag(ours, other=theirs)


def links(page):
    return set(re.findall(r'href="([^"]+)"', page.text))


def upload(client, path, data):
    file = SimpleUploadedFile("upload.csv", data, "text/csv")
    return client.post(path + "import/", {"file": file}, follow=True)


def test_the_menu_and_the_dashboard_lead_to_the_records_and_the_overlaps(shanghai_officer, flagged):
    dashboard = shanghai_officer.get("/dashboard/")
    overlaps = f"/office/calls/{flagged.call.code}/overlaps/"
    assert {RECORDS, overlaps, f"/office/calls/{flagged.call.code}/proposals/"} <= links(dashboard)
    assert 'class="site-nav"' in dashboard.text
    nav = dashboard.text.split('class="site-nav"')[1].split("</nav>")[0]
    assert f'href="{RECORDS}"' in nav


def test_every_page_a_provincial_officer_reaches_answers(shanghai_officer, flagged):
    code = flagged.call.code
    proposals = shanghai_officer.get(f"/office/calls/{code}/proposals/")
    assert f"/office/calls/{code}/overlaps/" in links(proposals)
    overlaps = shanghai_officer.get(f"/office/calls/{code}/overlaps/")
    flag_url = f"/office/calls/{code}/overlaps/{flagged.pk}/"
    assert flag_url in links(overlaps)
    assert {f"/office/calls/{code}/proposals/", RECORDS} <= links(overlaps)
    flag = shanghai_officer.get(flag_url)
    reached = links(flag) | links(overlaps) | links(proposals)
    reached |= links(shanghai_officer.get(RECORDS))
    office_pages = sorted(u for u in reached if u.startswith(("/office/", "/ledger/")))
    assert (
        INSTRUMENTS in office_pages and f"/office/proposals/{flagged.proposal.pk}/" in office_pages
    )
    for url in office_pages:
        assert shanghai_officer.get(url.replace("&amp;", "&")).status_code == 200, url


def test_a_provincial_officer_uploads_their_own_provinces_files(shanghai_officer):
    response = upload(shanghai_officer, RECORDS, records_file(record_row(reference="SH-1")))
    assert "1 new rows, 0 updated, 0 unchanged." in response.text
    response = upload(shanghai_officer, INSTRUMENTS, instruments_file(instrument_row()))
    assert "1 new rows, 0 updated, 0 unchanged." in response.text
    assert ExternalRecord.objects.get().province_id == "310000"
    assert SharedInstrument.objects.get().province_id == "310000"


def test_another_provinces_row_is_refused_and_nothing_is_imported(shanghai_officer):
    own, other = record_row(reference="SH-1"), record_row(reference="JS-1", province="320000")
    response = upload(shanghai_officer, RECORDS, records_file(own, other))
    [problem] = response.context["problems"]
    assert (problem.row, problem.column) == (3, "province")
    assert problem.message == "you may import rows of Shanghai only"
    assert "Nothing was imported: 1 row needs correcting." in response.text
    assert ExternalRecord.objects.count() == 0
