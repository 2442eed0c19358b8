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
from reportlab.graphics.shapes import Drawing, Line, Rect
from reportlab.lib import colors
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
CALIBRATED_LABEL = "校准排序 Calibrated ranking"
CALIBRATED_HEADER = [
    "序号 No.",
    "申请编号 Reference",
    "平均分 Mean",
    "校准分 Calibrated",
    "预期名次 Expected rank (50 %; 90 %)",
    "",
]
CALIBRATED_NOTE = (
    "平均分为评审意见的加权平均，会评排序以此为准。校准分扣除了每位专家打分的宽严倾向；预期名次为该项目在全部"
    "评审项目中的平均名次，深色条为其名次一半情况下所在的范围（50 %），浅色条为十之八九所在的范围（90 %），"
    "竖线为预期名次。条带重叠的项目，评审意见无法将其区分开。"
    " The mean is the reviews' weighted mean, which the panel's ranking follows. The calibrated "
    "score takes each reviewer's leniency out; the expected rank is the proposal's mean place "
    "among all the call's reviewed proposals; the dark bar holds its place half the time (50 %), "
    "the light bar nine times in ten (90 %), the line marks the expected rank. Proposals whose "
    "bars overlap cannot be told apart by their reviews."
)
PLOT_WIDTH, PLOT_HEIGHT = 40 * mm, 4 * mm
BAND_50, BAND_90 = colors.HexColor("#0B3A6E"), colors.HexColor("#B9CDE4")
EXPECTED_MARK = colors.HexColor("#B3261E")


@dataclass(frozen=True)
class CalibrationLine:
    """One proposal of the panel in the call's calibrated ranking; ``plot`` is where its bars
    go (reviews.interval_plot.IntervalPlot, shared with the pages)."""

    place: int
    reference: str
    mean: str  # already formatted
    quality: float
    expected_rank: float
    rank_50: tuple[int, int]
    rank_90: tuple[int, int]
    plot: object


@dataclass(frozen=True)
class BookCover:
    panel: str
    call_title: str
    generated_on: str  # already formatted
    # The call's latest calibrated ranking for the panel's proposals, if one was fitted.
    calibration: tuple[CalibrationLine, ...] = ()
    calibration_axis: tuple[int, int] = (1, 1)


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
        *_calibration_story(cover),
    ]


def _calibration_story(cover: BookCover) -> list:
    if not cover.calibration:
        return []
    first, last = cover.calibration_axis
    return [
        PageBreak(),
        Paragraph(CALIBRATED_LABEL, pdf.STYLES["heading"]),
        _text(CALIBRATED_NOTE, "body"),
        _text(
            f"条带范围：第 {first} 至第 {last} 名 Bars from place {first} to place {last}", "body"
        ),
        _calibration_table(cover.calibration),
    ]


def _calibration_table(lines) -> Table:
    rows = [
        [
            str(line.place),
            _text(line.reference or pdf.NONE, "cell"),
            line.mean,
            f"{line.quality:.2f}",
            f"{line.expected_rank:.1f} ({line.rank_50[0]}–{line.rank_50[1]}; "
            f"{line.rank_90[0]}–{line.rank_90[1]})",
            _interval_drawing(line.plot),
        ]
        for line in lines
    ]
    widths = [12 * mm, 34 * mm, 18 * mm, 20 * mm, None, PLOT_WIDTH + 4 * mm]
    widths[4] = pdf.CONTENT_WIDTH - sum(width for width in widths if width)
    table = Table([CALIBRATED_HEADER, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(pdf.TABLE_STYLE)
    return table


def _interval_drawing(plot) -> Drawing:
    """The bars of the pages' SVG (templates/reviews/partials/rank_interval.html), in points."""
    drawing = Drawing(PLOT_WIDTH, PLOT_HEIGHT)
    x = PLOT_WIDTH / 100
    middle = PLOT_HEIGHT / 2
    drawing.add(Line(0, middle, PLOT_WIDTH, middle, strokeColor=colors.lightgrey))
    for low, width, height, colour in (
        (plot.low_90, plot.width_90, PLOT_HEIGHT * 0.4, BAND_90),
        (plot.low_50, plot.width_50, PLOT_HEIGHT * 0.7, BAND_50),
    ):
        drawing.add(
            Rect(
                low * x, middle - height / 2, width * x, height, fillColor=colour, strokeColor=None
            )
        )
    drawing.add(
        Line(plot.expected * x, 0, plot.expected * x, PLOT_HEIGHT, strokeColor=EXPECTED_MARK)
    )
    return drawing


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
