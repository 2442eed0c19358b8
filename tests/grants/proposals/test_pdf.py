import io
import re
from dataclasses import replace
from decimal import Decimal

from pypdf import PdfReader

from grants.core.money import format_yuan
from grants.proposals.budget import EQUIPMENT, OPERATIONS, PERSONNEL, Line, summarise
from grants.proposals.pdf import MemberRow, ProposalDocument, build_proposal_pdf, write_proposal_pdf

SHANGHAI, JIANGSU = "310000", "320000"

MEMBERS = (
    MemberRow("fudan", "复旦大学 Fudan University", SHANGHAI, "上海市 Shanghai", "lead", "张明"),
    MemberRow("nju", "南京大学 Nanjing University", JIANGSU, "江苏省 Jiangsu", "partner", "李华"),
)

BUDGET = summarise(
    [
        Line("fudan", SHANGHAI, EQUIPMENT, 1, Decimal("400000")),
        Line("fudan", SHANGHAI, OPERATIONS, 1, Decimal("250000.50")),
        Line("fudan", SHANGHAI, PERSONNEL, 2, Decimal("180000")),
        Line("nju", JIANGSU, OPERATIONS, 1, Decimal("320000")),
        Line("nju", JIANGSU, PERSONNEL, 2, Decimal("123456.78")),
    ]
)


def proposal(**changes) -> ProposalDocument:
    document = ProposalDocument(
        reference="YRD-2026-F06-0042",
        call_title="2026 年度长三角基础研究联合基金 2026 Joint Fund call",
        title_zh="面向长三角制造业的工业视觉缺陷检测方法研究",
        title_en="Visual defect detection for Yangtze River Delta manufacturing",
        primary_code="F0601 模式识别 Pattern recognition",
        secondary_code="F0604 计算机视觉 Computer vision",
        keywords=("缺陷检测", "模式识别", "defect detection"),
        abstract_zh="本项目研究工业产品表面缺陷的自动检测。\n第二段摘要。",
        abstract_en="We study automatic detection of surface defects.",
        duration_months=36,
        industry_problem="长三角电子制造企业的人工质检成本高。",
        partner_enterprise="上海智检科技有限公司",
        members=MEMBERS,
        budget=BUDGET,
        sections=(("立项依据 Rationale", "研究意义。"), ("研究方案 Plan", "技术路线。")),
        other_funding="无 None",
        submitted_at="2026-03-01 14:30",
    )
    return replace(document, **changes)


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def squeezed(data: bytes) -> str:
    """All text of the PDF without whitespace: pypdf spaces CID-font text unpredictably."""
    return re.sub(r"\s+", "", "".join(pages_text(data)))


def test_pdf_prints_the_chinese_and_english_titles_and_reference():
    text = squeezed(build_proposal_pdf(proposal()))
    assert "面向长三角制造业的工业视觉缺陷检测方法研究" in text
    assert "VisualdefectdetectionforYangtzeRiverDeltamanufacturing" in text
    assert "YRD-2026-F06-0042" in text


def test_pdf_cover_names_the_fund_lead_and_submission_time():
    cover = re.sub(r"\s+", "", pages_text(build_proposal_pdf(proposal()))[0])
    assert "长三角基础研究联合基金" in cover
    assert "YangtzeRiverDeltaJointFundforBasicResearch" in cover
    assert "复旦大学FudanUniversity" in cover
    assert "张明" in cover
    assert "2026-03-0114:30" in cover


def test_pdf_prints_the_consortium():
    text = squeezed(build_proposal_pdf(proposal()))
    assert "南京大学NanjingUniversity江苏省Jiangsu合作单位Partner李华" in text


def test_pdf_prints_per_province_totals_as_yuan():
    shanghai, jiangsu = BUDGET.by_province[SHANGHAI], BUDGET.by_province[JIANGSU]
    text = squeezed(build_proposal_pdf(proposal()))
    # Indirect costs are 30% of direct costs less equipment (the first tier).
    assert format_yuan(shanghai.total) == "¥959,000.65"
    assert format_yuan(jiangsu.total) == "¥576,493.81"
    assert "上海市Shanghai¥830,000.50¥129,000.15¥959,000.6562.5%" in text
    assert "江苏省Jiangsu¥443,456.78¥133,037.03¥576,493.8137.5%" in text
    assert "合计Total¥1,273,457.28¥262,037.18¥1,535,494.46100.0%" in text


