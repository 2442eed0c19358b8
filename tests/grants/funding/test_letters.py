import dataclasses
import io
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from pypdf import PdfReader

from grants.funding.ledger_report import LedgerRow, build_ledger_report, write_ledger_report
from grants.funding.letters import (
    DRAWN,
    NOT_DRAWN,
    CriterionSummary,
    LetterData,
    ProvinceAmount,
    ReviewSummary,
    YearAmount,
    build_award_letter,
    build_evaluation_summary,
    build_rejection_letter,
    write_award_letter,
    write_evaluation_summary,
    write_rejection_letter,
)

SHANGHAI, JIANGSU, ZHEJIANG, ANHUI = "310000", "320000", "330000", "340000"

REVIEW = ReviewSummary(
    criteria=(
        CriterionSummary("卓越性 Excellence", Decimal("4.1666"), (Decimal("4.5"), Decimal("4"))),
        CriterionSummary("影响 Impact", Decimal("3.5"), (Decimal("3.5"), None)),
        CriterionSummary("实施 Implementation", None, (None, None)),
    ),
    overall_mean=Decimal("3.83333"),
    comments=("研究思路清晰。The approach is clear.", "预算偏高。The budget is high."),
    panel_comment="会评认为项目具有较好的产业前景。The panel sees good industrial prospects.",
)


def letter(**changes) -> LetterData:
    data = LetterData(
        reference="YRD-2026-F06-0042",
        call_title="2026 年度长三角基础研究联合基金 2026 Joint Fund call",
        title_zh="面向长三角制造业的工业视觉缺陷检测方法研究",
        title_en="Visual defect detection for Yangtze River Delta manufacturing",
        lead_pi="张明",
        lead_institution="复旦大学 Fudan University",
        members=(
            ("复旦大学 Fudan University", "上海 Shanghai", "张明"),
            ("南京大学 Nanjing University", "江苏 Jiangsu", "李华"),
        ),
        issued_on="2026-09-15",
        rank=4,
        amounts=(
            ProvinceAmount(SHANGHAI, "上海 Shanghai", Decimal("863100.59")),
            ProvinceAmount(JIANGSU, "江苏 Jiangsu", Decimal("518844.43")),
        ),
        total=Decimal("1381945.02"),
        cut=Decimal("10.00"),
        schedule=(
            (
                "上海 Shanghai",
                (YearAmount(1, Decimal("500000.00")), YearAmount(2, Decimal("363100.59"))),
            ),
            (
                "江苏 Jiangsu",
                (YearAmount(1, Decimal("300000.00")), YearAmount(2, Decimal("218844.43"))),
            ),
        ),
        review=REVIEW,
        outcome_note="",
    )
    return replace(data, **changes)


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def squeezed(data: bytes) -> str:
    """All text of the PDF without whitespace: pypdf spaces CID-font text unpredictably."""
    return re.sub(r"\s+", "", "".join(pages_text(data)))


LETTERS = [build_award_letter, build_rejection_letter, build_evaluation_summary]


# Award letter -----------------------------------------------------------------------------------


def test_award_letter_has_the_letterhead_reference_and_titles():
    text = squeezed(build_award_letter(letter()))
    assert "长三角基础研究联合基金" in text
    assert "YangtzeRiverDeltaJointFundforBasicResearch" in text
    assert "资助通知书Awardletter" in text
    assert "YRD-2026-F06-0042" in text
    assert "面向长三角制造业的工业视觉缺陷检测方法研究" in text
    assert "VisualdefectdetectionforYangtzeRiverDeltamanufacturing" in text


def test_award_letter_names_the_lead_and_the_consortium():
    text = squeezed(build_award_letter(letter()))
    assert "项目负责人Principalinvestigator张明" in text
    assert "牵头单位Leadinstitution复旦大学FudanUniversity" in text
    assert "南京大学NanjingUniversity江苏Jiangsu李华" in text


def test_award_letter_prints_the_award_per_province_and_the_total():
    text = squeezed(build_award_letter(letter()))
    assert "上海Shanghai¥863,100.59" in text
    assert "江苏Jiangsu¥518,844.43" in text
    assert "合计Total¥1,381,945.02" in text


def test_award_letter_states_the_cut():
    text = squeezed(build_award_letter(letter(cut=Decimal("12.50"))))
    assert "核减12.5%" in text
    assert "acutof12.5%" in text


