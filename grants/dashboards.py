"""What each role's dashboard shows: the next things to do, read through scoped queries."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Institution, Province, Role
from .permissions import APPLICANT, officer_province_code, roles_of


@dataclass
class Section:
    role: str
    title: str
    items: list = field(default_factory=list)
    empty: str = ""
    template: str = "grants/dashboard/section.html"


def public_summary():
    return {
        "funding_provinces": Province.objects.filter(is_funding=True),
        "institution_count": Institution.objects.count(),
    }


def sections_for(user):
    roles = roles_of(user)
    builders = [
        (Role.FUND_OFFICER, fund_officer_section),
        (Role.PROVINCIAL_OFFICER, provincial_officer_section),
        (Role.PANEL_CHAIR, panel_chair_section),
        (Role.REVIEWER, reviewer_section),
        (APPLICANT, applicant_section),
    ]
    return [build(user) for role, build in builders if role in roles]


def applicant_section(user):
    return Section(
        role=APPLICANT,
        title=_("My proposals"),
        empty=_("You have no proposals yet. Open calls will be listed here."),
    )


def fund_officer_section(user):
    return Section(
        role=Role.FUND_OFFICER,
        title=_("Fund office"),
        empty=_("No calls are set up yet."),
    )


def provincial_officer_section(user):
    province = Province.objects.get(code=officer_province_code(user))
    return Section(
        role=Role.PROVINCIAL_OFFICER,
        title=_("Provincial office: %(province)s") % {"province": province.name},
        empty=_("No call draws on this province's money yet."),
    )


def reviewer_section(user):
    return Section(
        role=Role.REVIEWER,
        title=_("My reviews"),
        empty=_("No review invitations are waiting for you."),
    )


def panel_chair_section(user):
    return Section(
        role=Role.PANEL_CHAIR,
        title=_("Panels I chair"),
        empty=_("No panel is waiting for you."),
    )
