import io
import re

from pypdf import PdfReader

from tests.factories import make_call, make_proposal, make_user


def test_call_list_filters_open_calls_and_areas(client, reference):
    open_call = make_call("open-one", areas=("F",))
    closed = make_call("closed-one", areas=("E",))
    closed.status = "closed"
    closed.save()
    make_call("draft-one", status_open=False)
    page = client.get("/calls/")
    assert "open-one" in page.text and "closed-one" in page.text and "draft-one" not in page.text
    assert [c.code for c in client.get("/calls/?open_now=true").context["calls"]] == [
        open_call.code
    ]
    assert [c.code for c in client.get("/calls/?area=E").context["calls"]] == ["closed-one"]


def test_call_page_shows_rules_and_deadline_in_beijing_time(client, reference):
    call = make_call("c1")
    page = client.get("/calls/c1/")
    assert "Beijing time" in page.text and "¥3,000,000.00" in page.text
    from django.utils import timezone

    closes = timezone.localtime(call.closes_at)
    assert f"{closes.day} {closes:%B %Y, %H:%M}" in page.text  # 27 November 2026, 17:00


def test_proposal_pdf_has_chinese_title_reference_and_province_totals(client, reference):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(
        make_call(),
        lead,
        partners=[make_user(institution="浙江大学")],
        submit=True,
        title_zh="量子<b>计算</b> & 材料",
    )
    client.force_login(lead)
    response = client.get(f"/proposals/{proposal.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = re.sub(r"\s+", "", text)
    assert "量子<b>计算</b>&材料" in flat
    assert proposal.reference in flat
    # Each member: ¥300,000 operations over 3 years, +30% indirect = ¥390,000 per province.
    assert flat.count("¥390,000.00") >= 2 and "¥780,000.00" in flat
