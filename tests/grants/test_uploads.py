import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from grants.uploads import attachment_path, check_pdf, display_name

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
