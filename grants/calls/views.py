from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.permissions import APPLICANT, role_required
from grants.calls.filters import CallFilter
from grants.core.errors import WorkflowError
from grants.models import Call
from grants.proposals import proposal_workflow


def call_list(request):
    calls = Call.objects.visible_to_applicants().prefetch_related("discipline_areas")
    filterset = CallFilter(request.GET or None, queryset=calls)
    return render(request, "grants/calls/list.html", {"filter": filterset, "calls": filterset.qs})


def call_detail(request, code):
    call = get_object_or_404(
        Call.objects.visible_to_applicants().prefetch_related(
            "discipline_areas", "contributions__province"
        ),
        code=code,
    )
    draft = proposal_workflow.lead_draft(call=call, lead=request.user)
    return render(request, "grants/calls/detail.html", {"call": call, "draft": draft})


@require_POST
@login_required
@role_required(APPLICANT)
def proposal_start(request, code):
    call = get_object_or_404(Call.objects.visible_to_applicants(), code=code)
    another = request.POST.get("another") == "1"
    try:
        proposal, created = proposal_workflow.proposal_start(
            call=call, lead=request.user, another=another
        )
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("call_detail", code=call.code)
    if not created:
        messages.info(request, _("You already have a draft in this call: here it is."))
    return redirect("proposal_edit", pk=proposal.pk)
