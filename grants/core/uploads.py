"""PDF attachments: checked by what they contain, stored under names we choose.

A file's name and content type are whatever the browser (or an attacker) says, so neither is
trusted: the bytes must start like a PDF and pypdf must be able to read them. The stored path
is a random name; the name the user gave is kept only for display, sanitised.
"""

import math
import os
import re
import zlib
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from grants.core.validators import display_text

MEGABYTE = 1024 * 1024
# What the compressed streams of one PDF may unpack to, all together. Thirty A4 pages scanned
# in grey at 300 dpi and compressed without loss unpack to about 260 MB; a decompression bomb
# (a few hundred kilobytes that unpack to gigabytes) goes far beyond, and is refused after
# unpacking this much, a chunk at a time, in well under a second.
MAX_UNPACKED_BYTES = 300 * MEGABYTE
UNPACK_CHUNK = MEGABYTE
# A few thousand objects make a long document; a million would take minutes to walk.
MAX_OBJECTS = 200_000
FLATE_NAMES = {"/FlateDecode", "/Fl"}
# Refused because reviewers open attachments on their own computers, in whatever reader they
# have: a script or an action can run there, send the reader's address (and with it who
# reviews what) out, or start a program; an embedded file travels on unchecked. A narrative
# needs none of them. Plain web links (/URI) are kept: references cite them.
ACTIVE_CONTENT = {
    "/JavaScript",
    "/JS",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/FileAttachment",
    "/RichMedia",
    "/XFA",
}
# What a reader does by itself, without a click: the document's opening action, and the
# additional actions (/AA) of the document, its pages, links and fields (on opening, closing,
# showing a page, pointing at a link). The upload rules promise that opening an attachment does
# nothing but show it, so these may only move within the document: a web link (/URI) or another
# file (/GoToR, /GoToE) opened on its own would tell someone outside that the file was read.
MOVES_WITHIN = {"/GoTo"}
# PDF readers accept the signature anywhere in the first kilobyte, so some valid files carry
# a few bytes of junk before it.
SIGNATURE = b"%PDF-"
SIGNATURE_WINDOW = 1024
# A tag: "<html", "<svg", "<?xml", "<!DOCTYPE", "</" ...
MARKUP = re.compile(rb"<[!?/]?[A-Za-z]")
END_MARKER = b"%%EOF"
END_WINDOW = 1024
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
        _check_end(upload)
        reader, count = _count_pages(upload, max_pages)
        _check_objects(reader)
        return count
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
    head = upload.read(SIGNATURE_WINDOW)
    if SIGNATURE not in head:
        raise ValidationError(
            _("This file is not a PDF. Please export your document as PDF and upload that."),
            code="pdf_wrong_type",
        )
    # Junk before the signature is tolerated, markup is not: that is an HTML (or SVG, XML)
    # page wearing a PDF header, which a browser might render if it ever sniffed the type.
    if MARKUP.search(head[: head.index(SIGNATURE)]):
        raise _extra_data()


def _check_end(upload) -> None:
    """The file ends where the PDF ends: a PDF with a ZIP (or anything else) appended is
    two files in one, and the other would reach the reviewers unchecked."""
    upload.seek(max(upload.size - END_WINDOW, 0))
    tail = upload.read(END_WINDOW)
    end = tail.rfind(END_MARKER)
    # Readers look for the end marker in the last kilobyte; without it the file is cut short.
    if end < 0:
        raise _damaged()
    if tail[end + len(END_MARKER) :].strip(b" \t\r\n\f\x00"):
        raise _extra_data()


def _extra_data() -> ValidationError:
    return ValidationError(
        _(
            "This file contains other data besides the PDF. Please export your document as PDF "
            "again and upload that."
        ),
        code="pdf_extra_data",
    )


def _damaged() -> ValidationError:
    return ValidationError(
        _("This PDF is damaged or cannot be read. Please save it again and re-upload it."),
        code="pdf_corrupt",
    )


def _count_pages(upload, max_pages: int) -> tuple[PdfReader, int]:
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        encrypted = reader.is_encrypted
        count = None if encrypted else len(reader.pages)
    # pypdf raises many kinds of error on broken files (its own, but also ValueError,
    # KeyError, RecursionError...); all of them mean the same thing to the user.
    except Exception as error:
        raise _damaged() from error
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
    return reader, count


