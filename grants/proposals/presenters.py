"""Shape proposals for pages and PDFs: the budget overview and the printable document."""

from copy import copy
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from grants.models import MemberStatus, ProposalStatus
from grants.proposals import budget
from grants.proposals.pdf import MemberRow, ProposalDocument
from grants.proposals.plain import budget_lines
from grants.proposals.snapshots import freeze, snapshot_budget_lines

SECTION_HEADINGS = {
    "rationale": "立项依据与研究内容 Rationale and research content",
    "basis": "研究基础与工作条件 Research basis and conditions",
    "other": "其他需要说明的情况 Other matters",
}
OTHER_FUNDING_TEXT = {
    "none": "未申请或获得其他资助 No other funding sought or received for this content",
    "declared": "已申报其他相关资助 Related funding declared:",
    "": "未填写 Not answered",
}


@dataclass
class BudgetOverview:
    summary: budget.BudgetSummary
    members: list  # (member, MemberTotals or None)
    provinces: list  # (province, Totals)
    years: tuple


def budget_overview(proposal, members=None):
    members = members or [
        member
        for member in proposal.members.select_related("institution__province", "pi")
        if member.status != MemberStatus.REVOKED
    ]
    summary = budget.summarise(budget_lines(proposal, members))
    provinces = {member.institution.province_id: member.institution.province for member in members}
    return BudgetOverview(
        summary=summary,
        members=[(member, summary.by_member.get(str(member.pk))) for member in members],
        provinces=[
            (provinces[code], totals) for code, totals in sorted(summary.by_province.items())
        ],
        years=budget.years(summary),
    )


def frozen_document_for(proposal) -> ProposalDocument:
    """The proposal as last submitted, for everyone outside its consortium. document_for shows a
    returned proposal's live draft (what its consortium is correcting); officers judge the
    snapshot instead, and never see corrections before they are submitted."""
    frozen = copy(proposal)
    frozen.status = ProposalStatus.SUBMITTED
    return document_for(frozen)


def document_for(proposal) -> ProposalDocument:
    """The printable proposal: the frozen snapshot once submitted, the live draft before."""
    data = (
        proposal.snapshot
        if proposal.snapshot and not proposal.is_editable_state
        else freeze(proposal, include_pending=True)
    )
    return ProposalDocument(
        reference=data["reference"] or "",
        call_title=f"{data['call']['title_zh']} / {data['call']['title_en']}",
        title_zh=data["title_zh"],
        title_en=data["title_en"],
        primary_code=_code_label(data["primary_code"]),
        secondary_code=_code_label(data["secondary_code"]),
        keywords=tuple(data["keywords"]),
        abstract_zh=data["abstract_zh"],
        abstract_en=data["abstract_en"],
        duration_months=data["duration_months"],
        industry_problem=data["industry_problem"],
        partner_enterprise=data["partner_enterprise"],
        members=tuple(_member_row(member) for member in data["members"]),
        budget=budget.summarise(snapshot_budget_lines(data)),
        sections=tuple((SECTION_HEADINGS[key], text) for key, text in data["sections"].items()),
        other_funding=(
            OTHER_FUNDING_TEXT.get(data["other_funding"], "") + " " + data["other_funding_details"]
        ).strip(),
        submitted_at=_when(proposal.submitted_at) if proposal.reference else "",
    )


def _code_label(code):
    if not code:
        return ""
    return f"{code['code']} {code['name_zh']} {code['name_en']}"


def _member_row(member):
    return MemberRow(
        key=str(member["id"]),
        institution=f"{member['institution_zh']} {member['institution_en']}",
        province_code=member["province_code"],
        province=f"{member['province_zh']} {member['province_en']}",
        role="lead" if member["is_lead"] else "partner",
        pi_name=member["pi_name"],
    )


def _when(moment: datetime | None):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M (UTC+8)") if moment else ""
