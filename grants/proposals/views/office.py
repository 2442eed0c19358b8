"""The fund office's pages: calls, their schedule and review criteria, proposal lists and
exports, screening.

Provincial officers share the proposal list and its export, limited to their province, and
read those proposals on a page of their own.
"""

import csv
import json
from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Substr
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grants.accounts.permissions import (
    get_office_call,
    get_office_proposal,
    get_proposal_to_screen,
    is_fund_officer,
    office_proposals_for,
    officer_province_code,
    role_required,
    sees_reviewers,
)
from grants.calls import call_workflow
from grants.core.csv_cells import csv_safe
from grants.core.errors import WorkflowError
from grants.core.view_helpers import kept_post, login_required_keeping_post
from grants.forms import (
    CallForm,
    DeadlineExtensionForm,
    DisplayTextField,
    ReturnForm,
    ScreeningForm,
)
from grants.models import (
    UNSUBMITTED,
    AuditEntry,
    Call,
    CallStatus,
    ConsortiumMember,
    Discipline,
    MemberStatus,
    ProposalStatus,
    Province,
    Role,
    Screening,
)
from grants.proposals import proposal_workflow
from grants.proposals.filters import OfficeProposalFilter
from grants.proposals.plain import violations_for
from grants.proposals.presenters import frozen_document_for
from reviews import criteria as reviews_criteria
from reviews import scoring
from reviews.models import Criterion
from reviews.scoring import display_score

PAGE_SIZE = 50
AUDIT_ROWS = 200
OFFICERS = (Role.FUND_OFFICER, Role.PROVINCIAL_OFFICER)
ACTION_LABELS = {
    "open": gettext_lazy("Open the call now"),
    "close": gettext_lazy("Close the call"),
    "start_review": gettext_lazy("Start the review"),
    "start_panel": gettext_lazy("Start the panel stage"),
    "decide": gettext_lazy("Mark as decided"),
}


# ---- calls ----------------------------------------------------------------------------------


@login_required
@role_required(Role.FUND_OFFICER)
def call_list(request):
    calls = Call.objects.annotate(
        proposal_count=Count("proposals", filter=~Q(proposals__status__in=UNSUBMITTED))
    ).order_by("-opens_at", "code")
    return render(request, "grants/office/call_list.html", {"calls": calls})