def test_award_letter_without_a_cut_mentions_none():
    text = squeezed(build_award_letter(letter(cut=Decimal("0"))))
    assert "核减" not in text
    assert "cutof" not in text


def test_award_letter_prints_the_payment_schedule_per_province_and_year():
    text = squeezed(build_award_letter(letter()))
    assert "省份Province第1年Year1第2年Year2合计Total" in text
    assert "上海Shanghai¥500,000.00¥363,100.59¥863,100.59" in text
    assert "江苏Jiangsu¥300,000.00¥218,844.43¥518,844.43" in text
    assert "合计Total¥800,000.00¥581,945.02¥1,381,945.02" in text


def test_schedule_may_name_provinces_by_code_and_leave_years_empty():
    schedule = (
        (SHANGHAI, (YearAmount(1, Decimal("100.00")),)),
        (JIANGSU, (YearAmount(2, Decimal("50.00")),)),
    )
    text = squeezed(build_award_letter(letter(schedule=schedule)))
    assert "上海Shanghai¥100.00—¥100.00" in text
    assert "江苏Jiangsu—¥50.00¥50.00" in text


def test_award_letter_lists_the_obligations_and_is_signed_by_the_fund_office():
    text = squeezed(build_award_letter(letter()))
    assert "年度进展报告" in text
    assert "progressreporteveryprojectyear" in text
    assert "项目结束后60日内提交结题报告" in text
    assert "within60daysaftertheendoftheproject" in text
    assert text.endswith(
        "长三角基础研究联合基金管理办公室OfficeoftheYangtzeRiverDeltaJointFundforBasicResearch"
        "（盖章Seal）2026-09-15"
    )


def test_award_letter_does_not_print_the_review():
    text = squeezed(build_award_letter(letter()))
    assert "Review1" not in text
    assert "研究思路清晰" not in text


# Rejection letter and evaluation summary --------------------------------------------------------


def test_rejection_letter_prints_the_decision_and_the_outcome_note():
    text = squeezed(build_rejection_letter(letter(outcome_note="Reserve list, place 3")))
    assert "不予资助通知书Notificationofdecision" in text
    assert "评审结果OutcomeReservelist,place3" in text
    assert "YRD-2026-F06-0042" in text
    assert "面向长三角制造业的工业视觉缺陷检测方法研究" in text


def test_rejection_letter_without_a_note_says_not_funded():
    text = squeezed(build_rejection_letter(letter(outcome_note="")))
    assert "评审结果Outcome不予资助Notfunded" in text


def test_rejection_letter_restates_the_requested_amounts():
    text = squeezed(build_rejection_letter(letter()))
    assert "申请金额Requested" in text
    assert "上海Shanghai¥863,100.59" in text
    assert "合计Total¥1,381,945.02" in text


def test_rejection_letter_carries_the_redress_notice():
    text = squeezed(build_rejection_letter(letter()))
    assert "15日内向基金办书面申请复审" in text
    assert "Within15daysofthedateofthisletter" in text
    assert "proceduralre-check(复审)" in text


@pytest.mark.parametrize("build", [build_rejection_letter, build_evaluation_summary])
def test_review_summary_tables_scores_by_numbered_review_with_na(build):
    text = squeezed(build(letter()))
    assert "评审指标Criterion平均分Mean评审1Review1评审2Review2" in text
    assert "卓越性Excellence4.174.54.0" in text
    assert "影响Impact3.503.5n/a" in text
    assert "实施Implementationn/an/an/a" in text
    assert "综合平均分Overallmean:3.83" in text


@pytest.mark.parametrize("build", [build_rejection_letter, build_evaluation_summary])
def test_review_summary_numbers_the_comments_like_the_scores(build):
    text = squeezed(build(letter()))
    assert "评审1Review1研究思路清晰。Theapproachisclear." in text
    assert "评审2Review2预算偏高。Thebudgetishigh." in text
    assert "会评意见Panelcomment会评认为项目具有较好的产业前景。" in text


def test_review_summary_counts_a_missing_score_as_na_not_zero():
    review = replace(
        REVIEW,
        criteria=(CriterionSummary("卓越性 Excellence", Decimal("4"), (Decimal("4"),)),),
    )
    text = squeezed(build_evaluation_summary(letter(review=review)))
    assert "卓越性Excellence4.004.0n/a" in text


