"""The fund office's pages of a call: the list, creating and editing one, extending an open
call's deadline, its page and its moves from one stage to the next."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grants.accounts.permissions import get_office_call, role_required
from grants.calls import call_workflow
from grants.calls.forms import CallForm, DeadlineExtensionForm
from grants.core.errors import WorkflowError
from grants.core.view_helpers import login_required_keeping_post
from grants.models import UNSUBMITTED, AuditEntry, Call, CallStatus, ProposalStatus, Role, Screening

AUDIT_ROWS = 200
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
    return render(request, "grants/calls/office/list.html", {"calls": calls})


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
    return render(request, "grants/calls/office/form.html", {"form": form, "call": None})


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
    return render(request, "grants/calls/office/form.html", {"form": form, "call": call})


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
    return render(request, "grants/calls/office/extend.html", {"call": call, "form": form})


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
        "audit": audit_rows(
            AuditEntry.objects.filter(call=call, proposal__isnull=True).select_related("actor")[
                :AUDIT_ROWS
            ]
        ),
    }
    return render(request, "grants/calls/office/detail.html", context)


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


def audit_rows(entries):
    """``entries`` with their before and after as JSON text, as the office's pages show them
    (the call's page here, a proposal's in grants.office.views)."""
    for entry in entries:
        entry.before_text, entry.after_text = (
            "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
            for value in (entry.before, entry.after)
        )
    return entries


@require_POST
@login_required_keeping_post
@role_required(Role.FUND_OFFICER)
def call_open_data(request, code):
    call = get_office_call(request.user, code)
    publish = request.POST.get("publish") == "1"
    call = call_workflow.call_open_data_set(call=call, actor=request.user, publish=publish)
    if publish:
        messages.success(request, _("The call's funded projects are published as open data."))
    else:
        messages.success(request, _("The call's funded projects are no longer published."))
    return redirect("office_call", code=call.code)