@login_required_keeping_post
@role_required(Role.FUND_OFFICER)
def call_create(request):
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = call_workflow.call_create(
                actor=request.user,
                fields=form.call_fields(),
                areas=form.cleaned_data["discipline_areas"],
                contributions=form.contributions(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The call is saved as a draft."))
            return redirect("office_call", code=call.code)
    return render(request, "grants/office/call_form.html", {"form": form, "call": None})


@login_required_keeping_post
@role_required(Role.FUND_OFFICER)
def call_edit(request, code):
    call = get_office_call(request.user, code)
    if call.status != CallStatus.DRAFT:
        return _deadline_extension(request, call)
    # The form edits its own copy, so the page keeps the saved code and title on error.
    form = CallForm(request.POST or None, instance=Call.objects.get(pk=call.pk))
    if request.method == "POST" and form.is_valid():
        try:
            call = call_workflow.call_update(
                call=call,
                actor=request.user,
                fields=form.call_fields(),
                areas=form.cleaned_data["discipline_areas"],
                contributions=form.contributions(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The call is saved."))
            return redirect("office_call", code=call.code)
    return render(request, "grants/office/call_form.html", {"form": form, "call": call})


def _deadline_extension(request, call):
    """Once a call is open its rules are frozen; the deadline alone may move, and only later."""
    form = None
    if call.status == CallStatus.OPEN:
        form = DeadlineExtensionForm(request.POST or None, call=call)
        if request.method == "POST" and form.is_valid():
            try:
                call_workflow.call_extend_deadline(
                    call=call,
                    actor=request.user,
                    closes_at=form.cleaned_data["closes_at"],
                    reason=form.cleaned_data["reason"],
                )
            except WorkflowError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("The deadline is extended; the lead PIs of the drafts have been e-mailed."),
                )
                return redirect("office_call", code=call.code)
    return render(request, "grants/office/call_extend.html", {"call": call, "form": form})


@login_required
@role_required(Role.FUND_OFFICER)
def call_detail(request, code):
    call = get_office_call(request.user, code)
    by_status = dict(
        call.proposals.exclude(status__in=UNSUBMITTED).values_list("status").annotate(n=Count("pk"))
    )
    context = {
        "call": call,
        "areas": call.discipline_areas.all(),
        "contributions": call.contributions.select_related("province"),
        "problems": call_workflow.call_open_problems(call)
        if call.status == CallStatus.DRAFT
        else [],
        "actions": [
            (action, ACTION_LABELS[action])
            for action in call_workflow.call_next_actions(call)
            # Before the deadline the call closes on its own, never by hand.
            if action != "close" or call.closes_at <= timezone.now()
        ],
        "by_status": [
            (label, by_status.get(value, 0))
            for value, label in ProposalStatus.choices
            if value not in UNSUBMITTED
        ],
        "pending_screening": call.proposals.filter(
            status=ProposalStatus.SUBMITTED, screening=Screening.PENDING
        ).count(),
        "extensions": call.deadline_extensions.select_related("by"),
        # Entries about proposals stay on each proposal's page; drafts' entries are private.
        "audit": _audit_rows(
            AuditEntry.objects.filter(call=call, proposal__isnull=True).select_related("actor")[
                :AUDIT_ROWS
            ]
        ),
    }
    return render(request, "grants/office/call_detail.html", context)


@require_POST
@login_required_keeping_post
@role_required(Role.FUND_OFFICER)
def call_transition(request, code):
    call = get_office_call(request.user, code)
    action = request.POST.get("action", "")
    try:
        call = call_workflow.call_move(call=call, actor=request.user, action=action)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The call is now “%(status)s”.") % {"status": call.get_status_display()}
        )
    return redirect("office_call", code=call.code)


# ---- review criteria ------------------------------------------------------------------------


class CriterionForm(forms.Form):
    """One criterion of the call; ``key`` is empty on the row that adds one."""

    key = forms.CharField(widget=forms.HiddenInput, required=False)
    name_zh = DisplayTextField(label=gettext_lazy("Chinese name"), max_length=60)
    name_en = DisplayTextField(label=gettext_lazy("English name"), max_length=100)
    weight = forms.DecimalField(
        label=gettext_lazy("Weight"),
        max_digits=4,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.05", "min": "0"}),
    )
    threshold = forms.DecimalField(
        label=gettext_lazy("Threshold"),
        initial=Criterion._meta.get_field("threshold").default,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "5"}),
    )

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight <= 0:
            raise ValidationError(_("The weight must be above 0."))
        return weight

    def clean_threshold(self):
        threshold = self.cleaned_data["threshold"]
        if scoring.validate_score(threshold):
            raise ValidationError(_("Give the threshold from 0 to 5 in half points, such as 3."))
        return threshold


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.ordered_forms:
            raise ValidationError(_("Keep at least one criterion."))
        names = set()
        for form in self.ordered_forms:
            name = form.cleaned_data["name_en"].strip().casefold()
            if name in names:
                form.add_error("name_en", _("Another criterion has this English name."))
            names.add(name)

    def rows(self):
        """The kept criteria in their new order, as reviews.criteria.criteria_save takes them."""
        fields = ("key", "name_zh", "name_en", "weight", "threshold")
        return [{name: form.cleaned_data[name] for name in fields} for form in self.ordered_forms]

    def removed(self):
        return [form.cleaned_data["key"] for form in self.deleted_forms if form.cleaned_data["key"]]


CriterionFormSet = forms.formset_factory(
    CriterionForm,
    formset=BaseCriterionFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
    max_num=20,
    validate_max=True,
)


