"""The fund office's list of a call's proposals, as its page shows it and as the CSV export
(at once or in the background, reviews.exports) writes it: one filtered query for both."""

from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from grants.accounts.permissions import office_proposals_for
from grants.core.money import format_yuan
from grants.core.tables import MINUTE, MONEY, NAMES, NUMBER, Column, Table
from grants.models import ConsortiumMember, MemberStatus, Proposal, Province
from grants.office.filters import OfficeProposalFilter
from reviews.scoring import display_score

# What the page (with_results, list_rows) and the export (_row) read of a proposal and its
# lead: building each row's instances from all of their columns took twice the time.
LISTED_FIELDS = (
    "reference",
    "title_zh",
    "title_en",
    "status",
    "screening",
    "primary_code_id",
    "submitted_at",
    "requested_direct",
    "requested_total",
    "review_score",
    "lead__name",
    "decision",
)


def filtered_proposals(request, call):
    """The proposals of ``call`` that the reader of ``request`` may see, under its filters."""
    visible = office_proposals_for(request.user).filter(call=call)
    proposals = (
        visible.select_related("lead", "decision")
        .only(*LISTED_FIELDS)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=ConsortiumMember.objects.filter(status=MemberStatus.ACCEPTED)
                .select_related("institution__province")
                .order_by("-is_lead", "pk"),
                to_attr="accepted_members",
            )
        )
        .order_by("reference", "pk")
    )
    return OfficeProposalFilter(request.GET or None, queryset=proposals, request=request)


def with_results(proposal):
    """The proposal with what the lists show beside it: its amounts frozen at submission, its
    stored review score and its funding outcome."""
    proposal.direct_total = proposal.requested_direct
    proposal.total = proposal.requested_total
    proposal.score = proposal.review_score
    proposal.score_text = display_score(proposal.score)
    decision = getattr(proposal, "decision", None)  # None until funding is committed
    proposal.outcome = decision.outcome if decision else ""
    proposal.outcome_label = decision.outcome_text if decision else ""
    return proposal


SCREENING_BADGES = {"eligible": " badge-ok", "ineligible": " badge-bad"}
OUTCOME_BADGES = {"funded": " badge-ok", "below_threshold": " badge-bad"}


def list_rows(proposals):
    """The proposals (through with_results) as the page's table shows them: every cell worked
    out here, so that the template writes values and runs no logic per row. The labels, the
    time zone and the date format are looked up once for the page, in the reader's language."""
    statuses = _labels("status")
    screenings = _labels("screening")
    institutions = _institution_labels(proposals)
    zone = timezone.get_current_timezone()
    submitted_format = get_format("SHORT_DATETIME_FORMAT")
    return [
        {
            "url": reverse("office_proposal", args=[proposal.pk]),
            "reference": proposal.reference,
            "title": proposal.title,
            "lead": proposal.lead.name,
            "institutions": mark_safe(
                "<br>".join(
                    institutions[member.institution_id] for member in proposal.accepted_members
                )
            ),
            "code": proposal.primary_code_id or "—",
            "status": statuses.get(proposal.status, proposal.status),
            "screening": screenings.get(proposal.screening, proposal.screening),
            "screening_badge": SCREENING_BADGES.get(proposal.screening, ""),
            "submitted": dateformat.format(
                timezone.localtime(proposal.submitted_at, zone), submitted_format
            )
            if proposal.submitted_at
            else "",
            "total": "—" if proposal.total is None else format_yuan(Decimal(proposal.total)),
            "score": proposal.score_text,
            "outcome": proposal.outcome,
            "outcome_label": proposal.outcome_label,
            "outcome_badge": OUTCOME_BADGES.get(proposal.outcome, ""),
        }
        for proposal in proposals
    ]


def _institution_labels(proposals):
    """Each member institution of ``proposals`` as their rows show it, escaped once for the
    page: the same few dozen institutions recur in most consortia."""
    labels = {}
    for proposal in proposals:
        for member in proposal.accepted_members:
            if member.institution_id not in labels:
                institution = member.institution
                labels[member.institution_id] = (
                    f"{conditional_escape(institution.name)} "
                    f'<span class="muted">({conditional_escape(institution.province.name)})</span>'
                )
    return labels


def _labels(field):
    """What get_FIELD_display shows for each value of ``field``."""
    return {value: str(label) for value, label in Proposal._meta.get_field(field).flatchoices}


def _row(proposal):
    """A proposal's row of the exported list (proposal_table), as typed values."""
    members = proposal.accepted_members
    lead = next((m for m in members if m.is_lead), None)
    provinces = sorted({m.institution.province_id: m.institution.province for m in members}.items())
    return [
        proposal.reference,
        proposal.title_zh,
        proposal.title_en,
        proposal.lead.name,
        lead.institution.name if lead else "",
        [province.name for _code, province in provinces],
        proposal.primary_code_id or "",
        proposal.get_status_display(),
        proposal.get_screening_display(),
        proposal.submitted_at,
        proposal.direct_total,
        proposal.total,
        None if proposal.score is None else Decimal(display_score(proposal.score)),
        proposal.outcome_label,
    ]


PROVINCES_COLUMN = 5


def _columns():
    return (
        Column(_("Reference"), width=14),
        Column(_("Title (Chinese)"), width=40),
        Column(_("Title (English)"), width=40),
        Column(_("Lead PI"), width=14),
        Column(_("Lead institution"), width=24),
        Column(_("Provinces"), NAMES, width=18),
        Column(_("Primary discipline code"), width=10),
        Column(_("Status"), width=12),
        Column(_("Screening"), width=12),
        Column(_("Submitted at (Beijing time)"), MINUTE, width=17),
        Column(_("Direct costs (yuan)"), MONEY, width=16),
        Column(_("Total (yuan)"), MONEY, width=16),
        Column(_("Review score"), NUMBER, width=10),
        Column(_("Funding outcome"), width=14),
    )


def proposal_table(request, call):
    """The filtered list, exported (CSV or Excel, at once or in the background through
    reviews.exports, which it is registered with in grants.apps): a row per proposal, and in
    the workbook a sheet per province of the consortia besides the sheet of all of them."""
    filterset = filtered_proposals(request, call)
    provinces = Province.objects.filter(
        institutions__memberships__status=MemberStatus.ACCEPTED,
        institutions__memberships__proposal__in=filterset.qs.values("pk"),
    ).distinct()
    # Rows are fetched a chunk at a time, so a long list never sits in memory whole.
    rows = (_row(with_results(p)) for p in filterset.qs.iterator(chunk_size=500))
    return Table(
        name=f"{call.code}-proposals",
        columns=_columns(),
        rows=rows,
        total=filterset.qs.count(),
        sheet_column=PROVINCES_COLUMN,
        sheets=lambda: [province.name for province in provinces.order_by("code")],
    )