def test_review_summary_leaves_out_an_empty_panel_comment():
    text = squeezed(build_evaluation_summary(letter(review=replace(REVIEW, panel_comment=""))))
    assert "Panelcomment" not in text


@pytest.mark.parametrize("build", [build_rejection_letter, build_evaluation_summary])
def test_review_summary_says_so_when_there_are_no_reviews(build):
    text = squeezed(build(letter(review=None)))
    assert "暂无评审意见。Noreviewsarerecordedforthisproposal." in text


def test_evaluation_summary_has_its_heading_and_no_decision():
    text = squeezed(build_evaluation_summary(letter()))
    assert "评审意见汇总Evaluationsummary" in text
    assert "YRD-2026-F06-0042" in text
    assert "复审" not in text
    assert "¥" not in text


def test_long_comments_flow_over_several_pages():
    long_comment = "该项目的研究方案需要进一步论证" * 700
    review = replace(REVIEW, comments=(long_comment, "Short."))
    short = build_evaluation_summary(letter())
    data = build_evaluation_summary(letter(review=review))
    assert len(pages_text(data)) >= len(pages_text(short)) + 3
    assert squeezed(data).count("该项目的研究方案需要进一步论证") >= 690
    assert "评审2Review2Short." in squeezed(data)


# Confidentiality --------------------------------------------------------------------------------


def test_review_summary_has_no_field_that_could_hold_a_reviewer():
    assert [f.name for f in dataclasses.fields(ReviewSummary)] == [
        "criteria",
        "overall_mean",
        "comments",
        "panel_comment",
    ]
    assert [f.name for f in dataclasses.fields(CriterionSummary)] == ["name", "mean", "scores"]
    with pytest.raises(TypeError):
        ReviewSummary((), None, (), "", reviewer="王教授")  # type: ignore[call-arg]


def test_evaluation_summary_prints_the_fields_given_and_nothing_else():
    # The whole document, word for word: reviews are known by number only, and there is no
    # field a reviewer's identity could come from.
    expected = [
        "长三角基础研究联合基金 YRD-2026-F06-0042 第 1 页 Page 1",
        "长三角基础研究联合基金 Yangtze River Delta Joint Fund for Basic Research",
        "评审意见汇总 Evaluation summary",
        "编号 Reference YRD-2026-F06-0042",
        "项目指南 Call 2026 年度长三角基础研究联合基金 2026 Joint Fund call",
        "项目名称 Title 面向长三角制造业的工业视觉缺陷检测方法研究",
        "Visual defect detection for Yangtze River Delta manufacturing",
        "项目负责人 Principal investigator 张明",
        "牵头单位 Lead institution 复旦大学 Fudan University",
        "签发日期 Date of issue 2026-09-15",
        "会评排名 Panel rank 4",
        "评分 Scores",
        "评审指标 Criterion 平均分 Mean 评审 1 Review 1 评审 2 Review 2",
        "卓越性 Excellence 4.17 4.5 4.0",
        "影响 Impact 3.50 3.5 n/a",
        "实施 Implementation n/a n/a n/a",
        "综合平均分 Overall mean: 3.83",
        "评审意见 Comments for the applicants",
        "评审专家的身份依规定保密，各份评审意见仅以编号区分。",
        "Reviewers' identities are confidential; reviews are told apart by number only.",
        "评审 1 Review 1 研究思路清晰。The approach is clear.",
        "评审 2 Review 2 预算偏高。The budget is high.",
        "会评意见 Panel comment 会评认为项目具有较好的产业前景。",
        "The panel sees good industrial prospects.",
    ]
    assert squeezed(build_evaluation_summary(letter())) == re.sub(r"\s+", "", "".join(expected))


# User text --------------------------------------------------------------------------------------


@pytest.mark.parametrize("build", LETTERS)
def test_letters_print_markup_in_user_text_literally(build):
    data = letter(
        title_zh="缺陷<b>检测</b>&",
        title_en="Defects <b>bold</b> & R&D <para> &amp;",
        review=replace(REVIEW, comments=("<i>x</i> & y",)),
    )
    text = squeezed(build(data))
    assert "缺陷<b>检测</b>&" in text
    assert "Defects<b>bold</b>&R&D<para>&amp;" in text
    if build is not build_award_letter:
        assert "<i>x</i>&y" in text


def test_letters_drop_characters_a_pdf_cannot_carry():
    text = squeezed(build_award_letter(letter(lead_pi="张\x00明\ud800")))
    assert "项目负责人Principalinvestigator张明" in text


