"""The reviewer's pages: invitations, accepting or declining, the review form and the
proposal's documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db.models import Exists, F, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.permissions import role_required
from grants.core.compiled_queries import CompiledQuery
from grants.core.errors import WorkflowError
from grants.core.view_helpers import login_required_keeping_post, workflow_step
from grants.models import Discipline, Role
from grants.models.reference import in_reader_language
from grants.proposals.presenters import document_for
from reviews import windows, workflow
from reviews.criteria import criteria_for
from reviews.forms import AcceptForm, ConflictForm, DeclineForm, ReviewForm
from reviews.models import AssignmentStatus, Review
from reviews.permissions import assignments_listed, get_accepted_assignment, get_assignment


def _home_items(reviewer_id):
    """The reviewer's list in one query: each assignment with the few columns its row shows,
    whether its review is submitted and what reviews.windows needs to tell whether it is
    closed, as plain values instead of the call's and the proposal's instances."""
    submitted = Review.objects.filter(assignment=OuterRef("pk"), submitted_at__isnull=False)
    return (
        assignments_listed(reviewer_id)
        .select_related(None)
        .only("status", "reopened_at", "call", "proposal")
        # Declared conflicts leave the list, as the reviewer is told when declaring one.
        .exclude(status__in=[AssignmentStatus.DECLINED, AssignmentStatus.CONFLICT])
        .annotate(
            reference=F("proposal__reference"),
            title_zh=F("proposal__title_zh"),
            title_en=F("proposal__title_en"),
            discipline_code=F("proposal__primary_code__code"),
            discipline_zh=F("proposal__primary_code__name_zh"),
            discipline_en=F("proposal__primary_code__name_en"),
            submitted=Exists(submitted),
            **workflow.window_annotations(),
        )
        .order_by("status", "proposal__reference")
    )


# Every reviewer's list reads it: its SQL is compiled once per process.
_home_assignments = CompiledQuery(_home_items)


@login_required
@role_required(Role.REVIEWER)
def reviewer_home(request):
    items = _home_assignments(request.user.pk)
    now = timezone.now()
    closed = {item.pk for item in items if workflow.annotated_closed_reason(item, now)}
    texts = _HomeTexts(items)
    rows = [_home_row(item, item.pk in closed, texts) for item in items]
    return render(request, "reviews/home.html", {"items": items, "closed": closed, "rows": rows})


class _HomeTexts:
    """What the rows of the list share, worked out once per request rather than once per row:
    the buttons' words and links, each distinct deadline and discipline as shown."""

    def __init__(self, items):
        self.answer, self.review, self.view = _("Answer"), _("Review"), _("View")
        self.invitation_url = _url_for_each("review_invitation")
        self.review_url = _url_for_each("review_form")
        self.due = {
            due: date_format(timezone.localtime(due), "SHORT_DATETIME_FORMAT") if due else "—"
            for due in {item.review_deadline for item in items}
        }
        self.discipline = {}
        for item in items:
            if item.discipline_code not in self.discipline:
                self.discipline[item.discipline_code] = _discipline(item)


# An id no other part of a URL holds, to find where the id goes (_url_for_each).
_MARKER_ID = 9_081_726_354_615_243


def _url_for_each(name):
    """``reverse(name, args=[pk])`` for any pk from one reverse, which costs as much as a whole
    row: the URL is cut where a marker id stands."""
    before, _marker, after = reverse(name, args=[_MARKER_ID]).partition(str(_MARKER_ID))
    return lambda pk: f"{before}{pk}{after}"


def _home_row(item, closed, texts):
    """One assignment as the reviewer's list shows it, worked out here rather than by
    template logic per row."""
    url = action = None
    if item.status == AssignmentStatus.INVITED:
        url, action = texts.invitation_url(item.pk), texts.answer
    elif item.status == AssignmentStatus.ACCEPTED:
        url, action = texts.review_url(item.pk), texts.review
    return {
        "reference": item.reference,
        "title": in_reader_language(item.title_zh, item.title_en),
        "discipline": texts.discipline[item.discipline_code],
        "submitted": item.submitted,
        "status": "" if item.submitted else AssignmentStatus(item.status).label,
        "due": texts.due[item.review_deadline],
        "closed": closed,
        "url": url,
        "action": texts.view if closed else action,
        "secondary": closed or item.status == AssignmentStatus.ACCEPTED,
    }


def _discipline(item):
    """The proposal's discipline as its instance prints itself (None, as the template prints
    it, for a proposal without one)."""
    if item.discipline_code is None:
        return None
    return str(
        Discipline(
            code=item.discipline_code, name_zh=item.discipline_zh, name_en=item.discipline_en
        )
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
    return workflow_step(
        request,
        lambda: workflow.assignment_decline(
            assignment=item, reviewer=request.user, reason=form.cleaned_data["reason"]
        ),
        _("You have declined. Thank you for telling us."),
        "reviewer_home",
    )


@require_POST
@login_required
def declare_conflict(request, pk):
    item = get_assignment(request.user, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        return _refused_answer(request, item, conflict_form=form)
    return workflow_step(
        request,
        lambda: workflow.assignment_declare_conflict(
            assignment=item, reviewer=request.user, **form.cleaned_data
        ),
        _(
            "Conflict recorded: the proposal has been removed from your list and the fund office told."
        ),
        "reviewer_home",
    )


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
