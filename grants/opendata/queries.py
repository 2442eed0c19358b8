"""The published projects as the page, the downloads and the picture read them: one home for
what a published project shows, so the page, the JSON and the CSV never disagree."""

import json
from dataclasses import dataclass

from django.db.models import F, Prefetch, Sum
from django.utils.translation import gettext as _

from grants.core.tables import DATE, INTEGER, MONEY, NAMES, Column, Table
from grants.models import ConsortiumMember, MemberStatus, Project, ProjectBudgetLine, Province
from grants.models.decisions import AwardShare
from grants.models.reference import in_reader_language
from grants.opendata import figures
from grants.opendata.filters import OpenDataFilter
from grants.opendata.permissions import published_projects

CHUNK = 500

# What the joined rows carry but a published project never shows: the frozen submission and
# the reviews' JSON (kilobytes decoded per row), the proposal's other sections, the reasons.
UNPUBLISHED_COLUMNS = (
    "proposal__snapshot",
    "proposal__review_result",
    "proposal__requested_by_province",
    "proposal__industry_problem",
    "proposal__section_rationale",
    "proposal__section_basis",
    "proposal__section_other",
    "proposal__other_funding_details",
    "proposal__screening_reason",
    "decision__reasons",
)


@dataclass(frozen=True)
class ProvinceAmount:
    code: str
    province_zh: str
    province_en: str
    amount: object  # Decimal

    @property
    def province(self):
        return in_reader_language(self.province_zh, self.province_en)


@dataclass(frozen=True)
class PublishedProject:
    reference: str
    call_code: str
    call_year: int
    title_zh: str
    title_en: str
    lead_institution_zh: str
    lead_institution_en: str
    partner_institutions: tuple[tuple[str, str], ...]  # (Chinese name, English name)
    provinces: tuple[ProvinceAmount, ...]  # every province of the consortium, amount 0 if unpaid
    discipline_code: str
    discipline_zh: str
    discipline_en: str
    total: object  # Decimal
    duration_months: int
    starts_on: object  # date or None until the task book is signed
    ends_on: object
    abstract_zh: str
    abstract_en: str

    @property
    def lead_institution(self):
        return in_reader_language(self.lead_institution_zh, self.lead_institution_en)

    @property
    def partners(self):
        return tuple(in_reader_language(zh, en) for zh, en in self.partner_institutions)

    @property
    def discipline(self):
        return in_reader_language(self.discipline_zh, self.discipline_en)

    @property
    def contributions(self):
        return tuple(row for row in self.provinces if row.amount)


def filtered_projects(params):
    """The filter set over the published projects, newest call first, then by reference."""
    projects = published_projects().order_by("-proposal__call__year", "proposal__reference", "pk")
    return OpenDataFilter(params or None, queryset=projects)


def _with_details(projects):
    members = ConsortiumMember.objects.filter(status=MemberStatus.ACCEPTED).select_related(
        "institution__province"
    )
    shares = AwardShare.objects.select_related("province")
    return (
        projects.select_related("proposal__call", "proposal__primary_code", "decision")
        .defer(*UNPUBLISHED_COLUMNS)
        .prefetch_related(
            Prefetch("proposal__members", members, to_attr="accepted_members"),
            Prefetch("decision__shares", shares, to_attr="published_shares"),
        )
    )


def _row(project):
    proposal = project.proposal
    members = proposal.accepted_members
    lead = next((m for m in members if m.is_lead), None)
    paid = {share.province_id: share.committed for share in project.decision.published_shares}
    provinces = {m.institution.province_id: m.institution.province for m in members}
    for share in project.decision.published_shares:
        provinces.setdefault(share.province_id, share.province)
    code = proposal.primary_code
    return PublishedProject(
        reference=proposal.reference,
        call_code=proposal.call.code,
        call_year=proposal.call.year,
        title_zh=proposal.title_zh,
        title_en=proposal.title_en,
        lead_institution_zh=lead.institution.name_zh if lead else "",
        lead_institution_en=lead.institution.name_en if lead else "",
        partner_institutions=tuple(
            (m.institution.name_zh, m.institution.name_en) for m in members if not m.is_lead
        ),
        provinces=tuple(
            ProvinceAmount(c, p.name_zh, p.name_en, paid.get(c, 0))
            for c, p in sorted(provinces.items())
        ),
        discipline_code=code.code if code else "",
        discipline_zh=code.name_zh if code else "",
        discipline_en=code.name_en if code else "",
        total=project.decision.total,
        duration_months=project.duration_months,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        abstract_zh=proposal.abstract_zh,
        abstract_en=proposal.abstract_en,
    )


