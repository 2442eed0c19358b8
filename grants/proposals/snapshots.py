"""The frozen copy of a proposal taken at submission: what reviewers and the fund office read.

Later edits (after a return for correction) never change a snapshot already taken; the next
submission takes a new one.
"""

from decimal import Decimal

from django.utils import timezone

from grants.models import MemberStatus
from grants.proposals import budget


def freeze(proposal, *, include_pending=False) -> dict:
    """The proposal as plain JSON. Only accepted members count once submitted; a draft's
    preview (``include_pending``) also shows partners still to answer."""
    shown = (
        {MemberStatus.ACCEPTED, MemberStatus.PENDING}
        if include_pending
        else {MemberStatus.ACCEPTED}
    )
    members = [
        member
        for member in proposal.members.select_related(
            "institution__province", "pi"
        ).prefetch_related("team", "budget_lines")
        if member.status in shown
    ]
    return {
        "reference": proposal.reference,
        "call": {
            "id": proposal.call_id,
            "title_zh": proposal.call.title_zh,
            "title_en": proposal.call.title_en,
        },
        "lead": {"id": proposal.lead_id, "name": proposal.lead.name},
        "title_zh": proposal.title_zh,
        "title_en": proposal.title_en,
        "primary_code": _code(proposal.primary_code),
        "secondary_code": _code(proposal.secondary_code),
        "keywords": proposal.keyword_list,
        "abstract_zh": proposal.abstract_zh,
        "abstract_en": proposal.abstract_en,
        "duration_months": proposal.duration_months,
        "industry_problem": proposal.industry_problem,
        "partner_enterprise": proposal.partner_enterprise,
        "sections": proposal.section_texts(),
        "narrative_pdf": proposal.narrative_pdf.name or "",
        "narrative_pdf_name": proposal.narrative_pdf_name,
        "other_funding": proposal.other_funding,
        "other_funding_details": proposal.other_funding_details,
        "members": [_member(member) for member in members],
        "avoided_experts": [
            {"name": expert.name, "institution": expert.institution, "reason": expert.reason}
            for expert in proposal.avoided_experts.all()
        ],
        "submitted_at": timezone.localtime().isoformat(),
    }


def _code(discipline):
    if discipline is None:
        return None
    return {"code": discipline.code, "name_zh": discipline.name_zh, "name_en": discipline.name_en}


def _member(member):
    institution = member.institution
    return {
        "id": member.pk,
        "is_lead": member.is_lead,
        "institution_id": institution.pk,
        "institution_zh": institution.name_zh,
        "institution_en": institution.name_en,
        "province_code": institution.province_id,
        "province_zh": institution.province.name_zh,
        "province_en": institution.province.name_en,
        "pi_id": member.pi_id,
        "pi_name": member.pi.name if member.pi_id else "",
        "team": [
            {"name": row.name, "role": row.role, "person_months": str(row.person_months)}
            for row in member.team.all()
        ],
        "budget": [_line(line) for line in member.budget_lines.all()],
    }


def _line(line):
    """One budget line; an equipment line that names its instrument keeps it, with the reason
    a likely shared instrument cannot serve."""
    data = {"category": line.category, "year": line.year, "amount": str(line.amount)}
    if line.instrument or line.shared_instrument_reason:
        data["instrument"] = line.instrument
        data["shared_instrument_reason"] = line.shared_instrument_reason
    return data


def snapshot_budget_lines(data: dict) -> list[budget.Line]:
    """The budget lines of a snapshot (or of a draft's preview), as grants.proposals.budget takes them."""
    return [
        budget.Line(
            member=str(member["id"]),
            province=member["province_code"],
            category=line["category"],
            year=line["year"],
            amount=Decimal(line["amount"]),
        )
        for member in data["members"]
        for line in member["budget"]
    ]


def requested_amounts(data: dict) -> dict:
    """The amounts a snapshot asks for, as Proposal keeps them beside it: they cannot change
    after submission, and lists and funding need them for thousands of proposals at once."""
    summary = budget.summarise(snapshot_budget_lines(data))
    return {
        "requested_direct": summary.direct_total,
        "requested_total": summary.total,
        "requested_by_province": {
            code: str(totals.total) for code, totals in sorted(summary.by_province.items())
        },
    }


def member_provinces(data: dict) -> str:
    """The provinces of a snapshot's institutions, codes in order and separated by spaces:
    the lists count proposals per province from this one column instead of every member."""
    return " ".join(sorted({member["province_code"] for member in data["members"]}))


def frozen_fields(data: dict) -> dict:
    """Everything Proposal keeps beside its snapshot, taken from it at submission."""
    return {**requested_amounts(data), "member_provinces": member_provinces(data)}


def frozen_requests(requested_by_province: dict | None) -> dict[str, Decimal]:
    """What a proposal asked for per province (direct + indirect), from the amounts frozen at
    submission (Proposal.requested_by_province; None before)."""
    return {code: Decimal(amount) for code, amount in (requested_by_province or {}).items()}