@login_required_keeping_post
@role_required(Role.FUND_OFFICER)
def call_criteria(request, code):
    """The call's review criteria: edited while the call is a draft, read-only once it opens."""
    call = get_office_call(request.user, code)
    criteria = reviews_criteria.criteria_for(call)
    data = request.POST if request.method == "POST" else kept_post(request)
    formset = CriterionFormSet(
        data,
        initial=[
            {
                "key": c.key,
                "name_zh": c.name_zh,
                "name_en": c.name_en,
                "weight": c.weight,
                "threshold": c.threshold,
            }
            for c in criteria
        ],
    )
    refusal = None
    if request.method == "POST" and formset.is_valid():
        try:
            reviews_criteria.criteria_save(
                call=call, actor=request.user, rows=formset.rows(), removed=formset.removed()
            )
        except WorkflowError as error:
            refusal = error.message
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(request, _("The criteria are saved."))
            return redirect("office_call_criteria", code=call.code)
    context = {
        "call": call,
        "criteria": criteria,
        "formset": formset,
        "editable": call.status == CallStatus.DRAFT,
        "refusal": refusal,
    }
    return render(request, "grants/office/call_criteria.html", context)


# ---- proposal lists -------------------------------------------------------------------------


def _filtered_proposals(request, call):
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


def _with_results(proposal):
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


def _list_page(proposals, number):
    """One page of ``proposals``: the page's ids are found first, in the list's order, from the
    proposal table alone; only those fifty rows are then read with their lead, code, decision
    and members. Sorting the joined rows made the database join all of the call's proposals
    before keeping fifty."""
    page = Paginator(proposals.values_list("pk", flat=True), PAGE_SIZE).get_page(number)
    ids = list(page.object_list)
    rows = proposals.order_by().in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids]
    return page


def _counts(proposals):
    """How many of ``proposals`` involve each province, and how many lie in each department:
    one GROUP BY over the provinces and code each proposal keeps from its submission, which
    an index covers, instead of joining every consortium member."""
    groups = (
        proposals.order_by()
        .annotate(department=Substr("primary_code_id", 1, 1))
        .values_list("member_provinces", "department")
        .annotate(n=Count("pk"))
    )
    provinces, departments = Counter(), Counter()
    for codes, department, n in groups:
        for code in codes.split():
            provinces[code] += n
        departments[department] += n
    names = {p.code: p for p in Province.objects.filter(code__in=provinces)}
    departments_named = {d.code: d for d in Discipline.objects.filter(code__in=departments)}
    return (
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
    filterset = _filtered_proposals(request, call)
    proposals = filterset.qs
    page = _list_page(proposals, request.GET.get("page"))
    for proposal in page:
        _with_results(proposal)
    by_province, by_department = _counts(proposals)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "call": call,
        "filter": filterset,
        "page": page,
        "by_province": by_province,
        "by_department": by_department,
        "query": query.urlencode(),
        "office": is_fund_officer(request.user),
    }
    return render(request, "grants/office/proposal_list.html", context)


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
        writer.writerow(_csv_row(_with_results(proposal)))
        if progress:
            progress(count)


@login_required
@role_required(*OFFICERS)
def proposal_export(request, code):
    """The filtered list as CSV: UTF-8 with a byte-order mark, so Excel shows Chinese. A list
    too long to wait for is offered as a background export instead."""
    from reviews import export_views, exports

    call = get_office_call(request.user, code)
    filterset = _filtered_proposals(request, call)
    rows = filterset.qs.count()
    if exports.runs_in_background(rows):
        return export_views.proposals_export_offer(request, call, rows)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{call.code}-proposals.csv"'
    response.write(exports.BYTE_ORDER_MARK)
    write_proposals_csv(response, filterset)
    return response


# ---- one proposal: screening ----------------------------------------------------------------


def _audit_rows(entries):
    for entry in entries:
        entry.before_text, entry.after_text = (
            "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
            for value in (entry.before, entry.after)
        )
    return entries


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
        "audit": _audit_rows(proposal.audit_entries.select_related("actor")[:AUDIT_ROWS]),
    }
    return render(request, "grants/office/proposal_detail.html", context)


def _provincial_page(request, proposal):
    """A provincial officer's read-only page: the fund office's presentation without its
    screening, its audit log (whose actors include reviewers) or anything else naming a
    reviewer, and with the officer's own province's share of the funding outcome."""
    from grants.models.decisions import Decision

    province = officer_province_code(request.user)
    decision = (
        Decision.objects.filter(proposal=proposal).select_related("round", "skipped_for").first()
    )
    context = {
        **_document_context(proposal),
        "own_province": province,
        "decision": decision,
        "own_share": decision.shares.filter(province_id=province).first() if decision else None,
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