def _chunks(projects):
    """Rows a chunk at a time, so a long download never sits in memory whole."""
    ids = list(projects.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        yield from rows_for(ids[start : start + CHUNK])


def rows_for(ids):
    """The projects ``ids`` as PublishedProject rows, in the order of ``ids``. Callers take the
    ids from published_projects(); the rows are read by primary key alone, so the database
    never sorts the joined rows."""
    projects = _with_details(Project.objects.filter(pk__in=ids).order_by())
    by_pk = {project.pk: _row(project) for project in projects}
    return [by_pk[pk] for pk in ids]


# JSON ---------------------------------------------------------------------------------------


def as_json(row: PublishedProject) -> dict:
    return {
        "reference": row.reference,
        "call": row.call_code,
        "call_year": row.call_year,
        "title_zh": row.title_zh,
        "title_en": row.title_en,
        "lead_institution": {"zh": row.lead_institution_zh, "en": row.lead_institution_en},
        "partner_institutions": [{"zh": zh, "en": en} for zh, en in row.partner_institutions],
        "provinces": [p.code for p in row.provinces],
        "discipline": {
            "code": row.discipline_code,
            "zh": row.discipline_zh,
            "en": row.discipline_en,
        },
        "amount_by_province": {p.code: f"{p.amount:.2f}" for p in row.contributions},
        "total": f"{row.total:.2f}",
        "duration_months": row.duration_months,
        "starts_on": row.starts_on.isoformat() if row.starts_on else None,
        "ends_on": row.ends_on.isoformat() if row.ends_on else None,
        "abstract_zh": row.abstract_zh,
        "abstract_en": row.abstract_en,
    }


def json_lines(projects):
    """The list as one JSON document, written piece by piece: amounts are strings of yuan
    with two decimals, never floats."""
    yield '{"currency": "CNY", "projects": ['
    for index, row in enumerate(_chunks(projects)):
        yield ("," if index else "") + json.dumps(as_json(row), ensure_ascii=False)
    yield "]}\n"


# The CSV and the workbook ---------------------------------------------------------------------


def open_data_table(projects) -> Table:
    """The download of ``projects`` (grants.core.tables): headers in the reader's language, a
    row per project, and in the workbook a sheet per province after the sheet of all."""
    columns = (
        Column(_("Reference"), width=14),
        Column(_("Call"), width=18),
        Column(_("Year of the call"), INTEGER, width=8),
        Column(_("Title (Chinese)"), width=40),
        Column(_("Title (English)"), width=40),
        Column(_("Lead institution"), width=24),
        Column(_("Partner institutions"), NAMES, width=30),
        Column(_("Provinces"), NAMES, width=16),
        Column(_("Discipline code"), width=8),
        Column(_("Amount per province (yuan)"), width=30),
        Column(_("Total (yuan)"), MONEY, width=16),
        Column(_("Duration (months)"), INTEGER, width=8),
        Column(_("Start"), DATE, width=11),
        Column(_("End"), DATE, width=11),
        Column(_("Abstract (Chinese)"), width=60),
        Column(_("Abstract (English)"), width=60),
    )
    rows = (_table_row(row) for row in _chunks(projects))
    return Table(name="open-data", columns=columns, rows=rows, sheet_column=7)


def _table_row(row: PublishedProject):
    return (
        row.reference,
        row.call_code,
        row.call_year,
        row.title_zh,
        row.title_en,
        row.lead_institution_zh,
        [zh for zh, _en in row.partner_institutions],
        [p.province_zh for p in row.provinces],
        row.discipline_code,
        "; ".join(f"{p.province_zh} {p.amount:.2f}" for p in row.contributions),
        row.total,
        row.duration_months,
        row.starts_on,
        row.ends_on,
        row.abstract_zh,
        row.abstract_en,
    )


# The money between provinces ----------------------------------------------------------------


def money_figures(projects):
    """The flows and totals of ``projects``, from two grouped queries: what each province pays
    per award, and the awarded budget per award and province of the member's institution."""
    decisions = projects.values("decision_id")
    paid = (
        AwardShare.objects.filter(decision__in=decisions)
        .values("decision_id", "province_id")
        .annotate(amount=Sum(F("charged") + F("balancing")))
    )
    spent = (
        ProjectBudgetLine.objects.filter(project__in=projects.values("pk"))
        .values("project__decision_id", "member__institution__province_id")
        .annotate(amount=Sum("amount"))
    )
    awards: dict[int, tuple[dict, dict]] = {}
    for entry in paid:
        awards.setdefault(entry["decision_id"], ({}, {}))[0][entry["province_id"]] = entry["amount"]
    for entry in spent:
        key = entry["project__decision_id"]
        awards.setdefault(key, ({}, {}))[1][entry["member__institution__province_id"]] = entry[
            "amount"
        ]
    return figures.money_figures(
        figures.Award(paid_by=by, spent_in=where) for by, where in awards.values()
    )


def province_names(money: figures.MoneyFigures):
    """The provinces the figures name, by code."""
    codes = [row.code for row in money.totals]
    return {province.code: province for province in Province.objects.filter(code__in=codes)}
