from math import ceil

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from grants.accounts.permissions import get_proposal, is_consortium_pi, may_edit_member
from grants.core.errors import WorkflowError
from grants.core.view_helpers import kept_post, login_required_keeping_post
from grants.models import ConsortiumMember, MemberStatus
from grants.proposals import budget, consortium_workflow, proposal_workflow
from grants.proposals.forms import BudgetForm, TeamFormSet
from grants.proposals.plain import budget_lines
from grants.proposals.presenters import budget_overview
from grants.proposals.views.editing import refused_unless_editable


@login_required_keeping_post
def budget_page(request, pk):
    proposal = get_proposal(request.user, pk)
    overview = budget_overview(proposal)
    may_change = proposal_workflow.proposal_is_editable(proposal)
    editable = (
        [m for m, _totals in overview.members if may_edit_member(request.user, m)]
        if may_change and is_consortium_pi(request.user, proposal)
        else []
    )
    context = {
        "proposal": proposal,
        "overview": overview,
        "editable": editable,
        "may_change": may_change,
    }
    return render(request, "grants/proposals/budget.html", context)


def _years(proposal):
    months = proposal.duration_months or proposal.call.max_duration_months
    return max(1, ceil(months / 12))


def _editable_member(request, pk, member_pk):
    proposal = get_proposal(request.user, pk)
    member = get_object_or_404(
        ConsortiumMember.objects.select_related("institution__province", "proposal__call"),
        proposal=proposal,
        pk=member_pk,
    )
    if not may_edit_member(request.user, member):
        raise PermissionDenied
    return proposal, member


@login_required_keeping_post
def budget_member(request, pk, member_pk):
    """One PI edits their own institution's budget grid and team."""
    proposal, member = _editable_member(request, pk, member_pk)
    if refused := refused_unless_editable(request, proposal, "budget", pk):
        return refused
    data = request.POST if request.method == "POST" else kept_post(request)
    form = BudgetForm(
        data,
        years=_years(proposal),
        threshold=proposal.call.instrument_threshold,
        initial=BudgetForm.initial_for(member),
    )
    team = TeamFormSet(
        data, prefix="team", initial=list(member.team.values("name", "role", "person_months"))
    )
    digest = data.get("digest") if data else consortium_workflow.lines_digest(member)
    # The totals of what was typed, before a refused save adds its reason to the form's errors
    # (which would make them read as amounts that are not valid).
    preview = _preview(proposal, member, form)
    if request.method == "POST" and form.is_valid() and team.is_valid():
        rows = [row for row in team.cleaned_data if row and not row.get("DELETE")]
        try:
            consortium_workflow.member_budget_save(
                member=member,
                actor=request.user,
                cells=form.cells(),
                team=rows,
                expected_digest=digest,
                instruments=form.instruments(),
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Budget saved."))
            return redirect("budget_member", pk=pk, member_pk=member.pk)
    context = {
        "proposal": proposal,
        "member": member,
        "form": form,
        "team": team,
        "digest": digest,
        "preview": preview,
    }
    return render(request, "grants/proposals/budget_member.html", context)


@login_required_keeping_post
def budget_preview(request, pk, member_pk):
    """The totals as the user types (htmx); the same numbers the saved budget will show."""
    proposal, member = _editable_member(request, pk, member_pk)
    form = BudgetForm(
        request.POST or None,
        years=_years(proposal),
        threshold=proposal.call.instrument_threshold,
        initial=BudgetForm.initial_for(member),
    )
    return render(
        request,
        "grants/proposals/partials/budget_totals.html",
        {"preview": _preview(proposal, member, form), "proposal": proposal, "form": form},
    )


def _preview(proposal, member, form):
    """The proposal's budget with this member's saved lines replaced by what is in the form."""
    members = [
        m
        for m in proposal.members.select_related("institution__province")
        if m.status != MemberStatus.REVOKED
    ]
    lines = [line for line in budget_lines(proposal, members) if line.member != str(member.pk)]
    if form.is_bound:
        valid = form.is_valid()
        cells = form.cells() if valid else {}
    else:
        valid = True
        cells = {(line.category, line.year): line.amount for line in member.budget_lines.all()}
    lines += [
        budget.Line(
            member=str(member.pk),
            province=member.institution.province_id,
            category=category,
            year=year,
            amount=amount,
        )
        for (category, year), amount in cells.items()
        if amount
    ]
    summary = budget.summarise(lines)
    return {
        "summary": summary,
        "member_totals": summary.by_member.get(str(member.pk)),
        "valid": valid,
        "province_names": {m.institution.province_id: m.institution.province.name for m in members},
    }
