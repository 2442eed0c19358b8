"""The proposal as a PDF: what reviewers read and what the fund archives.

Built from plain data (ProposalDocument), so views, background tasks and tests can all call it
without the database. Labels are bilingual by design (Chinese and English side by side), so
nothing here goes through gettext. Everything a user typed is escaped before it reaches a
Paragraph: reportlab reads paragraph text as markup, and a title is not markup.
"""

import html
import io
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from grants.core.money import format_yuan
from grants.proposals import budget
from grants.proposals.budget import (
    EQUIPMENT,
    OPERATIONS,
    PERSONNEL,
    BudgetSummary,
    Totals,
)

# A CID font ships with every PDF viewer, so Chinese renders without embedding a font file
# (fast, small files); it carries Latin glyphs too, so one font serves the whole document.
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

FUND_NAME_ZH = "长三角基础研究联合基金"
FUND_NAME_EN = "Yangtze River Delta Joint Fund for Basic Research"
DRAFT = "草稿 DRAFT"
NONE = "—"

CATEGORY_LABELS = {
    EQUIPMENT: "设备费 Equipment",
    OPERATIONS: "业务费 Operations",
    PERSONNEL: "劳务费 Personnel",
}
ROLE_LABELS = {"lead": "牵头单位 Lead", "partner": "合作单位 Partner"}

PAGE_MARGIN = 18 * mm
CONTENT_WIDTH = A4[0] - 2 * PAGE_MARGIN
# Room a heading needs below it: a few lines of text, or the top of a budget table.
HEADING_ROOM = 40 * mm


@dataclass(frozen=True)
class MemberRow:
    key: str
    institution: str
    province_code: str
    province: str
    role: str  # "lead" | "partner"
    pi_name: str


@dataclass(frozen=True)
class ProposalDocument:
    reference: str  # "" for a draft
    call_title: str
    title_zh: str
    title_en: str
    primary_code: str
    secondary_code: str
    keywords: tuple[str, ...]
    abstract_zh: str
    abstract_en: str
    duration_months: int | None
    industry_problem: str
    partner_enterprise: str
    members: tuple[MemberRow, ...]
    budget: BudgetSummary
    sections: tuple[tuple[str, str], ...]  # (heading, text) in order
    other_funding: str
    submitted_at: str  # already formatted, Asia/Shanghai, or ""


def _style(name: str, size: float, **options) -> ParagraphStyle:
    # CJK wrapping breaks between Chinese characters (which have no spaces) but still keeps
    # Latin words whole, so it suits the mixed text of every field.
    options.setdefault("leading", size * 1.45)
    return ParagraphStyle(name, fontName=FONT, fontSize=size, wordWrap="CJK", **options)


STYLES = {
    "fund": _style("fund", 20, alignment=TA_CENTER, spaceAfter=4),
    "fund_en": _style("fund_en", 12, alignment=TA_CENTER, spaceAfter=28),
    "cover_title": _style("cover_title", 16, alignment=TA_CENTER, spaceAfter=8),
    "cover": _style("cover", 11, alignment=TA_CENTER, spaceAfter=6),
    "heading": _style("heading", 13, spaceBefore=12, spaceAfter=6),
    "subheading": _style("subheading", 11, spaceBefore=8, spaceAfter=4),
    "body": _style("body", 10, spaceAfter=6),
    # A piece of a long paragraph, or one of its lines: the next follows without a gap.
    "run": _style("run", 10),
    "member": _style("member", 10, spaceBefore=8, spaceAfter=3),
    "cell": _style("cell", 8.5),
    "amount": _style("amount", 8.5, alignment=TA_RIGHT),
}

TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
)
TOTAL_ROW_STYLE = [("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F4F4F4"))]


def build_proposal_pdf(document: ProposalDocument) -> bytes:
    """The proposal as PDF bytes."""
    buffer = io.BytesIO()
    write_proposal_pdf(document, buffer)
    return buffer.getvalue()


