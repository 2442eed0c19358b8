from collections import Counter

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.permissions import get_office_call, role_required
from grants.core.errors import WorkflowError
from grants.core.view_helpers import login_required_keeping_post
from grants.models import Proposal, Province, Role, User
from grants.proposals.presenters import document_for
from reviews import jobs, panels, pool, windows, workflow
from reviews.criteria import criteria_for
from reviews.forms import (
    AcceptForm,
    ConflictForm,
    ConsensusForm,
    DeclineForm,
    PanelForm,
    ReviewForm,
)
from reviews.models import Assignment, AssignmentRun, AssignmentStatus, Review
from reviews.permissions import (
    assignments_for,
    get_accepted_assignment,
    get_assignment,
    get_chaired_panel,
    get_panel,
)
from reviews.ranking import locked_page, ranked_rows

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
    closed = {pk for pk, reason in workflow.closed_reasons(list(items)).items() if reason}
    return render(
        request, "reviews/home.html", {"items": items, "submitted": submitted, "closed": closed}
    )


@login_required
def invitation(request, pk):
    item = get_assignment(request.user, pk)
    if item.status == AssignmentStatus.ACCEPTED:
        return redirect("review_form", pk=pk)
    return _invitation_page(request, item)


def _refused_answer(request, item, **forms):
    """A decline or conflict form sent incomplete: back on the invitation with the message
    beside the field and what was typed kept; an answered invitation has no form to show."""
    if item.status == AssignmentStatus.INVITED:
        return _invitation_page(request, item, **forms)
    (form,) = forms.values()
    messages.error(request, next(iter(form.errors.values()))[0])
    return redirect("review_invitation", pk=item.pk)


