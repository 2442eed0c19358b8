"""The task book (任务书) as a PDF, in Chinese and English, built from a version's frozen
contents (grants.projects.task_book.task_book_contents) and its signatures.

Shares the proposal PDF's font, styles, escaping and tables (grants.proposals.pdf) and the
letters' letterhead (grants.funding.letters), so every document the fund issues looks alike.
"""

import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from reportlab.platypus import PageBreak, Spacer

from grants.core.money import ZERO
from grants.funding.letters import _letterhead, _write
from grants.proposals.pdf import (
    NONE,
    _amount,
    _field_table,
    _heading,
    _label,
    _para,
    _table,
    _text_block,
    _widths,
    _year_label,
)

TASK_BOOK = "项目任务书 Task book"
DRAFT_NOTE = (
    "草稿：本任务书尚未签发，内容可能变更。"
    "Draft: this task book has not been issued yet and may still change."
)

CATEGORY_LABELS = {
    "equipment": "设备费 Equipment",
    "operations": "业务费 Operations",
    "personnel": "劳务费 Personnel",
    "indirect": "间接费用 Indirect costs",
}
KIND_LABELS = {
    "report": "报告 Report",
    "publication": "论文 Publication",
    "prototype": "样机或装置 Prototype or device",
    "software": "软件 Software",
    "data_set": "数据集 Data set",
    "standard": "标准 Standard",
    "patent": "专利 Patent",
    "other": "其他 Other",
}

ACCEPTANCE = (
    "各成员单位经项目负责人确认接受本任务书，各出资省份主管部门会签后，项目启动。"
    "Each member institution accepts this task book through its principal investigator; once "
    "every funding province has countersigned it, the project starts."
)


@dataclass(frozen=True)
class SignatureLine:
    party: str  # the institution or province, both languages
    kind: str  # "member" | "province"
    signed_by: str  # "" while unsigned
    signed_at: str  # already formatted, Asia/Shanghai, or ""


def build_task_book_pdf(
    contents: dict, signatures: tuple[SignatureLine, ...], draft: bool
) -> bytes:
    buffer = io.BytesIO()
    reference = contents.get("reference") or NONE
    version = contents.get("version", 1)
    story = [
        *_letterhead(TASK_BOOK),
        *([_para(DRAFT_NOTE)] if draft else []),
        _field_table(
            [
                ("编号 Reference", reference),
                ("版本 Version", str(version)),
                ("项目指南 Call", contents.get("call", "")),
                (
                    "项目名称 Title",
                    f"{contents.get('title_zh', '')}\n{contents.get('title_en', '')}",
                ),
                ("执行期限 Duration", f"{contents['duration_months']} 个月 months"),
                ("资助总额 Award", _yuan(contents.get("total", "0"))),
            ]
        ),
        *_members(contents),
        *_provinces(contents),
        *_budget(contents),
        *_milestones(contents),
        PageBreak(),
        *_signatures(signatures),
    ]
    _write(buffer, story, f"{reference} v{version}", f"{TASK_BOOK} {reference} v{version}")
    return buffer.getvalue()


def _yuan(text):
    from grants.core.money import format_yuan

    return format_yuan(Decimal(text))


def _member_name(member):
    return f"{member['institution_zh']}\n{member['institution_en']}"


def _members(contents):
    header = ["单位 Institution", "省份 Province", "负责人 PI", "角色 Role"]
    rows = [
        [
            _para(_member_name(m), "cell"),
            _para(f"{m['province_zh']} {m['province_en']}", "cell"),
            _para(m["pi"] or NONE, "cell"),
            _label("牵头单位 Lead" if m["lead"] else "合作单位 Partner", "cell"),
        ]
        for m in contents["members"]
    ]
    return [*_heading("联合体 Consortium"), _table([header, *rows], _widths(0.4, 0.2, 0.2, 0.2))]


def _provinces(contents):
    header = ["省份 Province", "受资助单位所得 Received", "省份承担 Committed"]
    rows = [
        [
            _para(f"{p['name_zh']} {p['name_en']}", "cell"),
            _amount(Decimal(p["received"])),
            _amount(Decimal(p["committed"])),
        ]
        for p in contents["provinces"]
    ]
    return [
        *_heading("各省资助 Award per province"),
        _table([header, *rows], _widths(0.4, 0.3, 0.3)),
    ]


def _budget(contents):
    years = sorted({line["year"] for line in contents["budget"]})
    cells = defaultdict(lambda: ZERO)
    for line in contents["budget"]:
        cells[(line["member"], line["category"], line["year"])] += Decimal(line["amount"])
    flowables = [*_heading("批准预算 Awarded budget")]
    if not years:
        return [*flowables, _para(NONE)]
    share = 0.7 / (len(years) + 1)
    widths = _widths(0.3, *([share] * (len(years) + 1)))
    for member in contents["members"]:
        header = ["科目 Category", *(_year_label(y) for y in years), "合计 Total"]
        rows = []
        for category, label in CATEGORY_LABELS.items():
            amounts = [cells[(member["id"], category, y)] for y in years]
            if any(amounts):
                rows.append(
                    [_label(label, "cell"), *map(_amount, amounts), _amount(sum(amounts, ZERO))]
                )
        if not rows:
            continue
        totals = [sum((cells[(member["id"], c, y)] for c in CATEGORY_LABELS), ZERO) for y in years]
        rows.append(
            [_label("合计 Total", "cell"), *map(_amount, totals), _amount(sum(totals, ZERO))]
        )
        flowables += [
            _para(_member_name(member).replace("\n", " "), "member"),
            _table([header, *rows], widths, total_row=True),
        ]
    return flowables


def _milestones(contents):
    names = {m["id"]: m["institution_zh"] for m in contents["members"]}
    header = ["月份 Month", "里程碑或成果 Milestone or deliverable", "类型 Kind", "负责单位 Member"]
    rows = [
        [
            _label(str(item["due_month"]), "cell"),
            _para(item["title"], "cell"),
            _label(KIND_LABELS.get(item["kind"], item["kind"]), "cell"),
            _para(names.get(item["member"], NONE), "cell"),
        ]
        for item in contents["milestones"]
    ]
    flowables = [
        *_heading("里程碑与成果 Milestones and deliverables"),
        _table([header, *rows], _widths(0.12, 0.43, 0.2, 0.25)),
    ]
    for item in contents["milestones"]:
        if item["description"]:
            flowables += [
                _para(f"{item['due_month']} · {item['title']}", "subheading"),
                *_text_block(item["description"]),
            ]
    return flowables


def _signatures(signatures):
    header = ["签署方 Party", "签署人 Signed by", "时间 Signed at"]
    rows = [
        [
            _para(line.party, "cell"),
            _para(line.signed_by or "未签署 Not signed yet", "cell"),
            _para(line.signed_at or NONE, "cell"),
        ]
        for line in signatures
    ]
    return [
        *_heading("签署 Signatures"),
        _para(ACCEPTANCE),
        Spacer(1, 4),
        _table([header, *rows], _widths(0.45, 0.3, 0.25)),
    ]
