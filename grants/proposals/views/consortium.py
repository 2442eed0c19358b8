from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.forms import InstitutionRequestForm
from grants.accounts.permissions import get_proposal, is_consortium_pi, require_lead
from grants.core import emails
from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.core.view_helpers import invitation_landing, login_required_keeping_post, safe_next
from grants.models import ConsortiumMember, Role, User
from grants.proposals import consortium_workflow, proposal_workflow
from grants.proposals.forms import InvitationForm, MemberAddForm
from grants.proposals.views.editing import refused_unless_editable


@login_required_keeping_post
def consortium(request, pk):
    proposal = get_proposal(request.user, pk)
    if not is_consortium_pi(request.user, proposal):
        return redirect("proposal_detail", pk=pk)
    return _consortium_page(request, proposal)


def _consortium_page(request, proposal, add_form=None, invite_form=None, invited_member=None):
    """The consortium page; a refused form comes back bound, its error beside the field and
    what was typed still in it."""
    members = proposal.members.select_related("institution__province", "pi").prefetch_related(
        "invitations"
    )
    return render(
        request,
        "grants/proposals/consortium.html",
        {
            "proposal": proposal,
            "members": members,
            "is_lead": proposal.lead_id == request.user.pk,
            "editable": proposal_workflow.proposal_is_editable(proposal),
            "add_form": add_form or MemberAddForm(initial={"version": proposal.version}),
            "invite_form": invite_form,
            "invited_member": invited_member,
        },
    )


@require_POST
@login_required_keeping_post
def member_add(request, pk):
    proposal = get_proposal(request.user, pk)
    require_lead(request.user, proposal)
    if refused := refused_unless_editable(request, proposal, "consortium", pk):
        return refused
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        return _consortium_page(request, proposal, add_form=form)
    try:
        consortium_workflow.member_add(
            proposal=proposal,
            actor=request.user,
            institution=form.cleaned_data["institution"],
            expected_version=form.cleaned_data["version"],
        )
    except WorkflowError as error:
        form.add_error("institution", error.message)
        return _consortium_page(request, proposal, add_form=form)
    messages.success(request, _("Partner institution added. Now invite its PI."))
    return redirect("consortium", pk=pk)


def _member(request, pk, member_pk):
    proposal = get_proposal(request.user, pk)
    require_lead(request.user, proposal)
    return get_object_or_404(
        ConsortiumMember.objects.select_related("proposal__call"), proposal=proposal, pk=member_pk
    )


@require_POST
@login_required_keeping_post
def member_invite(request, pk, member_pk):
    member = _member(request, pk, member_pk)
    if refused := refused_unless_editable(request, member.proposal, "consortium", pk):
        return refused
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            consortium_workflow.invitation_send(
                member=member, actor=request.user, email=form.cleaned_data["email"]
            )
        except WorkflowError as error:
            form.add_error("email", error.message)
    if not form.is_valid():
        return _consortium_page(
            request, member.proposal, invite_form=form, invited_member=member.pk
        )
    messages.success(
        request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
    )
    return redirect("consortium", pk=pk)


@require_POST
@login_required_keeping_post
def member_revoke(request, pk, member_pk):
    member = _member(request, pk, member_pk)
    try:
        consortium_workflow.member_revoke(
            member=member, actor=request.user, expected_version=int(request.POST.get("version", 0))
        )
    except (WorkflowError, ValueError) as error:
        messages.error(request, getattr(error, "message", str(error)))
    else:
        messages.success(
            request,
            _("%(institution)s is no longer in the consortium.")
            % {"institution": member.institution},
        )
    return redirect("consortium", pk=pk)


def invitation(request, token):
    """The page an invited partner PI lands on, with or without an account."""
    found = consortium_workflow.invitation_by_token(token)
    landing = invitation_landing(request, found, "grants/proposals/invitations/anonymous.html")
    if landing is not None:
        return landing
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        try:
            member = consortium_workflow.invitation_answer(
                token=token, user=request.user, accept=accept
            )
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            if accept:
                messages.success(
                    request,
                    _(
                        "You have joined the consortium. Fill in your institution's team and budget."
                    ),
                )
                return redirect("budget_member", pk=member.proposal_id, member_pk=member.pk)
            messages.success(
                request, _("You have declined the invitation. The lead PI has been told.")
            )
            return redirect("dashboard")
    return render(
        request, "grants/proposals/invitations/answer.html", {"invitation": found, "token": token}
    )


@login_required
def institution_request(request):
    """Ask the fund office to add an institution missing from the list."""
    form = InstitutionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        officers = User.objects.filter(role_grants__role=Role.FUND_OFFICER).values_list(
            "email", flat=True
        )
        record(
            actor=request.user,
            action="institution.requested",
            after={key: str(value) for key, value in form.cleaned_data.items()},
        )
        emails.send_on_commit(
            list(officers),
            "institution_request",
            {"request_data": form.cleaned_data, "requester": request.user},
        )
        messages.success(
            request,
            _("Thank you. The fund office will add the institution and tell you by e-mail."),
        )
        return redirect(safe_next(request) or "dashboard")
    return render(request, "grants/accounts/institution_request.html", {"form": form})
