"""Factories for tests: plain functions with sensible defaults, overridden per test."""

import itertools

from grants.accounts import role_grant, user_register_verified
from grants.models import Discipline, Institution, Province, Role, User

PASSWORD = "test-password-2026"
_sequence = itertools.count(1)


def make_user(
    email=None,
    *,
    institution="复旦大学",
    roles=(),
    province=None,
    name=None,
    disciplines=(),
    keywords="",
    title=User.Title.PROFESSOR,
    complete=True,
):
    """A verified user; ``institution`` is a Chinese name from the reference list."""
    number = next(_sequence)
    email = email or f"person{number}@example.org"
    user = user_register_verified(
        email=email,
        password=PASSWORD,
        name=(name or f"Person {number}") if complete else "",
        institution=Institution.objects.get(name_zh=institution) if complete else None,
        title=title if complete else "",
        keywords=keywords,
        disciplines=Discipline.objects.filter(code__in=disciplines),
    )
    for role in roles:
        role_grant(
            user=user,
            role=role,
            province=Province.objects.get(code=province)
            if role == Role.PROVINCIAL_OFFICER
            else None,
        )
    return user


def make_call(
    code=None,
    *,
    opens_in_days=-10,
    closes_in_days=30,
    areas=("F", "E"),
    status_open=True,
    contributions=None,
    **fields,
):
    """A call with the four provinces' contributions, opened through the workflow."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from grants import workflow
    from grants.models import Call, Contribution

    now = timezone.now()
    call = Call.objects.create(
        code=code or f"call-{next(_sequence)}",
        year=2026,
        title_zh="测试指南",
        title_en="Test call",
        opens_at=now + timedelta(days=opens_in_days),
        closes_at=now + timedelta(days=closes_in_days),
        **fields,
    )
    call.discipline_areas.set(Discipline.objects.filter(code__in=areas))
    amounts = contributions or {
        "310000": 10_000_000,
        "320000": 10_000_000,
        "330000": 10_000_000,
        "340000": 10_000_000,
    }
    for province, amount in amounts.items():
        Contribution.objects.create(call=call, province_id=province, amount=Decimal(amount))
    if status_open:
        officer = make_user(roles=[Role.FUND_OFFICER])
        call = workflow.call_open(call=call, actor=officer)
    return call


def complete_fields(**overrides):
    from grants.models import OtherFunding

    fields = {
        "title_zh": "长三角协同研究",
        "title_en": "Joint research in the delta",
        "primary_code": Discipline.objects.get(code="F06"),
        "secondary_code": None,
        "keywords": "视觉, 学习, 制造",
        "abstract_zh": "摘要。",
        "abstract_en": "Abstract.",
        "duration_months": 36,
        "industry_problem": "制造业质量检测。",
        "partner_enterprise": "",
        "section_rationale": "立项依据。",
        "section_basis": "研究基础。",
        "section_other": "无。",
        "other_funding": OtherFunding.NONE,
        "other_funding_details": "",
    }
    fields.update(overrides)
    return fields


def make_proposal(call, lead, *, partners=(), fill=True, budget=True, submit=False, **overrides):
    """A proposal led by ``lead`` with accepted ``partners``, built through the workflow."""
    from decimal import Decimal

    from grants import workflow
    from grants.models import BudgetCategory

    proposal = workflow.proposal_create(call=call, lead=lead)
    if fill:
        cleaned = {"version": proposal.version, **complete_fields(**overrides)}
        proposal = workflow.proposal_draft_save(
            proposal=proposal, actor=lead, cleaned=cleaned, experts=[]
        )
    for partner in partners:
        member = workflow.member_add(
            proposal=proposal,
            actor=lead,
            institution=partner.institution,
            expected_version=proposal.version,
        )
        token = workflow.invitation_send(member=member, actor=lead, email=partner.email)
        workflow.invitation_answer(token=token, user=partner, accept=True)
        proposal.refresh_from_db()
    if budget:
        for member in proposal.members.all():
            pi = member.pi
            cells = {(BudgetCategory.OPERATIONS, year): Decimal("100000") for year in (1, 2, 3)}
            workflow.member_budget_save(
                member=member,
                actor=pi,
                cells=cells,
                team=[],
                expected_digest=workflow.lines_digest(member),
            )
    proposal.refresh_from_db()
    if submit:
        proposal = workflow.proposal_submit(proposal=proposal, actor=lead)
    return proposal
