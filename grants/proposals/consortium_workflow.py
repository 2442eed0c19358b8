"""Consortium members, partner invitations, and each member's budget and team."""

import hashlib
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core import emails
from grants.core.audit import record
from grants.core.errors import INVITATION_LIFETIME, StaleEdit, WorkflowError
from grants.models import (
    BudgetCategory,
    ConsortiumMember,
    Invitation,
    MemberStatus,
    Proposal,
)
from grants.models.proposals import token_digest
from grants.proposals.proposal_workflow import bump_version, require_editable

# ---- consortium and invitations -----------------------------------------------------------


@transaction.atomic
def member_add(*, proposal, actor, institution, expected_version, now=None):
    require_editable(proposal, now)
    if (
        proposal.members.exclude(status=MemberStatus.REVOKED)
        .filter(institution=institution)
        .exists()
    ):
        raise WorkflowError(_("This institution is already in the consortium."), code="duplicate")
    bump_version(proposal, expected_version)
    member = ConsortiumMember.objects.create(proposal=proposal, institution=institution)
    record(
        actor=actor, action="member.added", proposal=proposal, after={"institution": institution.pk}
    )
    return member


@transaction.atomic
def invitation_send(*, member, actor, email, now=None):
    """Invite ``email`` to lead ``member``'s part. Returns the raw token (only e-mailed)."""
    now = now or timezone.now()
    email = email.strip().lower()
    require_editable(member.proposal, now)
    if member.is_lead or member.status != MemberStatus.PENDING:
        raise WorkflowError(_("Only a pending partner can be invited."), code="not_pending")
    # A new invitation replaces any earlier one, whose link stops working.
    member.invitations.filter(used_at=None, revoked_at=None).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        member=member,
        email=email,
        token_digest=token_digest(token),
        invited_by=actor,
        expires_at=now + INVITATION_LIFETIME,
    )
    record(actor=actor, action="invitation.sent", proposal=member.proposal, after={"email": email})
    emails.send_on_commit(
        [email],
        "partner_invitation",
        {
            "proposal": member.proposal,
            "member": member,
            "inviter": actor,
            "token": token,
            "expires_at": now + INVITATION_LIFETIME,
        },
    )
    return token


def invitation_by_token(token):
    try:
        return Invitation.objects.select_related(
            "member__proposal__call", "member__institution"
        ).get(token_digest=token_digest(token))
    except Invitation.DoesNotExist:
        return None


def _require_usable(invitation, now):
    if invitation is None:
        raise WorkflowError(_("This invitation link is not valid."), code="unknown")
    if invitation.used_at:
        raise WorkflowError(_("This invitation has already been answered."), code="used")
    if invitation.revoked_at:
        raise WorkflowError(_("The lead PI has withdrawn this invitation."), code="revoked")
    if now >= invitation.expires_at:
        raise WorkflowError(
            _("This invitation expired. Ask the lead PI to send a new one."), code="expired"
        )


@transaction.atomic
def invitation_answer(*, token, user, accept: bool, now=None):
    now = now or timezone.now()
    invitation = invitation_by_token(token)
    if invitation is not None:
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require_usable(invitation, now)
    member = ConsortiumMember.objects.select_for_update().get(pk=invitation.member_id)
    if member.status != MemberStatus.PENDING:
        raise WorkflowError(
            _("This place in the consortium is no longer open."), code="not_pending"
        )
    require_editable(member.proposal, now)
    if accept and user.institution_id != member.institution_id:
        raise WorkflowError(
            _(
                "This invitation is for a PI at %(invited)s, but your profile says %(yours)s. "
                "Correct your profile or ask the lead PI to invite the right institution."
            )
            % {"invited": member.institution.name, "yours": user.institution or "—"},
            code="wrong_institution",
        )
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    member.status = MemberStatus.ACCEPTED if accept else MemberStatus.DECLINED
    member.pi = user if accept else None
    member.save(update_fields=["status", "pi"])
    Proposal.objects.filter(pk=member.proposal_id).update(version=F("version") + 1)
    record(
        actor=user,
        action="invitation.accepted" if accept else "invitation.declined",
        proposal=member.proposal,
        after={"member": member.pk},
    )
    emails.send_on_commit(
        [member.proposal.lead.email],
        "invitation_answered",
        {"proposal": member.proposal, "member": member, "partner": user, "accepted": accept},
    )
    return member


@transaction.atomic
def member_revoke(*, member, actor, expected_version, now=None):
    """The lead removes a partner (pending or accepted); its budget lines stop counting."""
    now = now or timezone.now()
    require_editable(member.proposal, now)
    if member.is_lead:
        raise WorkflowError(_("The lead institution cannot be removed."), code="lead")
    bump_version(member.proposal, expected_version)
    member.invitations.filter(used_at=None, revoked_at=None).update(revoked_at=now)
    member.status = MemberStatus.REVOKED
    member.save(update_fields=["status"])
    record(
        actor=actor, action="member.revoked", proposal=member.proposal, after={"member": member.pk}
    )
    return member


# ---- budget and team ------------------------------------------------------------------------


def lines_digest(member):
    """A fingerprint of one member's budget lines and team, to refuse stale saves.

    Each PI edits only their own institution's part, so two partners saving their own parts
    at once must both succeed; only two saves of the same part can collide.
    """
    lines = member.budget_lines.order_by("category", "year").values_list(
        "category", "year", "amount", "instrument", "shared_instrument_reason"
    )
    team = member.team.order_by("pk").values_list("name", "role", "person_months")
    text = repr([(c, y, str(a), i, r) for c, y, a, i, r in lines]) + repr(
        [(n, r, str(p)) for n, r, p in team]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _instrument_of(category, named):
    if category != BudgetCategory.EQUIPMENT or not named:
        return {}
    instrument, reason = named
    return {"instrument": instrument, "shared_instrument_reason": reason}


@transaction.atomic
def member_budget_save(
    *, member, actor, cells: dict, team: list, expected_digest, instruments=None, now=None
):
    """Replace one member's budget lines ({(category, year): amount}) and team rows;
    ``instruments`` ({year: (instrument, reason)}) goes on the equipment lines."""
    from grants.models import BudgetLine, TeamMember

    member = (
        ConsortiumMember.objects.select_for_update()
        .select_related("proposal__call")
        .get(pk=member.pk)
    )
    require_editable(member.proposal, now)
    if member.status == MemberStatus.REVOKED:
        raise WorkflowError(_("This partner has been removed from the consortium."), code="revoked")
    if lines_digest(member) != expected_digest:
        raise StaleEdit()
    member.budget_lines.all().delete()
    instruments = instruments or {}
    BudgetLine.objects.bulk_create(
        BudgetLine(
            member=member,
            category=category,
            year=year,
            amount=amount,
            **_instrument_of(category, instruments.get(year)),
        )
        for (category, year), amount in sorted(cells.items())
        if amount
    )
    member.team.all().delete()
    TeamMember.objects.bulk_create(TeamMember(member=member, **row) for row in team)
    Proposal.objects.filter(pk=member.proposal_id).update(updated_at=timezone.now())
    record(
        actor=actor,
        action="budget.saved",
        proposal=member.proposal,
        after={"member": member.pk, "lines": len([a for a in cells.values() if a])},
    )
    return member
