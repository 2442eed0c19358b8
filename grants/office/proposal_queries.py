"""The fund office's list of a call's proposals, as its page shows it and as the CSV export
(at once or in the background, reviews.exports) writes it: one filtered query for both."""

import csv

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.accounts.permissions import office_proposals_for
from grants.core.csv_cells import csv_safe
from grants.models import ConsortiumMember, MemberStatus
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
