from collections import Counter

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.models import Call, Proposal, Role, User
from grants.permissions import role_required
from grants.presenters import document_for
from grants.views.helpers import login_required_keeping_post
from grants.workflow import WorkflowError

from . import workflow
from .forms import AcceptForm, ConflictForm, ConsensusForm, DeclineForm, PanelForm, ReviewForm
from .models import AssignmentRun, AssignmentStatus, Review
from .permissions import (
    assignments_for,
    get_accepted_assignment,
    get_assignment,
    get_chaired_panel,
    get_panel,
)
from .ranking import ranked_rows

# ---- reviewers ----------------------------------------------------------------------------


@login_required
@role_required(Role.REVIEWER)
def reviewer_home(request):
    items = (
        assignments_for(request.user)
        # Declared conflicts leave the list, as the reviewer is told when declaring one.
        .exclude(status__in=[AssignmentStatus.DECLINED, AssignmentStatus.CONFLICT])
        .order_by("status", "proposal__reference")
    )
    submitted = set(
        Review.objects.filter(assignment__in=items, submitted_at__isnull=False).values_list(
            "assignment_id", flat=True
        )
    )
    return render(request, "reviews/home.html", {"items": items, "submitted": submitted})


@login_required
def invitation(request, pk):
    item = get_assignment(request.user, pk)
    if item.status == AssignmentStatus.ACCEPTED:
        return redirect("review_form", pk=pk)
    return render(
        request,
        "reviews/invitation.html",
        {
            "item": item,
            "accept_form": AcceptForm(),
            "decline_form": DeclineForm(),
            "conflict_form": ConflictForm(),
        },
    )


@require_POST
@login_required
def accept(request, pk):
    item = get_assignment(request.user, pk)
    form = AcceptForm(request.POST)
    try:
        workflow.assignment_accept(
            assignment=item, reviewer=request.user, no_conflict=form.is_valid()
        )
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("review_invitation", pk=pk)
    return redirect("review_form", pk=pk)