def write_proposal_pdf(document: ProposalDocument, out: BinaryIO) -> None:
    """Write the proposal PDF to a file-like object (a response, a storage file, a buffer)."""
    footer = _footer(document)
    template = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=PAGE_MARGIN,
        bottomMargin=PAGE_MARGIN + 6 * mm,
        title=_clean(f"{_reference(document)} {document.title_zh}"),
        author=FUND_NAME_EN,
    )
    template.build(_story(document), onFirstPage=footer, onLaterPages=footer)


def _story(document: ProposalDocument) -> list:
    return [
        *_cover(document),
        *_summary(document),
        *_industry(document),
        *_consortium(document),
        *_budget(document),
        *_sections(document),
        *_other_funding(document),
    ]


# Text -----------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """``text`` without the characters a PDF cannot carry.

    Control characters would be written into the page as raw bytes, and lone surrogates (from
    broken pastes) make reportlab's UTF-16 encoding raise; both are dropped. Tabs become
    spaces, since a paragraph has no tab stops.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cs"))


def _markup(text: str) -> str:
    """User text as paragraph markup that prints exactly as typed."""
    return html.escape(_clean(text), quote=False).replace("\n", "<br/>")


def _para(text: str, style: str = "body") -> Paragraph:
    return Paragraph(_markup(text), STYLES[style])


def _label(label: str, style: str = "heading") -> Paragraph:
    # Labels are our own constants, never user text, so they need no escaping.
    return Paragraph(label, STYLES[style])


def _text_block(text: str) -> list:
    """Long user text as paragraphs of bounded length, so the PDF takes time in proportion to
    the text.

    reportlab measures a paragraph anew each time it splits it across a page, so one huge
    paragraph costs the square of its length (a 300 kB section took seconds, 1 MB minutes).
    Blank lines separate the paragraphs the user typed; each of their lines is a paragraph of
    its own, spaced as a line break is, and a line longer than RUN_LENGTH is cut into runs at
    a space or a sentence end where there is one, or anywhere (one very long word).
    """
    flowables = []
    for block in _clean(text).split("\n\n"):
        lines = [line for line in block.split("\n") if line.strip()]
        for number, line in enumerate(lines, 1):
            runs = _runs(line)
            for run in runs[:-1]:
                flowables.append(_para(run, "run"))
            flowables.append(_para(runs[-1], "body" if number == len(lines) else "run"))
    return flowables or [_para(NONE)]


# A third of a page or so: short enough to measure quickly, long enough to be rarely cut.
RUN_LENGTH = 1500
# Where a run may end, best first: a space, then the end of a sentence or clause.
RUN_BREAKS = (" ", "。！？；，、.!?;,")


def _runs(line: str) -> list[str]:
    """``line`` cut into pieces of at most RUN_LENGTH characters that add up to it."""
    runs = []
    while len(line) > RUN_LENGTH:
        cut = _run_end(line)
        runs.append(line[:cut])
        line = line[cut:]
    return [*runs, line]


def _run_end(line: str) -> int:
    window = line[RUN_LENGTH // 2 : RUN_LENGTH]
    for breaks in RUN_BREAKS:
        found = max(window.rfind(ch) for ch in breaks)
        if found >= 0:
            return RUN_LENGTH // 2 + found + 1
    cut = RUN_LENGTH
    # Never part a letter from the accents that follow it.
    while cut > 1 and unicodedata.combining(line[cut]):
        cut -= 1
    return cut


def _heading(label: str, style: str = "heading") -> list:
    # Start a new page rather than leave a heading alone at the foot of one. (keepWithNext
    # would instead push the whole first paragraph over and leave a gap that size.)
    return [CondPageBreak(HEADING_ROOM), _label(label, style)]


def _reference(document: ProposalDocument) -> str:
    return document.reference or DRAFT


# Page furniture -------------------------------------------------------------------------------


def _footer(document: ProposalDocument):
    reference = _clean(_reference(document)).replace("\n", " ")

    def draw(canvas, template):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.grey)
        y = PAGE_MARGIN - 2 * mm
        canvas.drawString(PAGE_MARGIN, y, f"{FUND_NAME_ZH}  {reference}")
        page = canvas.getPageNumber()
        canvas.drawRightString(A4[0] - PAGE_MARGIN, y, f"第 {page} 页 Page {page}")
        canvas.restoreState()

    return draw


# Content --------------------------------------------------------------------------------------


