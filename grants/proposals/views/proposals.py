from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.permissions import get_proposal, is_consortium_pi, require_lead
from grants.core.errors import NotEligible, WorkflowError
from grants.core.storage import STORAGE_DOWN, StorageUnavailable
from grants.core.view_helpers import kept_post, login_required_keeping_post, workflow_step
from grants.models import Discipline, MemberStatus, ProposalStatus
from grants.proposals import proposal_workflow
from grants.proposals.forms import AvoidedExpertsForm, ProposalForm
from grants.proposals.plain import members_of, violations_for
from grants.proposals.presenters import budget_overview, document_for, frozen_document_for


@login_required_keeping_post
def proposal_detail(request, pk):
    proposal = get_proposal(request.user, pk)
    if proposal.lead_id == request.user.pk and proposal_workflow.proposal_is_editable(proposal):
        return redirect("proposal_edit", pk=pk)
    in_consortium = is_consortium_pi(request.user, proposal)
    # Read once: the consortium's table lists every member, the budget those not revoked.
    members = members_of(proposal)
    context = {
        "proposal": proposal,
        "in_consortium": in_consortium,
        "violations": violations_for(proposal, timezone.now())
        if in_consortium and proposal.is_editable_state
        else [],
        "overview": budget_overview(
            proposal, [member for member in members if member.status != MemberStatus.REVOKED]
        ),
        "members": members,
    }
    return render(request, "grants/proposals/detail.html", context)


@login_required_keeping_post
def proposal_edit(request, pk):
    proposal = get_proposal(request.user, pk)
    require_lead(request.user, proposal)
    if request.method != "POST" and not proposal_workflow.proposal_is_editable(proposal):
        # Submitted, withdrawn or past the deadline: the read-only page, with what is left to do.
        return redirect("proposal_detail", pk=pk)
    call = proposal.call
    if request.method == "POST":
        form = ProposalForm(request.POST, request.FILES, instance=proposal, call=call)
        avoid_form = AvoidedExpertsForm(request.POST)
        if form.is_valid() and avoid_form.is_valid():
            try:
                proposal_workflow.proposal_draft_save(
                    proposal=proposal,
                    actor=request.user,
                    cleaned=form.cleaned_data,
                    experts=avoid_form.experts(),
                )
            except WorkflowError as error:
                form.add_error(None, error.message)
            except StorageUnavailable:
                form.add_error("narrative_pdf", STORAGE_DOWN)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("proposal_edit", pk=pk)
    else:
        data = kept_post(request)
        if data is not None:
            messages.warning(
                request,
                _(
                    "What you typed has been put back on the form. It is not saved yet: press Save draft."
                ),
            )
        form = ProposalForm(
            data, instance=proposal, call=call, initial={"version": proposal.version}
        )
        avoid_form = AvoidedExpertsForm(data, initial=AvoidedExpertsForm.initial_for(proposal))
        if data is not None:
            form.is_valid() and avoid_form.is_valid()
    return render(
        request, "grants/proposals/edit.html", _edit_context(request, proposal, form, avoid_form)
    )


def _edit_context(request, proposal, form, avoid_form):
    now = timezone.now()
    return {
        "proposal": proposal,
        "call": proposal.call,
        "form": form,
        "avoid_form": avoid_form,
        "violations": violations_for(proposal, now),
        "call_open": proposal.call.is_open(now),
        # Only a refused POST renders the form of a proposal that cannot change: what was
        # typed stays on the page to copy, without the buttons that would be refused again.
        "editable": proposal_workflow.proposal_is_editable(proposal, now),
        "return_reason": _return_reason(proposal),
        "overview": budget_overview(proposal),
        "members": proposal.members.select_related("institution__province", "pi"),
        "disciplines": Discipline.objects.all(),
        "language_form_id": "draft-form",
    }


def _return_reason(proposal):
    """Why the fund office returned the proposal for correction, as it wrote it."""
    if proposal.status != ProposalStatus.RETURNED:
        return ""
    entry = proposal.audit_entries.filter(action="proposal.returned").first()
    return entry.note if entry else ""


@require_POST
@login_required_keeping_post
def proposal_submit(request, pk):
    proposal = get_proposal(request.user, pk)
    require_lead(request.user, proposal)
    try:
        proposal = proposal_workflow.proposal_submit(proposal=proposal, actor=request.user)
    except NotEligible as error:
        messages.error(request, error.message)
        for violation in error.violations:
            messages.error(
                request,
                violation.message_zh
                if request.LANGUAGE_CODE.startswith("zh")
                else violation.message_en,
            )
        return redirect("proposal_edit", pk=pk)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("proposal_detail", pk=pk)
    messages.success(
        request,
        _(
            "Submitted. Your reference number is %(reference)s; every PI of the consortium has been e-mailed."
        )
        % {"reference": proposal.reference},
    )
    return redirect("proposal_detail", pk=pk)


@require_POST
@login_required_keeping_post
def proposal_withdraw(request, pk):
    proposal = get_proposal(request.user, pk)
    require_lead(request.user, proposal)
    return workflow_step(
        request,
        lambda: proposal_workflow.proposal_withdraw(proposal=proposal, actor=request.user),
        _("The proposal has been withdrawn."),
        "proposal_detail",
        pk=pk,
    )


@login_required_keeping_post
def proposal_pdf(request, pk):
    from grants.proposals.pdf import build_proposal_pdf

    proposal = get_proposal(request.user, pk)
    # As the narrative below: the consortium prints its live draft, everyone else the snapshot.
    if is_consortium_pi(request.user, proposal):
        document = document_for(proposal)
    else:
        document = frozen_document_for(proposal)
    data = build_proposal_pdf(document)
    response = HttpResponse(data, content_type="application/pdf")
    name = proposal.reference or f"proposal-{proposal.pk}-draft"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required_keeping_post
def narrative_download(request, pk):
    proposal = get_proposal(request.user, pk)
    # The consortium works on the live file; everyone else reads the one frozen at submission.
    if is_consortium_pi(request.user, proposal) or not proposal.snapshot:
        path = proposal.narrative_pdf.name
    else:
        path = proposal.snapshot.get("narrative_pdf")
    if not path or not default_storage.exists(path):
        raise Http404
    return FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=f"{proposal.reference or proposal.pk}-narrative.pdf",
        content_type="application/pdf",
    )
