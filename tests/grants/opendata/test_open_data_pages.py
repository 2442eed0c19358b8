"""The public open-data page and its downloads (grants/opendata/views.py): the publication gate,
the filters, what the JSON and CSV hold, the figures, and the queries a page takes."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.core.xlsx import MONEY_FORMAT
from grants.funding import decisions, outcomes
from grants.models import AuditEntry, Call, Project, Role
from grants.models.decisions import Outcome
from tests.factories import make_user
from tests.grants.opendata.factories import published_project
from tests.grants.projects.factories import POOLS, provincial_officer
from tests.reviews.factories import make_panel_call

pytestmark = pytest.mark.django_db


def listed(client, query=""):
    response = client.get(f"/open-data/{query}")
    assert response.status_code == 200
    return [row.reference for row in response.context["page"]]


def downloaded_json(client, query=""):
    response = client.get(f"/open-data/projects.json{query}")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(b"".join(response.streaming_content))["projects"]


def downloaded_csv(client, query=""):
    response = client.get(f"/open-data/projects.csv{query}")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# ---- the publication gate ---------------------------------------------------------------------


def test_a_published_call_shows_its_funded_projects_only_once_its_letters_went_out(
    client, reference
):
    call, proposals, officer = make_panel_call(contributions=POOLS, open_data=True)
    decisions.funding_commit(call=call, actor=officer, cuts={})
    for code in POOLS:
        decisions.province_confirm(call=call, actor=provincial_officer(code), province_code=code)
    # The awards are final, but the letters have not gone out: nothing is public yet.
    assert listed(client) == [] and downloaded_json(client) == []
    assert len(downloaded_csv(client)) == 1  # the header alone

    outcomes.call_decide(call=call, actor=officer)
    funded = [p.reference for p in proposals if p.decision.outcome == Outcome.FUNDED]
    assert len(funded) == 2 and proposals[2].decision.outcome != Outcome.FUNDED
    assert sorted(listed(client)) == sorted(funded)
    assert sorted(row["reference"] for row in downloaded_json(client)) == sorted(funded)
    assert sorted(row[0] for row in downloaded_csv(client)[1:]) == sorted(funded)


def test_a_decided_call_the_fund_does_not_publish_shows_nothing(client, reference):
    published_project(open_data=False)
    assert listed(client) == [] and downloaded_json(client) == []


def test_a_published_call_not_yet_decided_shows_nothing(client, reference):
    published_project(decided=False)
    assert listed(client) == [] and downloaded_json(client) == []


def test_the_page_names_no_person_and_no_reviewer(client, reference):
    project = published_project()
    lead = project.proposal.lead
    page = client.get("/open-data/").content.decode()
    assert project.proposal.reference in page
    assert lead.email not in page and lead.name not in page
    dump = json.dumps(downloaded_json(client), ensure_ascii=False)
    assert lead.email not in dump and lead.name not in dump and "review" not in dump


def test_anyone_may_read_it_even_before_completing_a_profile(client, reference):
    published_project()
    client.force_login(make_user(complete=False))
    assert len(listed(client)) == 1


# ---- what a project shows ---------------------------------------------------------------------


def test_the_json_gives_every_published_field(client, reference):
    project = published_project(title_en="Sodium-ion cathodes", primary_code="E03")
    proposal = project.proposal
    [row] = downloaded_json(client)
    assert row == {
        "reference": proposal.reference,
        "call": proposal.call.code,
        "call_year": 2026,
        "title_zh": "长三角协同研究",
        "title_en": "Sodium-ion cathodes",
        "lead_institution": {"zh": "复旦大学", "en": "Fudan University"},
        "partner_institutions": [{"zh": "浙江大学", "en": "Zhejiang University"}],
        "provinces": ["310000", "330000"],
        "discipline": {"code": "E03", "zh": "有机高分子材料", "en": "Organic Polymer Materials"},
        # tests.factories: each member asks ¥300,000 direct plus its indirect costs.
        "amount_by_province": {"310000": "390000.00", "330000": "390000.00"},
        "total": "780000.00",
        "duration_months": 36,
        "starts_on": None,
        "ends_on": None,
        "abstract_zh": "摘要。",
        "abstract_en": "Abstract.",
    }


def test_the_csv_has_translated_headers_and_one_row_per_project(client, reference):
    project = published_project(title_en="=HYPERLINK(1)")
    header, row = downloaded_csv(client)
    assert header[:3] == ["Reference", "Call", "Year of the call"]
    assert row[0] == project.proposal.reference
    assert row[4] == "'=HYPERLINK(1)"  # never run as a formula
    assert row[7] == "上海市; 浙江省"
    assert row[9] == "上海市 390000.00; 浙江省 390000.00"
    assert row[10] == "780000.00"


def test_the_csv_headers_are_chinese_for_chinese_readers(client, reference):
    published_project()
    client.cookies["django_language"] = "zh-hans"
    response = client.get("/open-data/projects.csv", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.splitlines()[0].startswith("\ufeff申请编号,指南,指南年度")


def test_the_workbook_has_the_csv_rows_typed_and_a_sheet_per_province(client, reference):
    published_project()
    header, row = downloaded_csv(client)
    response = client.get("/open-data/projects.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="open-data.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["All", "上海市", "浙江省"]
    cells = [cell.value for cell in next(book["All"].iter_rows(min_row=2))]
    assert [cell.value for cell in book["All"][1]] == header
    assert cells[0] == row[0] and cells[2] == int(row[2])  # the call's year, a number
    assert cells[10] == 780000 and book["All"]["K2"].number_format == MONEY_FORMAT
    assert [r[0].value for r in book["浙江省"].iter_rows(min_row=2)] == [row[0]]


# ---- the filters ------------------------------------------------------------------------------


@pytest.fixture
def three_projects(reference):
    fudan = published_project(title_en="Perovskite solar cells", primary_code="E03")
    nanjing = published_project(lead="南京大学", partner="安徽大学", keywords="量子, 光学, 激光")
    zhejiang = published_project(lead="浙江大学", partner="安徽大学", primary_code="B01")
    Call.objects.filter(proposals=zhejiang.proposal).update(year=2025)
    return fudan.proposal, nanjing.proposal, zhejiang.proposal


def test_each_filter_narrows_the_list(client, three_projects):
    fudan, nanjing, zhejiang = (p.reference for p in three_projects)
    anhui_university = three_projects[1].members.get(is_lead=False).institution_id
    cases = {
        "": {fudan, nanjing, zhejiang},
        f"?call={three_projects[0].call.code}": {fudan},
        "?year=2025": {zhejiang},
        "?province=340000": {nanjing, zhejiang},
        "?province=320000": {nanjing},
        "?discipline=e": {fudan},
        "?discipline=F06": {nanjing},
        f"?institution={anhui_university}": {nanjing, zhejiang},
        "?q=perovskite": {fudan},
        "?q=量子": {nanjing},
        "?q=nothing+like+it": set(),
    }
    for query, expected in cases.items():
        assert set(listed(client, query)) == expected, query
        assert {row["reference"] for row in downloaded_json(client, query)} == expected, query


def test_a_bad_filter_is_explained_beside_its_field_and_kept(client, three_projects):
    response = client.get("/open-data/?year=1999&q=solar")
    form = response.context["filter"].form
    assert "year" in form.errors
    assert 'value="solar"' in response.content.decode()


# ---- the money between provinces --------------------------------------------------------------


def test_the_page_shows_what_each_province_pays_and_where_it_is_spent(client, three_projects):
    response = client.get("/open-data/?province=340000")
    money = response.context["money"]
    assert [(row.code, row.contributed, row.spent) for row in money.totals] == [
        ("320000", Decimal("390000.00"), Decimal("390000.00")),
        ("330000", Decimal("390000.00"), Decimal("390000.00")),
        ("340000", Decimal("780000.00"), Decimal("780000.00")),
    ]
    # The virtual common pot: every province's money stays at home.
    assert all(source == target for source, target in money.flows)
    page = response.content.decode()
    assert page.count('class="band-home"') == 3 and "<svg" in page
    assert "¥780,000.00" in page  # the table beside the picture


# ---- speed ------------------------------------------------------------------------------------


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(queries)


def test_the_page_and_downloads_take_as_many_queries_for_three_projects_as_for_one(
    client, reference
):
    published_project()
    counts = [query_count(client, url) for url in ("/open-data/", "/open-data/projects.json")]
    published_project(lead="南京大学", partner="安徽大学")
    published_project(lead="浙江大学", partner="安徽大学")
    assert Project.objects.count() == 3
    assert [query_count(client, url) for url in ("/open-data/", "/open-data/projects.json")] == (
        counts
    )


# ---- the call setting -------------------------------------------------------------------------


def test_the_office_publishes_a_call_from_its_form(client, reference):
    from tests.grants.calls.test_office_calls import call_data

    client.force_login(make_user(roles=[Role.FUND_OFFICER]))
    response = client.post("/office/calls/new/", call_data(open_data="on"))
    assert response.status_code == 302
    assert Call.objects.get(code="2027-materials").open_data is True
    client.post("/office/calls/new/", call_data(code="2027-quiet"))
    assert Call.objects.get(code="2027-quiet").open_data is False


def test_odd_input_is_refused_beside_its_field_never_an_error(client, reference):
    published_project()
    script = "<script>alert(1)</script>"
    query = f"?institution=abc&call=nope&province=999999&page=zz&q={script}"
    for url in ("/open-data/", "/open-data/projects.json", "/open-data/projects.csv"):
        assert client.get(url + query).status_code == 200
    response = client.get("/open-data/" + query)
    assert set(response.context["filter"].form.errors) == {"institution", "call", "province"}
    assert script not in response.content.decode()
    assert client.get("/open-data/?q=" + "长" * 101).context["filter"].form.errors["q"]


def test_the_office_publishes_a_decided_call_from_its_page_and_the_log_says_so(client, reference):
    project = published_project(open_data=False)
    call = project.proposal.call
    officer = make_user(roles=[Role.FUND_OFFICER])
    client.force_login(officer)
    assert "Publish as open data" in client.get(f"/office/calls/{call.code}/").content.decode()

    response = client.post(f"/office/calls/{call.code}/open-data/", {"publish": "1"})
    assert response.status_code == 302 and response["Location"] == f"/office/calls/{call.code}/"
    assert listed(client) == [project.proposal.reference]
    entry = AuditEntry.objects.get(call=call, action="call.open_data")
    assert (entry.actor, entry.before, entry.after) == (
        officer,
        {"open_data": False},
        {"open_data": True},
    )

    client.post(f"/office/calls/{call.code}/open-data/", {"publish": "0"})
    assert listed(client) == []
    assert AuditEntry.objects.filter(call=call, action="call.open_data").count() == 2
