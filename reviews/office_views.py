"""The fund office's assignment pages: running the solver, adjusting and publishing what it
proposes, adding a reviewer by hand, and reopening one review."""

from collections import Counter

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.permissions import get_office_call, role_required
from grants.core.errors import WorkflowError
from grants.models import Proposal, Province, Role, User
from reviews import jobs, pool, windows, workflow
from reviews.forms import ReopenForm, RunForm
from reviews.models import Assignment, AssignmentRun, AssignmentStatus
from reviews.permissions import get_office_assignment

ASSIGNMENT_PAGE_SIZE = 50
REVIEWER_CHOICES = 20
# What the assignment page keeps across a search or a form sent back to it.
ASSIGNMENT_PAGE_PARAMS = ("q", "status", "short", "page", "preview_page", "who", "proposal")
ACTIVE_ASSIGNMENT = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)


@login_required
@role_required(Role.FUND_OFFICER)
def assignment_page(request, code, run_form=None):
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
        "run_form": run_form or RunForm(),
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
    form = RunForm(request.POST)
    if not form.is_valid():
        return assignment_page(request, code, run_form=form)
    mode = form.cleaned_data["mode"]
    workflow.run_start(
        call=call,
        actor=request.user,
        fair=mode == RunForm.FAIR,
        probability_cap=form.cleaned_data["cap"] if mode == RunForm.RANDOMIZED else None,
    )
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


@login_required
def assignment_reopen(request, pk):
    """Reopen one review closed by the review deadline: a confirmation page with the reason,
    then the change (reviews.workflow.assignment_reopen decides whether it may)."""
    item = get_office_assignment(request.user, pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.assignment_reopen(
                assignment=item, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The review of %(proposal)s by %(reviewer)s is open again.")
                % {"proposal": item.proposal, "reviewer": item.reviewer},
            )
            return redirect("assignment_page", code=item.call.code)
    closed = workflow.closed_reason(item)
    return render(
        request,
        "reviews/office/reopen.html",
        {
            "item": item,
            "form": form,
            "closed": windows.CLOSED_MESSAGES[closed] if closed else "",
        },
    )
