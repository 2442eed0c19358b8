"""What the demo's scenes share: institutions by name, the fund officer, deadlines at 16:00 Beijing time, and
filling a proposal's form and a member's budget as applicants would."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from grants.models import BudgetCategory, Discipline, Institution, OtherFunding, User
from grants.proposals import consortium_workflow, proposal_workflow
from grants.site.demo.abstracts import TEXTS


def institution(name_zh):
    return Institution.objects.get(name_zh=name_zh)


def officer():
    return User.objects.get(email="officer@example.org")


def deadline(days_from_now):
    """16:00 Beijing time, as NSFC closes, ``days_from_now`` days ahead."""
    day = timezone.localdate() + timedelta(days=days_from_now)
    return timezone.make_aware(datetime(day.year, day.month, day.day, 16, 0))


def fill_proposal(
    proposal, lead, title_zh, title_en, code, now=None, keywords="长三角, 协同创新, 基础研究"
):
    texts = TEXTS[title_en]
    cleaned = {
        "version": proposal.version,
        "title_zh": title_zh,
        "title_en": title_en,
        "primary_code": Discipline.objects.get(code=code),
        "secondary_code": None,
        "keywords": keywords,
        "abstract_zh": texts.abstract_zh,
        "abstract_en": texts.abstract_en,
        "duration_months": 48,
        "industry_problem": "服务长三角先进制造业的共性技术瓶颈。",
        "partner_enterprise": "",
        "section_rationale": texts.rationale,
        "section_basis": texts.basis,
        "section_other": "无。",
        "other_funding": OtherFunding.NONE,
        "other_funding_details": "",
    }
    proposal_workflow.proposal_draft_save(
        proposal=proposal, actor=lead, cleaned=cleaned, experts=[], now=now
    )


def fill_budget(member, pi, now=None, equipment=None):
    """Four years of lines; ``equipment`` (amount, instrument, reason) replaces the first
    year's equipment line."""
    base = Decimal("150000") if member.is_lead else Decimal("100000")
    cells, instruments = {}, {}
    for year in range(1, 5):
        cells[(BudgetCategory.EQUIPMENT, year)] = base if year == 1 else Decimal("0")
        cells[(BudgetCategory.OPERATIONS, year)] = base
        cells[(BudgetCategory.PERSONNEL, year)] = base / 2
    if equipment:
        amount, instrument, reason = equipment
        cells[(BudgetCategory.EQUIPMENT, 1)] = amount
        instruments[1] = (instrument, reason)
    team = [{"name": pi.name, "role": "PI", "person_months": Decimal("24")}]
    consortium_workflow.member_budget_save(
        member=member,
        actor=pi,
        cells=cells,
        team=team,
        expected_digest=consortium_workflow.lines_digest(member),
        instruments=instruments,
        now=now,
    )