def _check_objects(reader: PdfReader) -> None:
    """Walk every object the document refers to: refuse active content, and count what the
    compressed streams unpack to without ever holding more than a chunk of it."""
    budget = UnpackBudget(MAX_UNPACKED_BYTES)
    try:
        for obj in _objects(reader):
            if _is_active(obj) or _acts_on_its_own(obj):
                raise ValidationError(
                    _(
                        "This PDF contains scripts, embedded files or actions that run when it "
                        "is opened, which reviewers' computers must not receive. Please save it "
                        "again without them (for example by printing it to PDF) and re-upload it."
                    ),
                    code="pdf_active_content",
                )
            if isinstance(obj, StreamObject):
                budget.spend(obj)
    except ValidationError:
        raise
    except UnpackedTooLarge as error:
        raise ValidationError(
            _(
                "This PDF expands to more than %(limit)d MB when opened. Please save it again "
                "with ordinary compression (for example by printing it to PDF) and re-upload it."
            ),
            code="pdf_unpacks_too_large",
            params={"limit": MAX_UNPACKED_BYTES // MEGABYTE},
        ) from error
    except Exception as error:  # as in _count_pages: a broken object is a damaged file
        raise _damaged() from error


def _objects(reader: PdfReader):
    """Every dictionary, array, name and stream reachable from the trailer, each indirect
    object once (pages point back at their parents, so the graph has cycles)."""
    seen = set()
    pending = [reader.trailer]
    while pending:
        obj = pending.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            if len(seen) > MAX_OBJECTS:
                raise ValueError("too many objects to check")
            obj = obj.get_object()
        yield obj
        if isinstance(obj, DictionaryObject):
            pending.extend(obj.keys())
            pending.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            pending.extend(obj)


def _is_active(obj) -> bool:
    # pypdf decodes escaped names (/J#61vaScript is /JavaScript) as a reader would.
    return isinstance(obj, NameObject) and obj in ACTIVE_CONTENT


def _acts_on_its_own(obj) -> bool:
    if not isinstance(obj, DictionaryObject):
        return False
    triggers = []
    if "/OpenAction" in obj:
        triggers.append(obj["/OpenAction"])
    additional = obj.get("/AA")
    if additional is not None:
        additional = additional.get_object()
        if isinstance(additional, DictionaryObject):
            triggers.extend(additional.values())
    return any(action.get("/S") not in MOVES_WITHIN for action in _chain(triggers))


def _chain(actions):
    """The actions given and every one they lead on to (/Next: one action or a list), each
    once. An opening destination ([page /Fit], say) holds no action dictionary: nothing comes
    of it."""
    seen, pending = set(), list(actions)
    while pending:
        action = pending.pop()
        if isinstance(action, IndirectObject):
            if (action.idnum, action.generation) in seen:
                continue
            seen.add((action.idnum, action.generation))
            action = action.get_object()
        if isinstance(action, ArrayObject):
            pending.extend(action)
        elif isinstance(action, DictionaryObject) and "/S" in action:
            yield action
            if "/Next" in action:
                pending.append(action["/Next"])


class UnpackedTooLarge(Exception):
    pass


class UnpackBudget:
    """How many bytes the document's compressed streams may unpack to, all together.

    Only zlib (/FlateDecode) layers are unpacked: they are what decompression bombs use, at up
    to a thousand to one, nested for more. Image codecs (JPEG, JBIG2, CCITT) are left to the
    viewer, which sizes their pixels by the image's declared width and height.
    """

    def __init__(self, limit: int):
        self.left = limit

    def spend(self, stream) -> None:
        # pypdf keeps a stream's bytes as stored in ._data; get_data() would unpack the whole
        # stream into memory at once, which is the very thing to avoid.
        layers = _flate_layers(stream.get("/Filter"))
        if layers:
            self._inflate(stream._data, layers)

    def _inflate(self, data: bytes, layers: int) -> None:
        inflaters = [zlib.decompressobj(zlib.MAX_WBITS | 32) for _ in range(layers)]
        try:
            for start in range(0, len(data), UNPACK_CHUNK):
                self._feed(inflaters, 0, data[start : start + UNPACK_CHUNK])
        except zlib.error:
            # A corrupt stream stops unpacking where the corruption starts, in viewers too.
            return

    def _feed(self, inflaters, level: int, data: bytes) -> None:
        inflater = inflaters[level]
        while not inflater.eof:
            out = inflater.decompress(data, UNPACK_CHUNK)
            data = inflater.unconsumed_tail
            self._take(inflaters, level, out)
            # A full chunk may leave output pending inside zlib: ask again until it is drained.
            if not data and len(out) < UNPACK_CHUNK:
                return

    def _take(self, inflaters, level: int, out: bytes) -> None:
        if level + 1 < len(inflaters):
            self._feed(inflaters, level + 1, out)
            return
        self.left -= len(out)
        if self.left < 0:
            raise UnpackedTooLarge()


def _flate_layers(filters) -> int:
    """How many zlib layers a stream's filter chain starts with."""
    if filters is None:
        return 0
    filters = filters.get_object()
    names = list(filters) if isinstance(filters, ArrayObject) else [filters]
    layers = 0
    for name in names:
        if name not in FLATE_NAMES:
            break
        layers += 1
    return layers


def attachment_path(instance, filename: str) -> str:
    """Where an attachment is stored: a random name, never the user's name or path.

    For a FileField's ``upload_to``; ``filename`` is deliberately ignored.
    """
    return f"attachments/{uuid4().hex}.pdf"


def display_name(filename: str) -> str:
    """The name to show for an uploaded file: its base name, cleaned as every displayed text is
    (grants.core.validators.display_text) and without path characters, at most 120 characters."""
    # Some browsers send a full Windows path; keep what follows the last separator of either kind.
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in display_text(name) if ch not in UNSAFE_NAME_CHARACTERS)
    # Leading dots would make "." or ".." (or a hidden file's name) out of what is left.
    name = " ".join(name.split()).strip(". ")
    return _shorten(name) if name else DEFAULT_DISPLAY_NAME


def _shorten(name: str) -> str:
    if len(name) <= DISPLAY_NAME_LENGTH:
        return name
    # Cut the stem rather than the extension, so a long name still reads as a PDF.
    stem, extension = os.path.splitext(name)
    if len(extension) > 10:
        return name[:DISPLAY_NAME_LENGTH]
    return stem[: DISPLAY_NAME_LENGTH - len(extension)] + extension
