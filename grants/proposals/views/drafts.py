"""Starting a draft from the call page, and giving one up: a confirmation page, then the
discard itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grants.accounts.permissions import APPLICANT, get_proposal, require_lead, role_required
from grants.core.errors import WorkflowError
from grants.core.view_helpers import login_required_keeping_post
from grants.models import Call, MemberStatus, ProposalStatus
from grants.proposals import proposal_workflow


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


@require_http_methods(["GET", "POST"])
@login_required_keeping_post
def proposal_discard(request, pk):
    proposal = get_proposal(request.user, pk)
    require_lead(request.user, proposal)
    if proposal.status != ProposalStatus.DRAFT:
        messages.error(request, _("Only a draft that was never submitted can be discarded."))
        return redirect("proposal_detail", pk=pk)
    if request.method == "POST":
        return _discard(request, proposal)
    partners = proposal.members.filter(status=MemberStatus.ACCEPTED, is_lead=False)
    return render(
        request,
        "grants/proposals/discard.html",
        {"proposal": proposal, "partners": partners.select_related("institution", "pi")},
    )


def _discard(request, proposal):
    try:
        proposal_workflow.proposal_discard(proposal=proposal, actor=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("proposal_detail", pk=proposal.pk)
    messages.success(
        request,
        _(
            "The draft is discarded. Its partners have been told, and it no longer counts "
            "toward anyone's limits in the call."
        ),
    )
    return redirect("dashboard")
