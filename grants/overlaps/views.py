"""The fund office's overlap pages: a call's flags with the background check's progress, and
one flag with its evidence, cleared or marked a duplicate there.

Provincial officers read the flags on proposals their province takes part in; the other side
of a flag is named only when they may read that proposal too.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.overlap_permissions import (
    get_overlap_call,
    get_overlap_flag,
    may_screen_overlaps,
    overlap_flags_for,
    readable_other_proposals,
    require_overlap_screener,
)
from grants.accounts.permissions import office_proposals_for
from grants.core.errors import WorkflowError
from grants.core.view_helpers import login_required_keeping_post
from grants.models import OverlapKind, OverlapRun
from grants.overlaps import screening
from grants.overlaps.filters import FlagResolveForm, OverlapFlagFilter

PAGE_SIZE = 50
ACTIVE = (OverlapRun.Status.QUEUED, OverlapRun.Status.RUNNING)


@login_required
def overlap_list(request, code):
    call = get_overlap_call(request.user, code)
    flags = (
        overlap_flags_for(request.user)
        .filter(call=call)
        .select_related("proposal", "other_proposal", "external_record", "instrument")
        # The evidence (passages, a few KB a flag) is the flag page's, not the list's.
        .defer("evidence")
    )
    filterset = OverlapFlagFilter(request.GET or None, queryset=flags)
    page = Paginator(filterset.qs.order_by("-score", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    readable = readable_other_proposals(request.user, [f.other_proposal_id for f in page])
    for flag in page:
        flag.other_shown = flag.other_proposal_id in readable
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "call": call,
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "run": screening.latest_run(call),
        "may_run": may_screen_overlaps(request.user),
    }
    return render(request, "grants/overlaps/list.html", context)


@require_POST
@login_required_keeping_post
def overlap_run(request, code):
    call = get_overlap_call(request.user, code)
    require_overlap_screener(request.user)
    latest = screening.latest_run(call)
    if latest and latest.status in ACTIVE:
        messages.info(request, _("A check of this call is already running."))
    else:
        try:
            screening.start_check(call, request.user)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The check has started; the page shows its progress."))
    return redirect("overlap_list", code=call.code)


@login_required
def overlap_progress(request, code, run_pk):
    call = get_overlap_call(request.user, code)
    run = get_object_or_404(OverlapRun.objects.select_related("started_by"), pk=run_pk, call=call)
    response = render(request, "grants/overlaps/_progress.html", {"run": run, "call": call})
    if run.status not in ACTIVE and getattr(request, "htmx", False):
        response["HX-Refresh"] = "true"
    return response


def _flag_page(request, flag, form=None):
    other_readable = (
        flag.other_proposal_id is None
        or flag.other_proposal_id
        in readable_other_proposals(request.user, [flag.other_proposal_id])
    )
    flag.other_shown = other_readable
    own, other = screening.text_sides(flag, other_readable=other_readable)
    context = {
        "call": flag.call,
        "flag": flag,
        "other_readable": other_readable,
        "own_segments": own,
        "other_segments": other,
        "is_text": flag.kind == OverlapKind.TEXT,
        "is_instrument": flag.kind == OverlapKind.INSTRUMENT,
        "evidence": flag.evidence if isinstance(flag.evidence, dict) else {},
        "instrument": screening.instrument_facts(flag)
        if flag.kind == OverlapKind.INSTRUMENT
        else None,
        "involved": _involved(request.user, flag),
        "may_screen": may_screen_overlaps(request.user),
        "form": form or FlagResolveForm(),
    }
    return render(request, "grants/overlaps/flag.html", context)


def _involved(user, flag):
    """The proposals a person or team flag names, each with whether ``user`` may read it."""
    evidence = flag.evidence if isinstance(flag.evidence, dict) else {}
    references = [str(ref) for ref in evidence.get("proposals") or []]
    readable = set(
        office_proposals_for(user)
        .filter(reference__in=references)
        .values_list("reference", flat=True)
    )
    return [(reference, reference in readable) for reference in references]


@login_required
def overlap_flag(request, code, pk):
    return _flag_page(request, get_overlap_flag(request.user, code, pk))


@require_POST
@login_required_keeping_post
def overlap_resolve(request, code, pk):
    flag = get_overlap_flag(request.user, code, pk)
    require_overlap_screener(request.user)
    form = FlagResolveForm(request.POST)
    if form.is_valid():
        try:
            screening.flag_resolve(
                flag=flag,
                actor=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Screening saved."))
            return redirect("overlap_flag", code=code, pk=pk)
    return _flag_page(request, flag, form)
