"""The fund office's desk: a call's proposal lists and their export, the office's page of one
proposal, screening and return for correction.

Provincial officers share the proposal list and its export, limited to their province, and
read those proposals on a page of their own.
"""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Substr
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.overlap_permissions import readable_other_proposals
from grants.accounts.permissions import (
    get_office_call,
    get_office_proposal,
    get_proposal_to_screen,
    is_fund_officer,
    officer_province_code,
    role_required,
    sees_reviewers,
)
from grants.calls.office_views import AUDIT_ROWS, audit_rows
from grants.core.compiled_queries import CompiledQuery
from grants.core.errors import WorkflowError
from grants.core.table_responses import CSV, XLSX, table_response
from grants.core.view_helpers import login_required_keeping_post
from grants.models import (
    AuditEntry,
    CallStatus,
    Decision,
    Discipline,
    ProposalStatus,
    Province,
    Role,
)
from grants.office.proposal_queries import (
    filtered_proposals,
    list_rows,
    proposal_table,
    with_results,
)
from grants.overlaps.screening import proposal_flags
from grants.proposals import proposal_workflow
from grants.proposals.forms import ReturnForm, ScreeningForm
from grants.proposals.plain import violations_for
from grants.proposals.presenters import frozen_document_for
from reviews import export_views, exports

PAGE_SIZE = 50
OFFICERS = (Role.FUND_OFFICER, Role.PROVINCIAL_OFFICER)


def _list_page(proposals, number, count):
    """One page of the ``count`` ``proposals``: the page's ids are found first, in the list's
    order, from the proposal table alone; only those fifty rows are then read with their lead,
    code, decision and members. Sorting the joined rows made the database join all of the
    call's proposals before keeping fifty."""
    paginator = Paginator(proposals.values_list("pk", flat=True), PAGE_SIZE)
    paginator.count = count  # known from the counts, so the paginator runs no COUNT of its own
    page = paginator.get_page(number)
    ids = list(page.object_list)
    rows = proposals.order_by().in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids]
    return page


def _counts(proposals):
    """How many ``proposals`` there are, how many involve each province, and how many lie in
    each department: one GROUP BY over the provinces and code each proposal keeps from its
    submission, which an index covers, instead of joining every consortium member. Every
    proposal lies in exactly one group, so the groups add up to the list's length."""
    groups = (
        proposals.order_by()
        .annotate(department=Substr("primary_code_id", 1, 1))
        .values_list("member_provinces", "department")
        .annotate(n=Count("pk"))
    )
    by_codes, departments = Counter(), Counter()
    for codes, department, n in groups:
        by_codes[codes] += n
        departments[department] += n
    provinces = Counter()
    for codes, n in by_codes.items():
        for code in codes.split():
            provinces[code] += n
    names = {p.code: p for p in Province.objects.filter(code__in=provinces)}
    departments_named = {d.code: d for d in Discipline.objects.filter(code__in=departments)}
    return (
        departments.total(),
        [(names[code], n) for code, n in sorted(provinces.items())],
        [
            (departments_named.get(code) or code or _("no code"), n)
            for code, n in sorted(departments.items(), key=lambda item: item[0] or "~")
        ],
    )


@login_required
@role_required(*OFFICERS)
def proposal_list(request, code):
    call = get_office_call(request.user, code)
    filterset = filtered_proposals(request, call)
    proposals = filterset.qs
    count, by_province, by_department = _counts(proposals)
    page = _list_page(proposals, request.GET.get("page"), count)
    rows = list_rows([with_results(proposal) for proposal in page])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "call": call,
        "filter": filterset,
        "page": page,
        "rows": rows,
        "by_province": by_province,
        "by_department": by_department,
        "query": query.urlencode(),
        "office": is_fund_officer(request.user),
    }
    return render(request, "grants/office/proposal_list.html", context)


@login_required
@role_required(*OFFICERS)
def proposal_export(request, code):
    """The filtered list as CSV: UTF-8 with a byte-order mark, so Excel shows Chinese."""
    return _proposal_export(request, code, CSV)