def _cover(document: ProposalDocument) -> list:
    lead = _lead(document.members)
    lines = [
        f"申请编号 Reference: {_reference(document)}",
        f"项目指南 Call: {document.call_title}",
        f"牵头单位 Lead institution: {lead.institution if lead else NONE}",
        f"项目负责人 Principal investigator: {lead.pi_name if lead else NONE}",
        f"提交时间 Submitted: {document.submitted_at or NONE}",
    ]
    return [
        Spacer(1, 40 * mm),
        _label(FUND_NAME_ZH, "fund"),
        _label(FUND_NAME_EN, "fund_en"),
        _label("项目申请书 Research Proposal", "cover"),
        Spacer(1, 12 * mm),
        _para(document.title_zh, "cover_title"),
        _para(document.title_en, "cover_title"),
        Spacer(1, 16 * mm),
        *(_para(line, "cover") for line in lines),
        PageBreak(),
    ]


def _lead(members: tuple[MemberRow, ...]) -> MemberRow | None:
    leads = [member for member in members if member.role == "lead"]
    return (leads or list(members) or [None])[0]


def _summary(document: ProposalDocument) -> list:
    duration = document.duration_months
    rows = [
        ("项目名称 Title", f"{document.title_zh}\n{document.title_en}"),
        ("申请代码一 Primary code", document.primary_code),
        ("申请代码二 Secondary code", document.secondary_code),
        ("关键词 Keywords", "；".join(document.keywords)),
        ("执行期限 Duration", f"{duration} 个月 months" if duration else NONE),
    ]
    return [
        *_heading("一、项目概况 Project summary"),
        _field_table(rows),
        *_heading("中文摘要 Abstract (Chinese)", "subheading"),
        *_text_block(document.abstract_zh),
        *_heading("英文摘要 Abstract (English)", "subheading"),
        *_text_block(document.abstract_en),
    ]


def _industry(document: ProposalDocument) -> list:
    return [
        *_heading("二、产业导向 Industrial orientation"),
        *_heading("拟解决的产业问题 Industrial problem addressed", "subheading"),
        *_text_block(document.industry_problem),
        *_heading("合作企业 Partner enterprise", "subheading"),
        *_text_block(document.partner_enterprise),
    ]


def _consortium(document: ProposalDocument) -> list:
    header = ["单位 Institution", "省份 Province", "角色 Role", "负责人 PI"]
    rows = [
        [
            _para(member.institution, "cell"),
            _para(member.province, "cell"),
            _label(ROLE_LABELS.get(member.role, NONE), "cell"),
            _para(member.pi_name, "cell"),
        ]
        for member in document.members
    ]
    widths = _widths(0.42, 0.18, 0.18, 0.22)
    return [*_heading("三、联合体 Consortium"), _table([header, *rows], widths)]


def _budget(document: ProposalDocument) -> list:
    summary = document.budget
    total = ("合计 Total", format_yuan(summary.total))
    return [
        *_heading("四、经费预算 Budget"),
        _field_table(
            [
                ("直接费用 Direct costs", format_yuan(summary.direct_total)),
                ("间接费用 Indirect costs", format_yuan(summary.indirect_total)),
                total,
            ]
        ),
        *_heading("按省份 By province", "subheading"),
        _province_table(document),
        *_heading("按年度 By year", "subheading"),
        _year_table(summary),
        *_member_budgets(document),
    ]


def _province_table(document: ProposalDocument) -> Table:
    summary = document.budget
    names = {member.province_code: member.province for member in document.members}
    header = ["省份 Province", "直接费用 Direct", "间接费用 Indirect", "合计 Total", "占比 Share"]
    rows = [
        [_para(names.get(code, code), "cell"), *_amounts(totals), _share(totals.total, summary)]
        for code, totals in summary.by_province.items()
    ]
    footer = ["合计 Total", *_amounts(_overall(summary)), _share(summary.total, summary)]
    return _table([header, *rows, footer], _widths(0.28, 0.2, 0.2, 0.2, 0.12), total_row=True)