@pytest.mark.parametrize("build", LETTERS)
def test_letters_number_every_page_and_repeat_the_reference(build):
    review = replace(REVIEW, comments=("评审意见。" * 3000, "Short."))
    pages = [re.sub(r"\s+", "", page) for page in pages_text(build(letter(review=review)))]
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页Page{number}" in page
        assert "YRD-2026-F06-0042" in page


@pytest.mark.parametrize(
    ("build", "write"),
    [
        (build_award_letter, write_award_letter),
        (build_rejection_letter, write_rejection_letter),
        (build_evaluation_summary, write_evaluation_summary),
    ],
)
def test_write_streams_the_same_document_to_a_file(build, write):
    out = io.BytesIO()
    write(letter(), out)
    assert out.getvalue().startswith(b"%PDF-")
    assert squeezed(out.getvalue()) == squeezed(build(letter()))


# Ledger report ----------------------------------------------------------------------------------

LEDGER = (
    LedgerRow(
        SHANGHAI,
        "上海 Shanghai",
        contributed=Decimal("10000000.00"),
        committed=Decimal("2863100.59"),
        paid=Decimal("800000.10"),
        outstanding=Decimal("2063100.49"),
        remaining=Decimal("7136899.41"),
        paid_by_year=(YearAmount(1, Decimal("500000.05")), YearAmount(2, Decimal("300000.05"))),
    ),
    LedgerRow(
        ANHUI,
        "安徽 Anhui",
        contributed=Decimal("5000000.00"),
        committed=Decimal("1518844.43"),
        paid=Decimal("300000.01"),
        outstanding=Decimal("1218844.42"),
        remaining=Decimal("3481155.57"),
        paid_by_year=(YearAmount(1, Decimal("300000.01")),),
    ),
)


def test_ledger_report_prints_each_province_and_a_totals_row():
    text = squeezed(build_ledger_report("2026 Joint Fund call", LEDGER, "2026-12-31"))
    assert "资金台账Fundingledger" in text
    assert "项目指南Call2026JointFundcall" in text
    assert "上海Shanghai¥10,000,000.00¥2,863,100.59¥800,000.10¥2,063,100.49¥7,136,899.41" in text
    assert "安徽Anhui¥5,000,000.00¥1,518,844.43¥300,000.01¥1,218,844.42¥3,481,155.57" in text
    assert "合计Total¥15,000,000.00¥4,381,945.02¥1,100,000.11¥3,281,944.91¥10,618,054.98" in text


def test_ledger_report_prints_payments_by_year_with_totals():
    text = squeezed(build_ledger_report("2026 Joint Fund call", LEDGER, "2026-12-31"))
    assert "上海Shanghai¥500,000.05¥300,000.05¥800,000.10" in text
    assert "安徽Anhui¥300,000.01—¥300,000.01" in text
    assert "合计Total¥800,000.06¥300,000.05¥1,100,000.11" in text


def test_empty_ledger_report_totals_zero():
    text = squeezed(build_ledger_report("2026 Joint Fund call", (), "2026-12-31"))
    assert "合计Total¥0.00¥0.00¥0.00¥0.00" in text


def test_write_ledger_report_streams_the_same_document():
    out = io.BytesIO()
    write_ledger_report("Call <b>&", LEDGER, "2026-12-31", out)
    assert squeezed(out.getvalue()) == squeezed(
        build_ledger_report("Call <b>&", LEDGER, "2026-12-31")
    )
    assert "Call<b>&" in squeezed(out.getvalue())


# The draw at the funding line ------------------------------------------------------------------


@pytest.mark.parametrize(
    "build, note, printed",
    [
        (build_award_letter, DRAWN, "经抽签获得资助。Fundedbythedrawamongproposalsofequalstanding"),
        (build_rejection_letter, NOT_DRAWN, "不予资助：未被抽中。"),
        (build_rejection_letter, NOT_DRAWN, "Notfunded:notdrawn."),
    ],
)
def test_letters_say_plainly_when_the_draw_decided(build, note, printed):
    assert printed in squeezed(build(letter(draw_note=note)))


@pytest.mark.parametrize("build", [build_award_letter, build_rejection_letter])
def test_letters_say_nothing_of_a_draw_that_did_not_decide(build):
    text = squeezed(build(letter()))
    assert "抽签" not in text and "draw" not in text
