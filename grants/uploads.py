"""PDF attachments: checked by what they contain, stored under names we choose.

A file's name and content type are whatever the browser (or an attacker) says, so neither is
trusted: the bytes must start like a PDF and pypdf must be able to read them. The stored path
is a random name; the name the user gave is kept only for display, sanitised.
"""

import math
import os
import unicodedata
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from pypdf import PdfReader

MEGABYTE = 1024 * 1024
# PDF readers accept the signature anywhere in the first kilobyte, so some valid files carry
# a few bytes of junk before it.
SIGNATURE = b"%PDF-"
SIGNATURE_WINDOW = 1024
DISPLAY_NAME_LENGTH = 120
DEFAULT_DISPLAY_NAME = "document.pdf"
# Path separators and the characters Windows forbids in file names: harmless to drop from a
# name that is only shown, and the name stays safe if a user downloads the file under it.
UNSAFE_NAME_CHARACTERS = set('/\\:*?"<>|')


def check_pdf(upload, *, max_bytes: int, max_pages: int) -> int:
    """The page count of an uploaded PDF, or a ValidationError saying why it is refused."""
    _check_size(upload.size, max_bytes)
    try:
        _check_signature(upload)
        return _count_pages(upload, max_pages)
    finally:
        upload.seek(0)


def _check_size(size: int, max_bytes: int) -> None:
    # Checked before reading a byte, so an oversize file is refused without being parsed.
    if not size:
        raise ValidationError(_("The file is empty."), code="pdf_empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s MB; attachments can be at most %(limit)s MB."),
            code="pdf_too_large",
            params={"size": _megabytes(size, up=True), "limit": _megabytes(max_bytes)},
        )


def _megabytes(size: int, up: bool = False) -> str:
    # The file's size rounds up and the limit down, so a file just over the limit never
    # reads as equal to it.
    tenths = size * 10 / MEGABYTE
    return f"{(math.ceil(tenths) if up else math.floor(tenths)) / 10:.1f}"


def _check_signature(upload) -> None:
    upload.seek(0)
    if SIGNATURE not in upload.read(SIGNATURE_WINDOW):
        raise ValidationError(
            _("This file is not a PDF. Please export your document as PDF and upload that."),
            code="pdf_wrong_type",
        )


def _count_pages(upload, max_pages: int) -> int:
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        encrypted = reader.is_encrypted
        count = None if encrypted else len(reader.pages)
    # pypdf raises many kinds of error on broken files (its own, but also ValueError,
    # KeyError, RecursionError...); all of them mean the same thing to the user.
    except Exception as error:
        raise ValidationError(
            _("This PDF is damaged or cannot be read. Please save it again and re-upload it."),
            code="pdf_corrupt",
        ) from error
    if encrypted:
        raise ValidationError(
            _("This PDF is password-protected. Please upload it without a password."),
            code="pdf_encrypted",
        )
    if count > max_pages:
        raise ValidationError(
            ngettext_lazy(
                "This PDF has %(count)d pages; attachments can have at most %(limit)d page.",
                "This PDF has %(count)d pages; attachments can have at most %(limit)d pages.",
                "limit",
            ),
            code="pdf_too_many_pages",
            params={"count": count, "limit": max_pages},
        )
    return count


def attachment_path(instance, filename: str) -> str:
    """Where an attachment is stored: a random name, never the user's name or path.

    For a FileField's ``upload_to``; ``filename`` is deliberately ignored.
    """
    return f"attachments/{uuid4().hex}.pdf"


def display_name(filename: str) -> str:
    """The name to show for an uploaded file: its base name, without control or path
    characters, at most 120 characters long."""
    # Some browsers send a full Windows path; keep what follows the last separator of either kind.
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    # macOS sends decomposed accents; composing them keeps the name's length honest.
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if _allowed_in_name(ch))
    # Leading dots would make "." or ".." (or a hidden file's name) out of what is left.
    name = " ".join(name.split()).strip(". ")
    return _shorten(name) if name else DEFAULT_DISPLAY_NAME


def _allowed_in_name(ch: str) -> bool:
    # Format characters include the right-to-left override that makes "gpj.exe" look like
    # "exe.jpg"; surrogates only come from broken encodings.
    return ch not in UNSAFE_NAME_CHARACTERS and unicodedata.category(ch) not in ("Cc", "Cf", "Cs")


def _shorten(name: str) -> str:
    if len(name) <= DISPLAY_NAME_LENGTH:
        return name
    # Cut the stem rather than the extension, so a long name still reads as a PDF.
    stem, extension = os.path.splitext(name)
    if len(extension) > 10:
        return name[:DISPLAY_NAME_LENGTH]
    return stem[: DISPLAY_NAME_LENGTH - len(extension)] + extension
