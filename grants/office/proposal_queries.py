"""The fund office's list of a call's proposals, as its page shows it and as the CSV export
(at once or in the background, reviews.exports) writes it: one filtered query for both."""

import csv
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from grants.accounts.permissions import office_proposals_for
from grants.core.csv_cells import csv_safe
from grants.core.money import format_yuan
from grants.models import ConsortiumMember, MemberStatus, Proposal
from grants.office.filters import OfficeProposalFilter
from reviews.scoring import display_score


def filtered_proposals(request, call):
    """The proposals of ``call`` that the reader of ``request`` may see, under its filters."""
    visible = office_proposals_for(request.user).filter(call=call).for_lists()
    proposals = (
        visible.select_related("lead", "primary_code", "decision")
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
    out here, so that the template writes values and runs no logic per row. The status and
    screening labels are looked up once for the page, in the reader's language."""
    statuses = _labels("status")
    screenings = _labels("screening")
    return [
        {
            "url": reverse("office_proposal", args=[proposal.pk]),
            "reference": proposal.reference,
            "title": proposal.title,
            "lead": proposal.lead.name,
            "institutions": mark_safe(
                "<br>".join(
                    f"{conditional_escape(member.institution.name)} "
                    f'<span class="muted">({conditional_escape(member.institution.province.name)})</span>'
                    for member in proposal.accepted_members
                )
            ),
            "code": proposal.primary_code_id or "—",
            "status": statuses.get(proposal.status, proposal.status),
            "screening": screenings.get(proposal.screening, proposal.screening),
            "screening_badge": SCREENING_BADGES.get(proposal.screening, ""),
            "submitted": date_format(
                timezone.localtime(proposal.submitted_at), "SHORT_DATETIME_FORMAT"
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


def _labels(field):
    """What get_FIELD_display shows for each value of ``field``."""
    return {value: str(label) for value, label in Proposal._meta.get_field(field).flatchoices}


def _csv_row(proposal):
    members = proposal.accepted_members
    lead = next((m for m in members if m.is_lead), None)
    provinces = sorted({m.institution.province_id: m.institution.province for m in members}.items())
    texts = [
        proposal.reference,
        proposal.title_zh,
        proposal.title_en,
        proposal.lead.name,
        lead.institution.name if lead else "",
        "; ".join(province.name for _code, province in provinces),
        proposal.primary_code_id or "",
        proposal.get_status_display(),
        proposal.get_screening_display(),
        timezone.localtime(proposal.submitted_at).strftime("%Y-%m-%d %H:%M")
        if proposal.submitted_at
        else "",
    ]
    # Amounts and scores stay numbers, so Excel can add them up and sort them.
    return [csv_safe(text) for text in texts] + [
        f"{proposal.direct_total:.2f}",
        f"{proposal.total:.2f}",
        "" if proposal.score is None else display_score(proposal.score),
        csv_safe(proposal.outcome_label),
    ]


def write_proposals_csv(out, filterset, progress=None):
    """The filtered list as CSV on ``out`` (a response or a text file): the header, then a row
    per proposal; ``progress(rows written)`` is told along the way (reviews.exports)."""
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Reference"),
            _("Title (Chinese)"),
            _("Title (English)"),
            _("Lead PI"),
            _("Lead institution"),
            _("Provinces"),
            _("Primary discipline code"),
            _("Status"),
            _("Screening"),
            _("Submitted at (Beijing time)"),
            _("Direct costs (yuan)"),
            _("Total (yuan)"),
            _("Review score"),
            _("Funding outcome"),
        ]
    )
    # Rows are fetched a chunk at a time, so a long list never sits in memory whole.
    for count, proposal in enumerate(filterset.qs.iterator(chunk_size=500), 1):
        writer.writerow(_csv_row(with_results(proposal)))
        if progress:
            progress(count)


def export_proposals_csv(request, call, out, progress):
    """The background export of the list (registered with reviews.exports in grants.apps)."""
    filterset = filtered_proposals(request, call)
    progress.start(filterset.qs.count())
    write_proposals_csv(out, filterset, progress=progress)
    return f"{call.code}-proposals.csv"
