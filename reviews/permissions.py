"""Who may see what in reviewing: reviewers only their own accepted assignments, panels only
their members and chair, the fund office everything. Objects are fetched through here."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from grants.accounts.permissions import has_role
from grants.models import Role
from grants.models.proposals import ProposalQuerySet
from reviews.models import Assignment, AssignmentStatus, Panel


def assignments_for(user):
    return Assignment.objects.filter(reviewer=user).select_related(
        "call", "proposal__call", "proposal__primary_code"
    )


def assignments_listed(user):
    """assignments_for as the reviewer's lists show them: the call and the proposal's
    discipline, without the proposal's snapshot and long texts (Proposal.LIST_DEFERRED).
    ``user`` may be the reviewer's id."""
    return (
        Assignment.objects.filter(reviewer=user)
        .select_related("call", "proposal__primary_code")
        .defer(*(f"proposal__{name}" for name in ProposalQuerySet.LIST_DEFERRED))
    )


def get_assignment(user, pk):
    """The reviewer's own assignment, or 404 (another reviewer's assignments do not exist)."""
    return get_object_or_404(assignments_for(user), pk=pk)


def get_accepted_assignment(user, pk):
    """Content is shown only after the reviewer accepted and declared no conflict."""
    return get_object_or_404(
        assignments_for(user),
        pk=pk,
        status=AssignmentStatus.ACCEPTED,
        no_conflict_declared_at__isnull=False,
    )


def panels_for(user):
    if has_role(user, Role.FUND_OFFICER):
        return Panel.objects.all()
    return Panel.objects.filter(Q(chair=user) | Q(members=user)).distinct()


def get_panel(user, pk):
    return get_object_or_404(panels_for(user).select_related("call", "area", "chair"), pk=pk)


def get_chaired_panel(user, pk):
    """Members and the fund office read a panel; only its chair changes it (403 for them)."""
    from django.core.exceptions import PermissionDenied

    panel = get_panel(user, pk)
    if panel.chair_id != user.pk:
        raise PermissionDenied
    return panel


def get_office_assignment(user, pk):
    """Any assignment, for the fund office only (403 for everyone else)."""
    from django.core.exceptions import PermissionDenied

    if not has_role(user, Role.FUND_OFFICER):
        raise PermissionDenied
    return get_object_or_404(
        Assignment.objects.select_related("call", "proposal__call", "reviewer__institution"),
        pk=pk,
    )