@login_required
@role_required(*OFFICERS)
def proposal_export_xlsx(request, code):
    return _proposal_export(request, code, XLSX)


def _proposal_export(request, code, file_format):
    """A list too long to wait for is offered as a background export instead."""
    call = get_office_call(request.user, code)
    table = proposal_table(request, call)
    if exports.runs_in_background(table.total):
        return export_views.proposals_export_offer(request, call, table.total, file_format)
    return table_response(table, file_format)


# ---- one proposal: screening ----------------------------------------------------------------


def _document_context(proposal):
    """What every officer's page of one proposal shows: the snapshot, its consortium and its
    budget by province."""
    document = frozen_document_for(proposal)
    province_names = {member.province_code: member.province for member in document.members}
    return {
        "proposal": proposal,
        "call": proposal.call,
        "document": document,
        "budget_rows": [
            (code, province_names.get(code, code), totals)
            for code, totals in document.budget.by_province.items()
        ],
        "violations": violations_for(proposal, proposal.submitted_at or timezone.now()),
    }


def _overlap_flags(user, proposal):
    """The proposal's open and duplicate overlaps, the other proposal named only to those who
    may read it."""
    flags = proposal_flags(proposal)
    readable = readable_other_proposals(user, [flag.other_proposal_id for flag in flags])
    for flag in flags:
        flag.other_shown = flag.other_proposal_id in readable
    return flags


# The newest entries of the proposal's log, compiled once per process.
_audit_entries = CompiledQuery(
    lambda proposal_id: AuditEntry.objects.filter(proposal_id=proposal_id).select_related("actor")[
        :AUDIT_ROWS
    ]
)


def _proposal_page(request, proposal, screening_form=None, return_form=None):
    if not sees_reviewers(request.user):
        return _provincial_page(request, proposal)
    call = proposal.call
    context = {
        **_document_context(proposal),
        "may_screen": proposal.status == ProposalStatus.SUBMITTED
        and call.status == CallStatus.CLOSED,
        "may_return": proposal.status == ProposalStatus.SUBMITTED and call.is_open(),
        "screening_form": screening_form or ScreeningForm(),
        "return_form": return_form or ReturnForm(),
        "audit": audit_rows(_audit_entries(proposal.pk)),
        "overlap_flags": _overlap_flags(request.user, proposal),
    }
    return render(request, "grants/office/proposal_detail.html", context)


def _provincial_page(request, proposal):
    """A provincial officer's read-only page: the fund office's presentation without its
    screening, its audit log (whose actors include reviewers) or anything else naming a
    reviewer, and with the officer's own province's share of the funding outcome."""
    province = officer_province_code(request.user)
    decision = (
        Decision.objects.filter(proposal=proposal).select_related("round", "skipped_for").first()
    )
    context = {
        **_document_context(proposal),
        "own_province": province,
        "decision": decision,
        "own_share": decision.shares.filter(province_id=province).first() if decision else None,
        "overlap_flags": _overlap_flags(request.user, proposal),
    }
    return render(request, "grants/office/proposal_read.html", context)


@login_required
def proposal_detail(request, pk):
    return _proposal_page(request, get_office_proposal(request.user, pk))


@require_POST
@login_required_keeping_post
def proposal_screen(request, pk):
    proposal = get_proposal_to_screen(request.user, pk)
    form = ScreeningForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == ScreeningForm.ELIGIBLE:
                proposal_workflow.proposal_screen_eligible(proposal=proposal, actor=request.user)
                messages.success(request, _("Marked eligible: the proposal goes to review."))
            else:
                proposal_workflow.proposal_screen_ineligible(
                    proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _("Marked ineligible; every PI of the consortium has been told why."),
                )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            return redirect("office_proposal", pk=pk)
    return _proposal_page(request, proposal, screening_form=form)


@require_POST
@login_required_keeping_post
def proposal_return(request, pk):
    proposal = get_proposal_to_screen(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            proposal_workflow.proposal_return(
                proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Returned for correction; every PI of the consortium has been e-mailed."),
            )
            return redirect("office_proposal", pk=pk)
    return _proposal_page(request, proposal, return_form=form)
