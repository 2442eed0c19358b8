"""Decision letters as PDFs: award letter, rejection letter and evaluation summary (the
ledger report, grants.funding.ledger_report, shares their letterhead and tables).

Built from plain frozen dataclasses, like the proposal PDF (grants.proposals.pdf), whose font, styles,
escaping and tables these documents share, so every document the fund issues looks alike.

Confidentiality (DOMAIN.md, Review): applicants never learn who reviewed them. ReviewSummary
therefore has no field that could hold a reviewer's identity; reviews are known only by their
position ("Review 1", "Review 2"…), and scores and comments share that numbering.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from grants.core.money import ZERO
from grants.proposals.pdf import (
    FUND_NAME_EN,
    FUND_NAME_ZH,
    NONE,
    PAGE_MARGIN,
    _amount,
    _clean,
    _field_table,
    _footer,
    _heading,
    _label,
    _markup,
    _para,
    _style,
    _table,
    _text_block,
    _widths,
    _year_label,
)
from reviews.scoring import display_score

NOT_APPLICABLE = "n/a"

AWARD_LETTER = "资助通知书 Award letter"
REJECTION_LETTER = "不予资助通知书 Notification of decision"
EVALUATION_SUMMARY = "评审意见汇总 Evaluation summary"

FUND_OFFICE_ZH = "长三角基础研究联合基金管理办公室"
FUND_OFFICE_EN = "Office of the Yangtze River Delta Joint Fund for Basic Research"

# DOMAIN.md, Decisions and afterwards.
OBLIGATIONS = (
    "项目自本通知书签发后启动，执行期限以批准的申请书为准。"
    "The project starts once this letter is issued and runs for the duration approved in the proposal.",
    "经费由各出资省份按上表分年度拨付，并按批准的预算使用。"
    "Each funding province pays its share by project year as scheduled above; the money is spent "
    "according to the approved budget.",
    "项目负责人每年提交年度进展报告。"
    "The principal investigator submits a progress report every project year.",
    "项目结束后 60 日内提交结题报告。"
    "The final report is due within 60 days after the end of the project.",
    "项目负责人、依托单位、项目名称及资助金额将予以公布。"
    "The principal investigator, institution, title and amount of the award are published.",
)

# DOMAIN.md, Review: redress.
REDRESS_NOTICE = (
    "如对评审程序有异议，申请人可自本通知书签发之日起 15 日内向基金办书面申请复审。"
    "复审仅核查评审程序是否合规，不对评审专家的学术判断重新评议。"
    "Within 15 days of the date of this letter, the applicant may ask the fund office in writing "
    "for a procedural re-check (复审). A re-check examines whether the review followed the rules; "
    "it does not re-assess the reviewers' scientific judgement."
)

CONFIDENTIALITY_NOTE = (
    "评审专家的身份依规定保密，各份评审意见仅以编号区分。"
    "Reviewers' identities are confidential; reviews are told apart by number only."
)

# The draw at the funding line (grants.funding.lottery), said plainly.
DRAWN = (
    "本项目与资助线附近评审结果无法区分的项目一同参加抽签，经抽签获得资助。"
    "Funded by the draw among proposals of equal standing: the reviews could not tell this "
    "proposal apart from others at the funding line, and the draw decided."
)
NOT_DRAWN = (
    "不予资助：未被抽中。本项目与资助线附近评审结果无法区分的项目一同参加抽签，未被抽中。"
    "Not funded: not drawn. The reviews could not tell this proposal apart from others at the "
    "funding line, and it was not drawn among them."
)
# Drawn into one of the places, but a province's pool had too little left for what the
# proposal asks of it when its turn came, so the place went to the next in the drawn order.
DRAWN_UNPAID = (
    "不予资助：已被抽中，但省份资助额度不足。本项目与资助线附近评审结果无法区分的项目一同参加"
    "抽签并被抽中，但轮到本项目时，其所需出资省份的剩余额度已不足以支付。"
    "Not funded: drawn, but a province's pool could not pay it. The reviews could not tell this "
    "proposal apart from others at the funding line and it was drawn among them, but when its "
    "turn came a province it asks money of had too little left in its pool."
)

LETTER_STYLES = {
    "signature": _style("signature", 10, alignment=TA_RIGHT),
}


@dataclass(frozen=True)
class ProvinceAmount:
    province_code: str
    province: str  # "上海 Shanghai"
    amount: Decimal


@dataclass(frozen=True)
class YearAmount:
    year: int
    amount: Decimal


@dataclass(frozen=True)
class CriterionSummary:
    name: str
    mean: Decimal | None
    scores: tuple[Decimal | None, ...]  # one per review, in review order; None is n/a


@dataclass(frozen=True)
class ReviewSummary:
    criteria: tuple[CriterionSummary, ...]
    overall_mean: Decimal | None
    comments: tuple[str, ...]  # the comments meant for the applicants, one per review
    panel_comment: str  # the panel's consensus comment, may be ""


@dataclass(frozen=True)
class LetterData:
    reference: str
    call_title: str
    title_zh: str
    title_en: str
    lead_pi: str
    lead_institution: str
    members: tuple[tuple[str, str, str], ...]  # (institution, province, PI name)
    issued_on: str  # already formatted, Asia/Shanghai
    rank: int | None
    amounts: tuple[ProvinceAmount, ...]  # awarded (award letter) or requested (rejection)
    total: Decimal
    cut: Decimal  # percentage cut applied, 0 if none
    # Per province (its name, or its code when ``amounts`` names it): payments by project year.
    schedule: tuple[tuple[str, tuple[YearAmount, ...]], ...]
    review: ReviewSummary | None
    outcome_note: str  # e.g. "Reserve list, place 3", or ""
    # DRAWN, DRAWN_UNPAID or NOT_DRAWN when the draw at the funding line decided.
    draw_note: str = ""


@dataclass(frozen=True)
class _FooterText:
    # The proposal PDF's footer reads only ``reference`` from the document it is given.
    reference: str


# Public builders ------------------------------------------------------------------------------


def build_award_letter(data: LetterData) -> bytes:
    return _bytes(write_award_letter, data)


def write_award_letter(data: LetterData, out: BinaryIO) -> None:
    story = [
        *_letterhead(AWARD_LETTER),
        _details(data),
        *_salutation(data),
        _para(
            "经评审，上述项目获得资助，资助金额及拨款计划如下。"
            "After review, the proposal above has been awarded funding as set out below."
        ),
        *([_para(data.draw_note)] if data.draw_note else []),
        *_consortium(data),
        *_award(data),
        *_schedule(data),
        *_obligations(),
        _signature(data.issued_on),
    ]
    _write(out, story, data.reference, _document_title(data))


def build_rejection_letter(data: LetterData) -> bytes:
    return _bytes(write_rejection_letter, data)


def write_rejection_letter(data: LetterData, out: BinaryIO) -> None:
    story = [
        *_letterhead(REJECTION_LETTER),
        _details(data, outcome=True),
        *_salutation(data),
        _para(
            "经评审，上述项目本次未获资助。"
            "After review, the proposal above has not been funded in this call."
        ),
        *([_para(data.draw_note)] if data.draw_note else []),
        *_requested(data),
        *_heading("评审意见 Review summary"),
        *_review_summary(data.review),
        *_heading("复审 Redress"),
        _para(REDRESS_NOTICE),
        _signature(data.issued_on),
    ]
    _write(out, story, data.reference, _document_title(data))


def build_evaluation_summary(data: LetterData) -> bytes:
    return _bytes(write_evaluation_summary, data)


def write_evaluation_summary(data: LetterData, out: BinaryIO) -> None:
    """The review summary alone, for funded and unfunded proposals alike."""
    story = [
        *_letterhead(EVALUATION_SUMMARY),
        _details(data),
        *_review_summary(data.review),
    ]
    _write(out, story, data.reference, _document_title(data))


# Document -------------------------------------------------------------------------------------


def _bytes(write, data: LetterData) -> bytes:
    buffer = io.BytesIO()
    write(data, buffer)
    return buffer.getvalue()


def _write(out: BinaryIO, story: list, footer_text: str, title: str) -> None:
    footer = _footer(_FooterText(footer_text))
    template = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=PAGE_MARGIN,
        bottomMargin=PAGE_MARGIN + 6 * mm,
        title=_clean(title),
        author=FUND_NAME_EN,
    )
    template.build(story, onFirstPage=footer, onLaterPages=footer)


def _document_title(data: LetterData) -> str:
    return f"{data.reference} {data.title_zh}"


def _letterhead(kind: str) -> list:
    return [
        _label(FUND_NAME_ZH, "fund"),
        _label(FUND_NAME_EN, "fund_en"),
        HRFlowable(width="100%", thickness=0.6, color=colors.grey, spaceAfter=10),
        _label(kind, "cover_title"),
        Spacer(1, 4),
    ]


def _details(data: LetterData, outcome: bool = False) -> Table:
    rows = [
        ("编号 Reference", data.reference),
        ("项目指南 Call", data.call_title),
        ("项目名称 Title", f"{data.title_zh}\n{data.title_en}"),
        ("项目负责人 Principal investigator", data.lead_pi),
        ("牵头单位 Lead institution", data.lead_institution),
        ("签发日期 Date of issue", data.issued_on),
    ]
    if data.rank is not None:
        rows.append(("会评排名 Panel rank", str(data.rank)))
    if outcome:
        rows.append(("评审结果 Outcome", data.outcome_note or "不予资助 Not funded"))
    return _field_table(rows)


def _salutation(data: LetterData) -> list:
    return [Spacer(1, 8), _para(f"尊敬的 {data.lead_pi}：Dear {data.lead_pi},")]


def _signature(issued_on: str) -> KeepTogether:
    style = LETTER_STYLES["signature"]
    office = [Paragraph(line, style) for line in (FUND_OFFICE_ZH, FUND_OFFICE_EN, "（盖章 Seal）")]
    return KeepTogether([Spacer(1, 16), *office, Paragraph(_markup(issued_on), style)])


# Content --------------------------------------------------------------------------------------


def _consortium(data: LetterData) -> list:
    header = ["单位 Institution", "省份 Province", "负责人 PI"]
    rows = [
        [_para(institution, "cell"), _para(province, "cell"), _para(pi_name, "cell")]
        for institution, province, pi_name in data.members
    ]
    return [*_heading("联合体 Consortium"), _table([header, *rows], _widths(0.5, 0.22, 0.28))]


def _award(data: LetterData) -> list:
    flowables = [*_heading("资助金额 Award"), _province_amounts(data, "资助金额 Award")]
    if data.cut:
        percent = _percent(data.cut)
        flowables += [
            Spacer(1, 4),
            _para(
                f"资助金额已在申请预算基础上核减 {percent}。"
                f"The award is the requested budget less a cut of {percent}."
            ),
        ]
    return flowables


def _requested(data: LetterData) -> list:
    return [*_heading("申请经费 Requested funding"), _province_amounts(data, "申请金额 Requested")]


def _province_amounts(data: LetterData, amount_label: str) -> Table:
    header = ["省份 Province", amount_label]
    rows = [[_para(share.province, "cell"), _amount(share.amount)] for share in data.amounts]
    footer = ["合计 Total", _amount(data.total)]
    return _table([header, *rows, footer], _widths(0.6, 0.4), total_row=True)


def _schedule(data: LetterData) -> list:
    names = {share.province_code: share.province for share in data.amounts}
    rows = [(names.get(province, province), payments) for province, payments in data.schedule]
    return [*_heading("拨款计划 Payment schedule"), _by_year_table(rows)]


def _obligations() -> list:
    items = [_para(f"{number}. {text}") for number, text in enumerate(OBLIGATIONS, start=1)]
    return [*_heading("项目管理要求 Obligations"), *items]


def _review_summary(review: ReviewSummary | None) -> list:
    if review is None:
        return [_para("暂无评审意见。No reviews are recorded for this proposal.")]
    count = _review_count(review)
    flowables = [
        *_heading("评分 Scores", "subheading"),
        _score_table(review, count),
        Spacer(1, 4),
        _para(f"综合平均分 Overall mean: {_score(review.overall_mean, 2)}"),
        *_heading("评审意见 Comments for the applicants", "subheading"),
        _para(CONFIDENTIALITY_NOTE),
    ]
    for number, comment in enumerate(review.comments, start=1):
        flowables += [_label(_review_label(number), "member"), *_text_block(comment)]
    if review.panel_comment.strip():
        flowables += [
            *_heading("会评意见 Panel comment", "subheading"),
            *_text_block(review.panel_comment),
        ]
    return flowables


def _review_count(review: ReviewSummary) -> int:
    return max([len(review.comments), *(len(c.scores) for c in review.criteria)])


def _score_table(review: ReviewSummary, count: int) -> Table:
    header = ["评审指标 Criterion", "平均分 Mean", *(_review_label(n) for n in range(1, count + 1))]
    rows = [
        [
            _para(criterion.name, "cell"),
            _label(_score(criterion.mean, 2), "amount"),
            *(_label(_score(score, 1), "amount") for score in _padded(criterion.scores, count)),
        ]
        for criterion in review.criteria
    ]
    name_share, mean_share = 0.3, 0.12
    review_share = (1 - name_share - mean_share) / max(count, 1)
    widths = _widths(name_share, mean_share, *([review_share] * count))
    return _table([header, *rows], widths)


def _padded(scores: tuple[Decimal | None, ...], count: int) -> list[Decimal | None]:
    # A review that left a criterion out altogether counts as n/a on it, never as 0.
    return [*scores, *([None] * (count - len(scores)))]


def _review_label(number: int) -> str:
    return f"评审 {number} Review {number}"


def _score(value: Decimal | None, places: int) -> str:
    return NOT_APPLICABLE if value is None else display_score(value, places)


def _percent(value: Decimal) -> str:
    # 10.00 -> "10%", 12.50 -> "12.5%"
    return f"{value.normalize():f}%"


# Tables ---------------------------------------------------------------------------------------


def _by_year_table(rows: Iterable[tuple[str, tuple[YearAmount, ...]]]) -> Table:
    """Provinces down, project years across, with a total column and a totals row."""
    rows = [(province, _by_year(payments)) for province, payments in rows]
    years = sorted({year for _, by_year in rows for year in by_year})
    header = ["省份 Province", *(_year_label(year) for year in years), "合计 Total"]
    body = [
        [
            _para(province, "cell"),
            *(_optional_amount(by_year.get(year)) for year in years),
            _amount(_sum(by_year.values())),
        ]
        for province, by_year in rows
    ]
    footer = [
        "合计 Total",
        *(_amount(_sum(by_year.get(year, ZERO) for _, by_year in rows)) for year in years),
        _amount(_sum(amount for _, by_year in rows for amount in by_year.values())),
    ]
    province_share = 0.24
    amount_share = (1 - province_share) / (len(years) + 1)
    widths = _widths(province_share, *([amount_share] * (len(years) + 1)))
    return _table([header, *body, footer], widths, total_row=True)


def _by_year(payments: tuple[YearAmount, ...]) -> dict[int, Decimal]:
    by_year: dict[int, Decimal] = {}
    for payment in payments:
        by_year[payment.year] = by_year.get(payment.year, ZERO) + payment.amount
    return by_year


def _optional_amount(amount: Decimal | None) -> Paragraph:
    return _label(NONE, "amount") if amount is None else _amount(amount)


def _sum(amounts: Iterable[Decimal]) -> Decimal:
    # Amounts are already to the fen, so plain addition is exact; ZERO keeps "0.00" when empty.
    return sum(amounts, ZERO)