@require_POST
@login_required
def decline(request, pk):
    item = get_assignment(request.user, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say briefly why you decline."))
        return redirect("review_invitation", pk=pk)
    try:
        workflow.assignment_decline(
            assignment=item, reviewer=request.user, reason=form.cleaned_data["reason"]
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You have declined. Thank you for telling us."))
    return redirect("reviewer_home")


@require_POST
@login_required
def declare_conflict(request, pk):
    item = get_assignment(request.user, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of conflict."))
        return redirect("review_invitation", pk=pk)
    try:
        workflow.assignment_declare_conflict(
            assignment=item, reviewer=request.user, **form.cleaned_data
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Conflict recorded: the proposal has been removed from your list and the fund office told."
            ),
        )
    return redirect("reviewer_home")


@login_required_keeping_post
def review_form(request, pk):
    item = get_accepted_assignment(request.user, pk)
    criteria = workflow.criteria_for(item.call)
    review = Review.objects.filter(assignment=item).first()
    submitting = request.method == "POST" and "submit" in request.POST
    form = ReviewForm(
        request.POST or None,
        criteria=criteria,
        submitting=submitting,
        initial=ReviewForm.initial_for(review),
    )
    if request.method == "POST" and form.is_valid():
        try:
            workflow.review_save(
                assignment=item, reviewer=request.user, data=form.review_data(), submit=submitting
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Review submitted. You can change it until the review deadline.")
                if submitting
                else _("Draft saved."),
            )
            return redirect("review_form", pk=pk)
    snapshot = item.proposal.snapshot or {}
    deadline = item.call.review_deadline
    return render(
        request,
        "reviews/review_form.html",
        {
            "item": item,
            "form": form,
            "review": review,
            "snapshot": snapshot,
            "open": not deadline or timezone.now() < deadline,
        },
    )


@login_required
def review_pdf(request, pk):
    from grants.pdf import build_proposal_pdf

    item = get_accepted_assignment(request.user, pk)
    document = document_for(item.proposal)
    response = HttpResponse(build_proposal_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{item.proposal.reference}.pdf"'
    return response


@login_required
def review_narrative(request, pk):
    item = get_accepted_assignment(request.user, pk)
    path = (item.proposal.snapshot or {}).get("narrative_pdf")
    if not path or not default_storage.exists(path):
        raise Http404
    return FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=f"{item.proposal.reference}-narrative.pdf",
        content_type="application/pdf",
    )


# ---- fund office: assignment --------------------------------------------------------------


def _office_call(code):
    return get_object_or_404(Call, code=code)


@login_required
@role_required(Role.FUND_OFFICER)
def assignment_page(request, code):
    call = _office_call(code)
    run = call.assignment_runs.select_related("created_by").first()
    current = _current_assignments(call)
    context = {
        "call": call,
        "run": run,
        "assignments": current,
        "status_counts": Counter(
            item.get_status_display() for _, items in current for item in items
        ).most_common(),
        "reviewers": User.objects.filter(role_grants__role=Role.REVIEWER)
        .select_related("institution")
        .order_by("name"),
    }
    if run and run.status == AssignmentRun.Status.DONE:
        context.update(_preview(call, run))
    return render(request, "reviews/office/assignment.html", context)


def _current_assignments(call):
    """Published assignments, per proposal, with each reviewer's answer."""
    items = call.assignments.select_related("proposal", "reviewer__institution__province").order_by(
        "proposal__reference", "reviewer__name"
    )
    by_proposal = {}
    for item in items:
        by_proposal.setdefault(item.proposal, []).append(item)
    return list(by_proposal.items())


def _preview(call, run):
    pairs = run.result["pairs"]
    proposals = {
        p.pk: p
        for p in Proposal.objects.filter(pk__in={p["proposal"] for p in pairs}).select_related(
            "primary_code"
        )
    }
    reviewers = {
        u.pk: u
        for u in User.objects.filter(pk__in={p["reviewer"] for p in pairs}).select_related(
            "institution__province"
        )
    }
    rows = {}
    for pair in pairs:
        rows.setdefault(pair["proposal"], []).append(
            {**pair, "user": reviewers.get(pair["reviewer"])}
        )
    loads = Counter(pair["reviewer"] for pair in pairs)
    by_province = Counter(
        reviewers[pair["reviewer"]].province.name
        for pair in pairs
        if reviewers[pair["reviewer"]].province
    )
    return {
        "rows": [
            (proposals[pid], items)
            for pid, items in sorted(rows.items(), key=lambda kv: proposals[kv[0]].reference or "")
        ],
        "load_histogram": sorted(Counter(loads.values()).items()),
        "by_province": by_province.most_common(),
        "candidate_reviewers": User.objects.filter(role_grants__role=Role.REVIEWER)
        .select_related("institution")
        .order_by("name"),
        "candidate_proposals": sorted(proposals.values(), key=lambda p: p.reference or ""),
    }


@require_POST
@login_required
@role_required(Role.FUND_OFFICER)
def assignment_run(request, code):
    call = _office_call(code)
    workflow.run_start(call=call, actor=request.user, fair=request.POST.get("fair") == "1")
    messages.success(
        request,
        _(
            "The assignment is being computed; this page shows its progress and you will get an e-mail when it is ready."
        ),
    )
    return redirect("assignment_page", code=code)


@login_required
@role_required(Role.FUND_OFFICER)
def assignment_progress(request, code, run_pk):
    run = get_object_or_404(AssignmentRun, pk=run_pk, call__code=code)
    response = render(
        request, "reviews/office/partials/progress.html", {"run": run, "call": run.call}
    )
    if run.status in {AssignmentRun.Status.DONE, AssignmentRun.Status.FAILED} and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
@role_required(Role.FUND_OFFICER)
def assignment_adjust(request, code, run_pk):
    run = get_object_or_404(AssignmentRun, pk=run_pk, call__code=code)
    try:
        proposal, reviewer = int(request.POST["proposal"]), int(request.POST["reviewer"])
        if request.POST.get("action") == "remove":
            workflow.run_pairs_edit(run=run, actor=request.user, remove=(proposal, reviewer))
        else:
            workflow.run_pairs_edit(run=run, actor=request.user, add=(proposal, reviewer))
    except (KeyError, ValueError):
        messages.error(request, _("Choose a proposal and a reviewer."))
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Assignment adjusted."))
    return redirect("assignment_page", code=code)


@require_POST
@login_required
@role_required(Role.FUND_OFFICER)
def assignment_add(request, code):
    """Add one reviewer to a published proposal (e.g. to replace one who declined)."""
    call = _office_call(code)
    try:
        proposal = get_object_or_404(Proposal, pk=int(request.POST["proposal"]), call=call)
        reviewer = get_object_or_404(
            User, pk=int(request.POST["reviewer"]), role_grants__role=Role.REVIEWER
        )
    except (KeyError, ValueError):
        messages.error(request, _("Choose a proposal and a reviewer."))
        return redirect("assignment_page", code=code)
    try:
        workflow.assignment_add(proposal=proposal, reviewer=reviewer, actor=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(reviewer)s has been invited to review %(proposal)s.")
            % {"reviewer": reviewer, "proposal": proposal},
        )
    return redirect("assignment_page", code=code)


@require_POST
@login_required
@role_required(Role.FUND_OFFICER)
@reauthentication_required
def assignment_publish(request, code, run_pk):
    run = get_object_or_404(AssignmentRun, pk=run_pk, call__code=code)
    try:
        created = workflow.run_publish(run=run, actor=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Published: %(n)d reviewers have been invited by e-mail.")
            % {"n": len({a.reviewer_id for a in created})},
        )
    return redirect("assignment_page", code=code)


# ---- panels -------------------------------------------------------------------------------


@login_required
@role_required(Role.FUND_OFFICER)
def panel_list(request, code):
    call = _office_call(code)
    form = PanelForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.panel_create(call=call, actor=request.user, **form.cleaned_data)
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


@login_required
def panel_page(request, pk):
    panel = get_panel(request.user, pk)
    rows = ranked_rows(panel)
    is_chair = panel.chair_id == request.user.pk and not panel.locked_at
    return render(
        request,
        "reviews/panel.html",
        {"panel": panel, "rows": rows, "is_chair": is_chair, "consensus_form": ConsensusForm()},
    )


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
        workflow.panel_consensus(
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
    try:
        workflow.panel_lock(panel=panel, actor=request.user, order=order, reasons=reasons)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The ranking is locked. Funding decisions will follow it."))
    return redirect("panel_page", pk=pk)
