"""The panels' pages: the office's list of a call's panels, a panel's ranking for its members,
the chair's consensus scores and the locked ranking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.permissions import get_office_call, is_fund_officer, role_required
from grants.core.errors import WorkflowError
from grants.core.view_helpers import workflow_step
from grants.models import Role
from reviews import calibration, panels
from reviews.forms import ConsensusForm, PanelForm
from reviews.permissions import get_chaired_panel, get_panel
from reviews.ranking import locked_page, ranked_rows


@login_required
@role_required(Role.FUND_OFFICER)
def panel_list(request, code):
    call = get_office_call(request.user, code)
    form = PanelForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            panels.panel_create(call=call, actor=request.user, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error("members", error.message)
        else:
            messages.success(request, _("Panel created."))
            return redirect("panel_list", code=code)
    return render(
        request,
        "reviews/office/panels.html",
        {"call": call, "panels": call.panels.select_related("area", "chair"), "form": form},
    )


PANEL_PAGE_SIZE = 100


@login_required
def panel_page(request, pk):
    """The ranking. The chair of an open panel places every proposal in one form, so gets them
    all; everyone else reads it a page at a time."""
    panel = get_panel(request.user, pk)
    is_chair = panel.chair_id == request.user.pk and not panel.locked_at
    number = request.GET.get("page")
    if is_chair:
        page, rows = None, ranked_rows(panel)
    elif panel.locked_at:
        page, rows = locked_page(panel, number, PANEL_PAGE_SIZE)
    else:
        page = Paginator(ranked_rows(panel), PANEL_PAGE_SIZE).get_page(number)
        rows = page.object_list
    fit, calibrated, places = calibration.panel_calibration(panel, rows)
    context = {
        "panel": panel,
        "rows": rows,
        "page": page,
        "is_chair": is_chair,
        "consensus_form": ConsensusForm(),
        "fit": fit,
        "calibrated": calibrated,
        "places": places,
        # The office starts a fit from the call's ranking page; the panel's readers only see it.
        "may_fit": is_fund_officer(request.user),
    }
    return render(request, "reviews/panel.html", context)


@require_POST
@login_required
def panel_consensus(request, pk, entry_pk):
    panel = get_chaired_panel(request.user, pk)
    entry = get_object_or_404(panel.entries.select_related("proposal"), pk=entry_pk)
    form = ConsensusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the consensus score from 0 to 5 in half points."))
        return redirect("panel_page", pk=pk)
    try:
        panels.panel_consensus(
            entry=entry,
            actor=request.user,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    return redirect("panel_page", pk=pk)


@require_POST
@login_required
def panel_lock(request, pk):
    panel = get_chaired_panel(request.user, pk)
    entries = list(panel.entries.all())
    try:
        places = {
            entry.proposal_id: int(request.POST.get(f"place_{entry.proposal_id}") or 0)
            for entry in entries
        }
    except ValueError:
        messages.error(request, _("Places must be whole numbers."))
        return redirect("panel_page", pk=pk)
    order = sorted(places, key=lambda pid: (places[pid], pid))
    reasons = {
        entry.proposal_id: request.POST.get(f"reason_{entry.proposal_id}", "") for entry in entries
    }
    return workflow_step(
        request,
        lambda: panels.panel_lock(panel=panel, actor=request.user, order=order, reasons=reasons),
        _("The ranking is locked. Funding decisions will follow it."),
        "panel_page",
        pk=pk,
    )
