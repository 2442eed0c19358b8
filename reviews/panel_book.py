"""A panel's book: a cover with a table of contents, then every proposal's PDF in ranking order.

Each proposal is written by grants.proposals.pdf on its own, to a temporary file, and the files are joined
by pypdf; so each proposal's pages are exactly those of the PDF its reviewers read (with their
own page numbers), the table of contents can give each proposal's first page, and memory stays
bounded by the joined pages rather than by reportlab's whole story (bench/pdf_bench.py:
500 proposals in about 14 s and 150 MiB). Built from plain data, like grants.proposals.pdf; labels are
bilingual by design, so nothing here goes through gettext.
"""

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from grants.proposals import pdf
from grants.proposals.pdf import ProposalDocument

BOOK_LABEL = "会评材料 Panel book"
CONTENTS_LABEL = "目录 Contents"
CONTENTS_HEADER = ["序号 No.", "申请编号 Reference", "项目名称 Title", "页码 Page"]
# A cover long enough to need more pages shifts every first page; a few rounds settle it.
COVER_ROUNDS = 4


@dataclass(frozen=True)
class BookCover:
    panel: str
    call_title: str
    generated_on: str  # already formatted


@dataclass(frozen=True)
class ContentsLine:
    place: int
    reference: str
    title_zh: str
    title_en: str
    first_page: int


def write_panel_book(
    cover: BookCover,
    documents: Iterable[ProposalDocument],
    out: BinaryIO,
    progress: Callable[[int], None] = lambda done: None,
) -> int:
    """Write the book to ``out`` and return its page count. ``progress(n)`` is called after
    the n-th proposal is written."""
    with tempfile.TemporaryDirectory() as folder:
        parts = []
        for place, document in enumerate(documents, 1):
            path = Path(folder) / f"{place:05d}.pdf"
            with open(path, "wb") as handle:
                pdf.write_proposal_pdf(document, handle)
            parts.append((place, document, path, len(PdfReader(path).pages)))
            progress(place)
        cover_path = Path(folder) / "cover.pdf"
        _write_cover_settled(cover, parts, cover_path)
        writer = PdfWriter()
        writer.append(cover_path, import_outline=False)
        for place, document, path, _pages in parts:
            writer.append(path, outline_item=f"{place}. {document.reference}")
        writer.add_metadata({"/Title": f"{BOOK_LABEL} {cover.panel}", "/Author": pdf.FUND_NAME_EN})
        writer.write(out)
        return len(writer.pages)


def contents_lines(parts, cover_pages: int) -> list[ContentsLine]:
    """Each proposal's line in the table of contents, its first page counted after the cover."""
    lines, next_page = [], cover_pages + 1
    for place, document, _path, pages in parts:
        lines.append(
            ContentsLine(place, document.reference, document.title_zh, document.title_en, next_page)
        )
        next_page += pages
    return lines


def _write_cover_settled(cover, parts, path):
    """Write the cover until the page count it assumes for itself is the one it has."""
    cover_pages = 1
    for _round in range(COVER_ROUNDS):
        written = _write_cover(cover, contents_lines(parts, cover_pages), path)
        if written == cover_pages:
            return
        cover_pages = written
    raise RuntimeError("the panel book's table of contents does not settle")


def _write_cover(cover: BookCover, lines: list[ContentsLine], path: Path) -> int:
    template = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=pdf.PAGE_MARGIN,
        rightMargin=pdf.PAGE_MARGIN,
        topMargin=pdf.PAGE_MARGIN,
        bottomMargin=pdf.PAGE_MARGIN,
        title=BOOK_LABEL,
        author=pdf.FUND_NAME_EN,
    )
    template.build(_cover_story(cover, lines))
    return template.page


def _cover_story(cover: BookCover, lines: list[ContentsLine]) -> list:
    return [
        Spacer(1, 30 * mm),
        Paragraph(pdf.FUND_NAME_ZH, pdf.STYLES["fund"]),
        Paragraph(pdf.FUND_NAME_EN, pdf.STYLES["fund_en"]),
        Paragraph(BOOK_LABEL, pdf.STYLES["cover"]),
        _text(cover.panel, "cover_title"),
        _text(cover.call_title, "cover"),
        _text(f"共 {len(lines)} 项 {len(lines)} proposals · {cover.generated_on}", "cover"),
        PageBreak(),
        Paragraph(CONTENTS_LABEL, pdf.STYLES["heading"]),
        _contents_table(lines),
    ]


def _contents_table(lines: list[ContentsLine]) -> Table:
    rows = [
        [
            str(line.place),
            _text(line.reference or pdf.NONE, "cell"),
            _text(f"{line.title_zh}\n{line.title_en}", "cell"),
            str(line.first_page),
        ]
        for line in lines
    ]
    widths = [pdf.CONTENT_WIDTH * share for share in (0.08, 0.24, 0.58, 0.1)]
    table = Table([CONTENTS_HEADER, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(pdf.TABLE_STYLE)
    return table


def _text(value: str, style: str) -> Paragraph:
    # grants.proposals.pdf's escaping: a title is user text, and reportlab would read it as markup.
    return Paragraph(pdf._markup(value), pdf.STYLES[style])
