"""Hostile and odd input: stored and shown literally, or refused with a clear message —
never a server error, never lost data."""

import csv
import io
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from grants.core.validators import display_text
from grants.models import Proposal
from tests.factories import make_call, make_proposal, make_user

SCRIPT = '<script>alert("x")</script>'
CORPUS = {
    "html": SCRIPT + "<b>bold</b> & <img src=x onerror=alert(1)>",
    "sql": "'; DROP TABLE grants_proposal; --",
    "rtl_and_zero_width": "abc\u202edcba\u200b\u200d\ufeffend",
    "emoji": "量子🧪计算🚀",
    "formula": '=HYPERLINK("http://evil.example","x")',
    "long_chinese": "长" * 10_000,
}
TEXT_FIELDS = [
    "title_zh",
    "title_en",
    "abstract_zh",
    "abstract_en",
    "industry_problem",
    "partner_enterprise",
    "section_rationale",
    "section_basis",
    "section_other",
    "other_funding_details",
]
# Every text is cut to what its field takes (grants.core.limits); over that, the form refuses it.
LIMITS = {name: Proposal._meta.get_field(name).max_length for name in TEXT_FIELDS}
# Titles and names are shown in lists: their invisible characters go (display_text).
SHORT_FIELDS = {"title_zh", "title_en", "partner_enterprise"}


@pytest.fixture
def draft(reference):
    lead = make_user(institution="复旦大学")
    return lead, make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])


def post_draft(client, proposal, **fields):
    data = {
        "version": Proposal.objects.get(pk=proposal.pk).version,
        "keywords": "a, b, c",
        "other_funding": "none",
    }
    data.update(fields)
    return client.post(f"/proposals/{proposal.pk}/edit/", data)


@pytest.mark.parametrize("kind", CORPUS)
def test_every_text_field_stores_hostile_text_literally_and_pages_escape_it(client, draft, kind):
    lead, proposal = draft
    client.force_login(lead)
    value = CORPUS[kind]
    fields = {name: value[: LIMITS[name]] for name in TEXT_FIELDS}
    response = post_draft(client, proposal, **fields)
    assert response.status_code == 302, response.content[:500]
    stored = Proposal.objects.get(pk=proposal.pk)
    for name in TEXT_FIELDS:
        expected = display_text(fields[name]) if name in SHORT_FIELDS else fields[name]
        assert getattr(stored, name) == expected, name
    page = client.get(f"/proposals/{proposal.pk}/edit/").content.decode()
    assert SCRIPT not in page and "<img src=x" not in page
    pdf = client.get(f"/proposals/{proposal.pk}/pdf/")
    assert pdf.status_code == 200
    if kind == "html":
        text = re.sub(
            r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        )
        assert re.sub(r"\s+", "", SCRIPT) in text  # printed as typed, not interpreted


def test_csv_export_neutralises_formulas(client, reference):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(
        make_call(),
        lead,
        partners=[make_user(institution="浙江大学")],
        submit=True,
        title_zh=CORPUS["formula"],
        title_en="+1+1",
        partner_enterprise="@SUM(A1)",
    )
    client.force_login(make_user(roles=["fund_officer"]))
    response = client.get(f"/office/calls/{proposal.call.code}/proposals/export/")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + CORPUS["formula"] in cells and "'+1+1" in cells
    assert not any(
        cell[:1] in "=+-@" for cell in cells if cell and not re.fullmatch(r"-?\d+(\.\d+)?", cell)
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-100", "negative"),
        ("1e400", ""),
        ("abc", "amount in yuan"),
        ("100000000000", ""),
        ("12.345", ""),
    ],
    ids=["negative", "huge-exponent", "not-a-number", "too-large", "three-decimals"],
)
def test_bad_amounts_get_a_clear_error_beside_the_cell(client, draft, amount, message):
    lead, proposal = draft
    member = proposal.members.get(is_lead=True)
    client.force_login(lead)
    digest = client.get(f"/proposals/{proposal.pk}/budget/{member.pk}/").context["digest"]
    data = {
        "team-TOTAL_FORMS": "0",
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "30",
        "digest": digest,
        "cell-operations-1": amount,
    }
    response = client.post(f"/proposals/{proposal.pk}/budget/{member.pk}/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors["cell-operations-1"]
    assert errors and message in " ".join(errors).lower()
    assert f'value="{amount}"' in response.content.decode()


@pytest.mark.parametrize(
    "value",
    ["2026-13-45T10:00", "yesterday", "2026-02-30T25:61"],
    ids=["month-13", "words", "feb-30"],
)
def test_malformed_dates_are_refused_beside_the_field(client, reference, value):
    client.force_login(make_user(roles=["fund_officer"]))
    response = client.post(
        "/office/calls/new/", {"code": "bad-dates", "opens_at": value, "closes_at": value}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "opens_at" in form.errors and "closes_at" in form.errors
    assert f'value="{value}"' in response.content.decode()


@pytest.mark.parametrize(
    "path_template",
    [
        "/proposals/{pk}/edit/",
        "/proposals/{pk}/submit/",
        "/proposals/{pk}/consortium/add/",
        "/profile/",
    ],
)
def test_posts_without_a_csrf_token_are_refused(draft, path_template):
    lead, proposal = draft
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    response = client.post(path_template.format(pk=proposal.pk), {"title_zh": "x"})
    assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).title_zh == "长三角协同研究"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.text(max_size=200), abstract=st.text(max_size=2000))
def test_any_text_round_trips_through_the_draft_form_or_is_refused_clearly(
    client, draft, title, abstract
):
    lead, proposal = draft
    client.force_login(lead)
    response = post_draft(client, proposal, title_zh=title, abstract_en=abstract)
    assert response.status_code in {200, 302}
    stored = Proposal.objects.get(pk=proposal.pk)
    if response.status_code == 302:
        # Django's form fields strip surrounding whitespace and refuse NUL; everything else is
        # kept, except what a title must not show (display_text).
        assert stored.title_zh == display_text(title) and stored.abstract_en == abstract.strip()
    else:
        assert response.context["form"].errors
