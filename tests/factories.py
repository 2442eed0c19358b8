"""Factories for tests: plain functions with sensible defaults, overridden per test."""

import base64
import hashlib
import hmac
import itertools
import struct
import time

from grants.accounts.permissions import MFA_ROLES
from grants.accounts.registration import role_grant, user_register_verified, user_totp_set
from grants.calls import call_workflow
from grants.models import Discipline, Institution, Province, Role, User
from grants.proposals import consortium_workflow, proposal_workflow

PASSWORD = "test-password-2026"
# The authenticator app every staff-role user gets, as the portal demands one of them.
TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
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
    """A verified user; ``institution`` is a Chinese name from the reference list. Users with
    a staff role (see ``grants.accounts.permissions.MFA_ROLES``) get an authenticator app on
    ``TOTP_SECRET``, so they can use the portal straight away."""
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
    if MFA_ROLES & set(roles):
        user_totp_set(user=user, secret=TOTP_SECRET)
    return user


def totp_code(secret, at=None):
    """The code an authenticator app shows for ``secret`` (RFC 6238: HMAC-SHA1 over the
    number of 30-second steps since 1970, cut to 6 digits)."""
    step = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def sign_in(client, email, password=PASSWORD, *, totp_secret=TOTP_SECRET):
    """Sign in through allauth's pages as a person does: the password, then the code from
    the authenticator app when the account has one. Returns the last response."""
    response = client.post("/accounts/login/", {"login": email, "password": password})
    if response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/":
        if time.time() % 30 > 29:  # let the code not expire between here and the check
            time.sleep(1.1)
        response = client.post(response["Location"], {"code": totp_code(totp_secret)})
    return response


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
        call = call_workflow.call_open(call=call, actor=officer)
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

    from grants.models import BudgetCategory

    proposal = proposal_workflow.proposal_create(call=call, lead=lead)
    if fill:
        cleaned = {"version": proposal.version, **complete_fields(**overrides)}
        proposal = proposal_workflow.proposal_draft_save(
            proposal=proposal, actor=lead, cleaned=cleaned, experts=[]
        )
    for partner in partners:
        member = consortium_workflow.member_add(
            proposal=proposal,
            actor=lead,
            institution=partner.institution,
            expected_version=proposal.version,
        )
        token = consortium_workflow.invitation_send(member=member, actor=lead, email=partner.email)
        consortium_workflow.invitation_answer(token=token, user=partner, accept=True)
        proposal.refresh_from_db()
    if budget:
        for member in proposal.members.all():
            pi = member.pi
            cells = {(BudgetCategory.OPERATIONS, year): Decimal("100000") for year in (1, 2, 3)}
            consortium_workflow.member_budget_save(
                member=member,
                actor=pi,
                cells=cells,
                team=[],
                expected_digest=consortium_workflow.lines_digest(member),
            )
    proposal.refresh_from_db()
    if submit:
        proposal = proposal_workflow.proposal_submit(proposal=proposal, actor=lead)
    return proposal