def _invitation_page(request, item, *, decline_form=None, conflict_form=None):
    """The invitation, with a refused decline or conflict form shown again as it was sent."""
    return render(
        request,
        "reviews/invitation.html",
        {
            "item": item,
            "closed": _closed_message(item),
            "accept_form": AcceptForm(),
            "decline_form": decline_form or DeclineForm(),
            "conflict_form": conflict_form or ConflictForm(),
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
        return _refused_answer(request, item, decline_form=form)
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
        return _refused_answer(request, item, conflict_form=form)
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
    criteria = criteria_for(item.call)
    review = Review.objects.filter(assignment=item).first()
    submitting = request.method == "POST" and "submit" in request.POST
    closed = _closed_message(item)
    form = ReviewForm(
        request.POST or None,
        criteria=criteria,
        submitting=submitting,
        initial=ReviewForm.initial_for(review),
        read_only=bool(closed),
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
    return render(
        request,
        "reviews/review_form.html",
        {"item": item, "form": form, "review": review, "snapshot": snapshot, "closed": closed},
    )


def _closed_message(item):
    """Why the review can no longer be written (reviews.windows), or "" while it is open."""
    reason = workflow.closed_reason(item)
    return windows.CLOSED_MESSAGES[reason] if reason else ""


@login_required
def review_pdf(request, pk):
    from grants.proposals.pdf import build_proposal_pdf

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

ASSIGNMENT_PAGE_SIZE = 50
REVIEWER_CHOICES = 20
# What the assignment page keeps across a search or a form sent back to it.
ASSIGNMENT_PAGE_PARAMS = ("q", "status", "short", "page", "preview_page", "who", "proposal")
ACTIVE_ASSIGNMENT = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)


@login_required
@role_required(Role.FUND_OFFICER)
def assignment_page(request, code):
    call = get_office_call(request.user, code)
    # A published run's result holds every pair of the call: read it only for a preview.
    run = call.assignment_runs.select_related("created_by").defer("result").first()
    if run:
        jobs.settle(run)
    filters = _assignment_filters(request.GET)
    page = _PublishedPaginator(call, filters).get_page(request.GET.get("page"))
    search = request.GET.get("who", "").strip()
    status_counts = _status_counts(call)
    assignments = _assignments_by_proposal(page.object_list)
    context = {
        "call": call,
        "run": run,
        "filters": filters,
        "statuses": AssignmentStatus.choices,
        "page": page,
        "assignments": assignments,
        # Only where reopening would be accepted (reviews.windows) does the page offer it.
        "reopenable": {
            pk
            for pk, refused in workflow.reopen_refused_reasons(
                [item for _proposal, items in assignments for item in items]
            ).items()
            if refused is None
        },
        "status_counts": status_counts,
        "has_published": bool(status_counts),
        "search": search,
        "reviewer_choices": pool.reviewers(search)[:REVIEWER_CHOICES] if search else [],
        "chosen_proposal": _int_or_none(request.GET.get("proposal")),
        "chosen_reviewer": _int_or_none(request.GET.get("reviewer")),
        "keep": {
            "filters": _kept(request.GET, without=("q", "status", "short", "page")),
            "search": _kept(request.GET, without=("who",)),
            "form": _kept(request.GET, without=("proposal",)),
            "pages": urlencode(_kept(request.GET, without=("page",))),
            "preview_pages": urlencode(_kept(request.GET, without=("preview_page",))),
        },
    }
    if run and run.status == AssignmentRun.Status.DONE:
        context.update(_preview(call, run, request.GET.get("preview_page")))
    return render(request, "reviews/office/assignment.html", context)


def _assignment_filters(data):
    status = data.get("status", "")
    return {
        "q": data.get("q", "").strip(),
        "status": status if status in AssignmentStatus.values else "",
        "short": data.get("short") == "1",
    }


class _PublishedPaginator(Paginator):
    """The call's proposals that have published assignments, narrowed by the page's filters.

    The assignments are grouped by proposal, so the answer filters and the count read the
    assignments alone, and the page reads only its fifty proposals from their wide table; a
    search by reference or title has to read the proposals, and counts them there.
    """

    def __init__(self, call, filters):
        self.groups = _published_groups(call, filters)
        self.search = filters["q"]
        proposals = (
            Proposal.objects.for_lists()
            .filter(pk__in=self.groups.values("proposal"))
            .order_by("reference", "pk")
        )
        if self.search:
            proposals = proposals.filter(
                Q(reference__icontains=self.search)
                | Q(title_zh__icontains=self.search)
                | Q(title_en__icontains=self.search)
            )
        super().__init__(proposals, ASSIGNMENT_PAGE_SIZE)

    @cached_property
    def count(self):
        return super().count if self.search else self.groups.count()


def _published_groups(call, filters):
    """One row per proposal with published assignments that match the answer filters."""
    # Counting a column of the (call, proposal, status) index, not the id, lets the database
    # answer from the index alone.
    groups = call.assignments.order_by().values("proposal").annotate(assigned=Count("status"))
    if filters["status"]:
        with_status = Count("status", filter=Q(status=filters["status"]))
        groups = groups.annotate(with_status=with_status).filter(with_status__gt=0)
    if filters["short"]:
        active = Count("status", filter=Q(status__in=ACTIVE_ASSIGNMENT))
        groups = groups.annotate(active=active).filter(active__lt=call.reviewers_per_proposal)
    return groups


def _assignments_by_proposal(proposals):
    """(proposal, its assignments with each reviewer's answer) for one page of proposals."""
    proposals = list(proposals)
    items = {proposal.pk: [] for proposal in proposals}
    for item in (
        Assignment.objects.filter(proposal__in=proposals)
        .select_related("call", "reviewer__institution__province")
        .order_by("reviewer__name", "pk")
    ):
        items[item.proposal_id].append(item)
    return [(proposal, items[proposal.pk]) for proposal in proposals]


def _status_counts(call):
    """(status label, count) over all the call's assignments, most frequent first."""
    counts = call.assignments.order_by().values_list("status").annotate(n=Count("status"))
    labelled = [(str(AssignmentStatus(status).label), n) for status, n in counts]
    return sorted(labelled, key=lambda pair: (-pair[1], pair[0]))


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _kept(data, without=()):
    """The page's filters, page numbers and search as (name, value) pairs, less ``without``."""
    return [
        (name, data[name])
        for name in ASSIGNMENT_PAGE_PARAMS
        if data.get(name) and name not in without
    ]


def _back_to_assignment_page(request, code, keep_choice):
    """Back to the page as the officer left it: filters, page and search kept, and after a
    refusal the proposal and reviewer chosen too, so they can choose again."""
    pairs = _kept(request.POST, without=("proposal",))
    if keep_choice:
        pairs += [
            (name, request.POST[name])
            for name in ("proposal", "reviewer")
            if request.POST.get(name)
        ]
    url = reverse("assignment_page", kwargs={"code": code})
    return redirect(f"{url}?{urlencode(pairs)}" if pairs else url)


def _preview(call, run, page_number):
    """The run's proposed pairs, one page of proposals at a time, with the run's totals."""
    pairs = run.result["pairs"]
    in_run = {pair["proposal"] for pair in pairs}
    ordered = [
        pk
        for pk in Proposal.objects.filter(call=call)
        .order_by("reference", "pk")
        .values_list("pk", flat=True)
        if pk in in_run
    ]
    page = Paginator(ordered, ASSIGNMENT_PAGE_SIZE).get_page(page_number)
    shown = set(page.object_list)
    proposals = Proposal.objects.for_lists().in_bulk(shown)
    shown_pairs = [pair for pair in pairs if pair["proposal"] in shown]
    reviewers = User.objects.select_related("institution__province").in_bulk(
        {pair["reviewer"] for pair in shown_pairs}
    )
    rows = {pk: [] for pk in page.object_list}
    for pair in shown_pairs:
        rows[pair["proposal"]].append({**pair, "user": reviewers.get(pair["reviewer"])})
    return {
        "rows": [(proposals[pk], rows[pk]) for pk in page.object_list if pk in proposals],
        "preview_page": page,
        "load_histogram": sorted(Counter(Counter(p["reviewer"] for p in pairs).values()).items()),
        "by_province": _reviews_by_province(pairs),
    }


def _reviews_by_province(pairs):
    """(province name, proposed reviews) for the reviewers' provinces, most first."""
    province_of = dict(
        User.objects.filter(pk__in={pair["reviewer"] for pair in pairs}).values_list(
            "pk", "institution__province_id"
        )
    )
    names = {province.pk: province.name for province in Province.objects.all()}
    counts = Counter(
        names[province_of[pair["reviewer"]]]
        for pair in pairs
        if province_of.get(pair["reviewer"]) in names
    )
    return counts.most_common()


@require_POST
@login_required
@role_required(Role.FUND_OFFICER)
def assignment_run(request, code):
    call = get_office_call(request.user, code)
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
    jobs.settle(run)
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
    except (KeyError, ValueError, Proposal.DoesNotExist, User.DoesNotExist):
        messages.error(request, _("Choose a proposal and a reviewer."))
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Assignment adjusted."))
        return _back_to_assignment_page(request, code, keep_choice=False)
    return _back_to_assignment_page(request, code, keep_choice=True)


@require_POST
@login_required
@role_required(Role.FUND_OFFICER)
def assignment_add(request, code):
    """Add one reviewer to a published proposal (e.g. to replace one who declined)."""
    call = get_office_call(request.user, code)
    try:
        proposal = get_object_or_404(Proposal, pk=int(request.POST["proposal"]), call=call)
        reviewer = get_object_or_404(
            User, pk=int(request.POST["reviewer"]), role_grants__role=Role.REVIEWER
        )
    except (KeyError, ValueError):
        messages.error(request, _("Choose a proposal and a reviewer."))
        return _back_to_assignment_page(request, code, keep_choice=True)
    try:
        workflow.assignment_add(proposal=proposal, reviewer=reviewer, actor=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
        return _back_to_assignment_page(request, code, keep_choice=True)
    messages.success(
        request,
        _("%(reviewer)s has been invited to review %(proposal)s.")
        % {"reviewer": reviewer, "proposal": proposal},
    )
    return _back_to_assignment_page(request, code, keep_choice=False)


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
    context = {
        "panel": panel,
        "rows": rows,
        "page": page,
        "is_chair": is_chair,
        "consensus_form": ConsensusForm(),
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
    try:
        panels.panel_lock(panel=panel, actor=request.user, order=order, reasons=reasons)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The ranking is locked. Funding decisions will follow it."))
    return redirect("panel_page", pk=pk)
