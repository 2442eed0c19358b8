import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from grants.models import Proposal
from tests.factories import make_call, make_proposal, make_user


@pytest.fixture
def draft(reference):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])
    return lead, proposal


def form_data(proposal, **overrides):
    data = {
        "version": proposal.version,
        "title_zh": "新的题目",
        "title_en": "A new title",
        "primary_code": "F06",
        "secondary_code": "",
        "keywords": "甲, 乙, 丙",
        "abstract_zh": "摘要",
        "abstract_en": "Abstract",
        "duration_months": "36",
        "industry_problem": "",
        "partner_enterprise": "",
        "section_rationale": "依据",
        "section_basis": "基础",
        "section_other": "其他",
        "other_funding": "none",
        "other_funding_details": "",
    }
    data.update(overrides)
    return data


def pdf_bytes(pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_draft_saves_any_subset_of_fields(client, draft):
    lead, proposal = draft
    client.force_login(lead)
    response = client.post(
        f"/proposals/{proposal.pk}/edit/", {"version": proposal.version, "title_zh": "只有题目"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title_zh == "只有题目" and proposal.title_en == ""


def test_the_checklist_is_shown_on_the_draft(client, draft):
    lead, proposal = draft
    client.force_login(lead)
    client.post(f"/proposals/{proposal.pk}/edit/", form_data(proposal, keywords="一"))
    page = client.get(f"/proposals/{proposal.pk}/edit/")
    assert 'data-code="keywords_too_few"' in page.text


def test_later_save_is_refused_and_the_text_stays_on_screen(client, draft):
    lead, proposal = draft
    client.force_login(lead)
    stale_version = proposal.version
    assert (
        client.post(
            f"/proposals/{proposal.pk}/edit/", form_data(proposal, title_zh="第一个人")
        ).status_code
        == 302
    )
    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        form_data(proposal, version=stale_version, title_zh="第二个人的文字"),
    )
    assert response.status_code == 200
    assert "Someone else saved this proposal" in response.text
    assert 'value="第二个人的文字"' in response.text
    assert Proposal.objects.get(pk=proposal.pk).title_zh == "第一个人"


def test_expired_session_keeps_what_was_typed(client, draft):
    lead, proposal = draft
    response = client.post(
        f"/proposals/{proposal.pk}/edit/", form_data(proposal, section_basis="很长的一段文字")
    )
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(lead)  # keeps the session's data, as signing in does
    page = client.get(f"/proposals/{proposal.pk}/edit/")
    assert "很长的一段文字" in page.text
    assert "It is not saved yet" in page.text
    assert Proposal.objects.get(pk=proposal.pk).section_basis == "研究基础。"


def test_renamed_non_pdf_is_refused_beside_the_field_and_the_form_is_kept(client, draft):
    lead, proposal = draft
    client.force_login(lead)
    fake = SimpleUploadedFile(
        "narrative.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 200, content_type="application/pdf"
    )
    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        {**form_data(proposal, title_zh="保留我"), "narrative_pdf": fake},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["narrative_pdf"]
    assert 'value="保留我"' in response.text
    assert not Proposal.objects.get(pk=proposal.pk).narrative_pdf


def test_a_good_pdf_is_stored_under_a_random_name_and_downloaded_by_readers_only(
    client, draft, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    lead, proposal = draft
    client.force_login(lead)
    upload = SimpleUploadedFile(
        "../../我的 计划书.pdf", pdf_bytes(2), content_type="application/pdf"
    )
    assert (
        client.post(
            f"/proposals/{proposal.pk}/edit/", {**form_data(proposal), "narrative_pdf": upload}
        ).status_code
        == 302
    )
    proposal.refresh_from_db()
    assert (
        proposal.narrative_pdf.name.startswith("attachments/")
        and "计划书" not in proposal.narrative_pdf.name
    )
    download = client.get(f"/proposals/{proposal.pk}/narrative/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    client.force_login(make_user(institution="南京大学"))
    assert client.get(f"/proposals/{proposal.pk}/narrative/").status_code == 404


def test_too_many_pages_is_refused(client, draft):
    lead, proposal = draft
    proposal.call.attachment_max_pages = 2
    proposal.call.save()
    client.force_login(lead)
    upload = SimpleUploadedFile("n.pdf", pdf_bytes(3), content_type="application/pdf")
    response = client.post(
        f"/proposals/{proposal.pk}/edit/", {**form_data(proposal), "narrative_pdf": upload}
    )
    assert (
        response.context["form"].errors["narrative_pdf"][0]
        == "This PDF has 3 pages; attachments can have at most 2 pages."
    )


def test_after_the_deadline_the_draft_is_read_only_and_input_is_kept(client, draft):
    lead, proposal = draft
    call = proposal.call
    call.closes_at = call.opens_at + timedelta(seconds=1)
    call.save()
    client.force_login(lead)
    page = client.get(f"/proposals/{proposal.pk}/")
    assert page.status_code == 200 and "长三角协同研究" in page.text
    response = client.post(
        f"/proposals/{proposal.pk}/edit/", form_data(proposal, title_zh="截止后输入")
    )
    assert response.status_code == 200 and "The call is closed" in response.text
    assert 'value="截止后输入"' in response.text


def test_unknown_discipline_code_is_explained(client, draft):
    lead, proposal = draft
    client.force_login(lead)
    response = client.post(
        f"/proposals/{proposal.pk}/edit/", form_data(proposal, primary_code="Q99")
    )
    assert "Q99 is not an NSFC code we know" in response.text


def test_submit_from_the_page_and_a_one_province_consortium_is_refused(client, reference):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, partners=[make_user(institution="同济大学")])
    client.force_login(lead)
    response = client.post(f"/proposals/{proposal.pk}/submit/", follow=True)
    assert "this call requires at least 2" in response.text
    assert Proposal.objects.get(pk=proposal.pk).status == "draft"


def test_submit_from_the_page(client, draft):
    lead, proposal = draft
    client.force_login(lead)
    response = client.post(f"/proposals/{proposal.pk}/submit/", follow=True)
    assert "YRD-2026-F06-0001" in response.text


def test_switching_language_keeps_what_was_typed(client, draft):
    lead, proposal = draft
    client.force_login(lead)
    response = client.post(
        f"/language/?next=/proposals/{proposal.pk}/edit/",
        {**form_data(proposal, title_en="Typed before switching"), "language": "zh-hans"},
    )
    assert response.status_code == 302 and response["Location"] == f"/proposals/{proposal.pk}/edit/"
    page = client.get(f"/proposals/{proposal.pk}/edit/")
    assert '<html lang="zh-hans">' in page.text
    assert 'value="Typed before switching"' in page.text
    assert Proposal.objects.get(pk=proposal.pk).title_en == "Joint research in the delta"


def test_titles_lose_bidirectional_overrides_and_zero_width_characters(client, draft):
    lead, proposal = draft
    client.force_login(lead)
    data = form_data(
        proposal,
        title_zh="工业\u200b视觉\u202e检测",
        title_en="Visual \u2066defect\u2069 detection\ufeff",
        partner_enterprise="上海\u200d智检",
    )
    assert client.post(f"/proposals/{proposal.pk}/edit/", data).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title_zh, proposal.title_en, proposal.partner_enterprise) == (
        "工业视觉检测",
        "Visual defect detection",
        "上海智检",
    )


def test_a_title_too_long_once_cleaned_is_refused_beside_the_field_and_kept(client, draft):
    lead, proposal = draft
    client.force_login(lead)
    typed = "题" * 201 + "\u200b" * 5
    response = client.post(
        f"/proposals/{proposal.pk}/edit/", form_data(proposal, title_zh=typed, title_en="Kept")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["title_zh"]
    assert 'id="id_title_zh_error"' in response.text
    assert form["title_en"].value() == "Kept"
    assert form["title_zh"].value() == typed