def test_pdf_prints_each_members_categories_and_years():
    text = squeezed(build_proposal_pdf(proposal()))
    assert "设备费Equipment¥400,000.00" in text
    assert "第1年Year1" in text and "第2年Year2" in text


def test_pdf_prints_markup_in_user_text_literally():
    title = "Defects <b>bold</b> & R&D <para> &amp;"
    text = squeezed(build_proposal_pdf(proposal(title_en=title, title_zh="缺陷<b>检测</b>&")))
    assert "Defects<b>bold</b>&R&D<para>&amp;" in text
    assert "缺陷<b>检测</b>&" in text


def test_pdf_drops_characters_a_pdf_cannot_carry():
    text = squeezed(build_proposal_pdf(proposal(abstract_en="a\x00b\x0bc\ud800d\te\nf")))
    assert "abcdef" in text


def test_pdf_flows_a_ten_thousand_character_section_over_several_pages():
    long_section = "长三角一体化发展中的基础研究问题" * 625
    assert len(long_section) == 10_000
    short = build_proposal_pdf(proposal())
    data = build_proposal_pdf(proposal(sections=(("研究内容 Content", long_section),)))
    assert len(pages_text(data)) >= len(pages_text(short)) + 3
    assert squeezed(data).count("长三角一体化发展中的基础研究问题") >= 620


def test_pdf_survives_user_text_too_long_for_one_table_row_on_a_page():
    long_title = "题目开头" + "很长的项目名称" * 600 + "题目结尾"
    text = squeezed(build_proposal_pdf(proposal(title_zh=long_title)))
    # Printed in full on the cover and again in the summary table, whose row spans pages.
    assert text.count("题目开头") == 2
    assert text.count("题目结尾") == 2


def test_pdf_numbers_every_page_and_repeats_the_reference():
    data = build_proposal_pdf(proposal(sections=(("正文", "研究内容。" * 2000),)))
    pages = [re.sub(r"\s+", "", page) for page in pages_text(data)]
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页Page{number}" in page
        assert "YRD-2026-F06-0042" in page


def test_draft_pdf_prints_the_draft_marker_instead_of_a_reference():
    pages = [
        re.sub(r"\s+", "", page) for page in pages_text(build_proposal_pdf(proposal(reference="")))
    ]
    assert "草稿DRAFT" in pages[0]
    assert all("草稿DRAFT" in page for page in pages)


def test_pdf_handles_an_empty_budget_and_missing_duration():
    text = squeezed(build_proposal_pdf(proposal(budget=summarise([]), duration_months=None)))
    assert "合计Total¥0.00" in text


def test_write_proposal_pdf_streams_the_same_document_to_a_file():
    out = io.BytesIO()
    write_proposal_pdf(proposal(), out)
    assert out.getvalue().startswith(b"%PDF-")
    assert squeezed(out.getvalue()) == squeezed(build_proposal_pdf(proposal()))


# Long text: cut into runs so the build takes time in proportion to the text, none of it lost.

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
CHINESE = "本项目研究长三角制造业工业产品表面缺陷的自动检测方法与系统"


def body(data: bytes) -> str:
    """squeezed() without the page footers, which pypdf reads out between the pages' text."""
    return re.sub(r"长三角基础研究联合基金YRD-2026-F06-0042第\d+页Page\d+", "", squeezed(data))


def repeated(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def test_pdf_prints_every_character_of_a_thirty_thousand_character_token():
    token = repeated(LETTERS, 30_000)
    assert token in body(build_proposal_pdf(proposal(sections=(("立项依据 Rationale", token),))))


def test_pdf_prints_every_character_of_a_long_chinese_paragraph_without_spaces():
    paragraph = repeated(CHINESE, 30_000)
    data = build_proposal_pdf(proposal(sections=(("立项依据 Rationale", paragraph),)))
    assert paragraph in body(data)
    assert len(PdfReader(io.BytesIO(data)).pages) > 10


def test_pdf_keeps_the_order_of_lines_and_paragraphs_of_a_long_section():
    section = "\n\n".join(f"第{n}段 paragraph {n}\nline two of {n}" for n in range(300))
    text = body(build_proposal_pdf(proposal(sections=(("研究方案 Plan", section),))))
    assert re.sub(r"\s+", "", section) in text