def _year_table(summary: BudgetSummary) -> Table:
    header = ["年度 Year", "直接费用 Direct", "间接费用 Indirect", "合计 Total"]
    rows = [[_year_label(year), *_amounts(totals)] for year, totals in summary.by_year.items()]
    footer = ["合计 Total", *_amounts(_overall(summary))]
    return _table([header, *rows, footer], _widths(0.28, 0.24, 0.24, 0.24), total_row=True)


def _member_budgets(document: ProposalDocument) -> list:
    summary = document.budget
    by_key = {member.key: member for member in document.members}
    # Members in consortium order (lead first), then any budget key the consortium lacks.
    keys = [member.key for member in document.members if member.key in summary.by_member]
    keys += [key for key in summary.by_member if key not in by_key]
    flowables = _heading("按单位 By member institution", "subheading")
    for key in keys:
        member = by_key.get(key)
        heading = f"{member.institution}（{member.province}）" if member else key
        table = _member_table(summary.by_member[key], budget.years(summary))
        flowables.append(KeepTogether([_para(heading, "member"), table]))
    return flowables


def _member_table(totals: budget.MemberTotals, years: tuple[int, ...]) -> Table:
    """One member's costs: each category, then direct, indirect and total by year.

    The summary keeps categories per member but not per member and year, so category rows
    show the member's total only and leave the year columns empty.
    """
    header = ["项目 Item", *(_year_label(year) for year in years), "合计 Total"]
    blank = [""] * len(years)
    by_year = [totals.by_year.get(year, Totals()) for year in years]
    rows = [
        *(
            [CATEGORY_LABELS[category], *blank, _amount(amount)]
            for category, amount in totals.by_category.items()
        ),
        ["直接费用 Direct", *(_amount(t.direct) for t in by_year), _amount(totals.direct)],
        ["间接费用 Indirect", *(_amount(t.indirect) for t in by_year), _amount(totals.indirect)],
        ["合计 Total", *(_amount(t.total) for t in by_year), _amount(totals.total)],
    ]
    item_share = 0.22
    amount_share = (1 - item_share) / (len(years) + 1)
    widths = _widths(item_share, *([amount_share] * (len(years) + 1)))
    return _table([header, *rows], widths, total_row=True)


def _sections(document: ProposalDocument) -> list:
    flowables = _heading("五、项目正文 Narrative")
    for heading, text in document.sections:
        flowables += [CondPageBreak(HEADING_ROOM), _para(heading, "subheading"), *_text_block(text)]
    return flowables


def _other_funding(document: ProposalDocument) -> list:
    return [
        *_heading("六、其他资助声明 Declaration of other funding"),
        *_text_block(document.other_funding),
    ]


# Tables ---------------------------------------------------------------------------------------


def _table(rows: list, widths: list[float], total_row: bool = False) -> Table:
    # splitInRow lets a row break across pages: a cell with a very long user text would
    # otherwise fit on no page at all and stop the whole build.
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT", splitInRow=1)
    table.setStyle(TABLE_STYLE)
    if total_row:
        table.setStyle(TableStyle(TOTAL_ROW_STYLE))
    return table


def _field_table(rows: list[tuple[str, str]]) -> Table:
    """Label and value pairs, the value being user text."""
    cells = [[_label(label, "cell"), _para(value or NONE, "cell")] for label, value in rows]
    table = Table(cells, colWidths=_widths(0.3, 0.7), hAlign="LEFT", splitInRow=1)
    table.setStyle(TABLE_STYLE)
    # These tables have no header row; undo the header shading.
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.white)]))
    return table


def _widths(*shares: float) -> list[float]:
    return [CONTENT_WIDTH * share for share in shares]


def _amount(amount: Decimal) -> Paragraph:
    return _label(format_yuan(amount), "amount")


def _amounts(totals: Totals) -> list[Paragraph]:
    return [_amount(totals.direct), _amount(totals.indirect), _amount(totals.total)]


def _overall(summary: BudgetSummary) -> Totals:
    return Totals(summary.direct_total, summary.indirect_total)


def _share(amount: Decimal, summary: BudgetSummary) -> Paragraph:
    if summary.total == 0:
        return _label(NONE, "amount")
    return _label(f"{amount / summary.total:.1%}", "amount")


def _year_label(year: int) -> str:
    return f"第 {year} 年 Year {year}"
