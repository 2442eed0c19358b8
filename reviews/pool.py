"""The reviewer pool: who is in it and how experts join it.

Experts join by the fund office's single-use invitation or by a CSV import
(reviews.pool_import); each reviewer keeps their own settings (load per call,
availability). Every write here checks its input, runs in a transaction, writes an audit
entry and queues its e-mails for after the commit.
``potential_conflicts`` reads the relationships the portal can detect that are not hard
rules, for officers to weigh when they assign.
"""

import secrets
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.accounts.registration import role_grant
from grants.core import emails
from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.models import (
    UNSUBMITTED,
    CallStatus,
    ConsortiumMember,
    MemberStatus,
    Role,
    RoleGrant,
    User,
)
from grants.models.proposals import token_digest
from grants.models.reference import in_reader_language
from reviews.models import Assignment, AssignmentStatus, ExpertInvitation, ReviewerProfile

INVITATION_LIFETIME = timedelta(days=14)
MAX_REVIEWS_PER_CALL = 30
CURRENT_ASSIGNMENT = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)


# ---- reading the pool ---------------------------------------------------------------------


def reviewers(search=""):
    """Everyone holding the reviewer role, with their profile and how many assignments they
    carry now (invited or accepted, in calls not yet decided), searchable by name, e-mail,
    institution or discipline code."""
    current = (
        Assignment.objects.filter(reviewer=OuterRef("pk"), status__in=CURRENT_ASSIGNMENT)
        .exclude(call__status=CallStatus.DECIDED)
        .order_by()
        .values("reviewer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    people = (
        User.objects.filter(role_grants__role=Role.REVIEWER)
        .select_related("institution__province", "reviewer_profile")
        .prefetch_related("disciplines")
        .annotate(
            current_assignments=Coalesce(Subquery(current, output_field=IntegerField()), Value(0))
        )
        .order_by("name", "pk")
    )
    search = search.strip()
    if search:
        with_code = User.disciplines.through.objects.filter(
            discipline__code__istartswith=search
        ).values("user_id")
        people = people.filter(
            Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(institution__name_zh__icontains=search)
            | Q(institution__name_en__icontains=search)
            | Q(pk__in=with_code)
        )
    return people


def recent_invitations():
    return ExpertInvitation.objects.select_related(
        "invited_by", "accepted_by", "institution__province"
    )


# ---- invitations --------------------------------------------------------------------------


@transaction.atomic
def expert_invitation_send(*, actor, email, name, institution=None, now=None):
    """Invite ``email`` to join the reviewer pool. Returns the raw token (only e-mailed)."""
    now = now or timezone.now()
    email = email.strip().lower()
    if RoleGrant.objects.filter(user__email__iexact=email, role=Role.REVIEWER).exists():
        raise WorkflowError(
            _("%(email)s is already in the reviewer pool.") % {"email": email}, code="member"
        )
    # A new invitation replaces any earlier one to the same address, whose link stops working.
    ExpertInvitation.objects.filter(
        email=email, used_at=None, revoked_at=None, expires_at__gt=now
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = ExpertInvitation(
        email=email,
        name=name.strip(),
        institution=institution,
        token_digest=token_digest(token),
        invited_by=actor,
        expires_at=now + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    invitation.save()
    record(
        actor=actor,
        action="expert_invitation.sent",
        after={"invitation": invitation.pk, "email": email},
    )
    emails.send_on_commit(
        [email],
        "expert_invitation",
        {"invitation": invitation, "inviter": actor, "token": token},
    )
    return token


def expert_invitation_by_token(token):
    return (
        ExpertInvitation.objects.select_related("invited_by", "institution")
        .filter(token_digest=token_digest(token))
        .first()
    )


def _locked_usable(token, now):
    found = expert_invitation_by_token(token)
    invitation = ExpertInvitation.objects.select_for_update().get(pk=found.pk) if found else None
    if invitation is None:
        raise WorkflowError(_("This invitation link is not valid."), code="unknown")
    if invitation.used_at:
        raise WorkflowError(_("This invitation has already been answered."), code="used")
    if invitation.revoked_at:
        raise WorkflowError(_("The fund office has withdrawn this invitation."), code="revoked")
    if now >= invitation.expires_at:
        raise WorkflowError(
            _("This invitation expired. Ask the fund office to send a new one."), code="expired"
        )
    return invitation


@transaction.atomic
def expert_invitation_accept(*, token, user, now=None):
    """Join the pool: the reviewer role and a reviewer profile (kept if one exists)."""
    now = now or timezone.now()
    invitation = _locked_usable(token, now)
    invitation.used_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["used_at", "accepted_by"])
    role_grant(user=user, role=Role.REVIEWER)
    profile, _created = ReviewerProfile.objects.get_or_create(user=user)
    record(
        actor=user,
        action="expert_invitation.accepted",
        after={"invitation": invitation.pk, "invited": invitation.email, "account": user.email},
    )
    return profile


@transaction.atomic
def expert_invitation_decline(*, token, user, now=None):
    now = now or timezone.now()
    invitation = _locked_usable(token, now)
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    record(
        actor=user,
        action="expert_invitation.declined",
        after={"invitation": invitation.pk, "invited": invitation.email},
    )
    return invitation


@transaction.atomic
def expert_invitation_revoke(*, invitation, actor, now=None):
    now = now or timezone.now()
    invitation = ExpertInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at or invitation.revoked_at:
        raise WorkflowError(_("Only a pending invitation can be withdrawn."), code="not_pending")
    invitation.revoked_at = now
    invitation.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action="expert_invitation.revoked",
        after={"invitation": invitation.pk, "email": invitation.email},
    )
    return invitation


# ---- a reviewer's own settings ------------------------------------------------------------


@transaction.atomic
def reviewer_settings_save(*, user, max_reviews_per_call, available, unavailable_until):
    profile, _created = ReviewerProfile.objects.select_for_update().get_or_create(user=user)
    fields = ("max_reviews_per_call", "available", "unavailable_until")
    before = {name: _plain(getattr(profile, name)) for name in fields}
    profile.max_reviews_per_call = max_reviews_per_call
    profile.available = available
    profile.unavailable_until = None if available else unavailable_until
    profile.full_clean()
    profile.save()
    after = {name: _plain(getattr(profile, name)) for name in fields}
    record(actor=user, action="reviewer.settings_saved", before=before, after=after)
    return profile


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def availability_reopen(*, today=None):
    """Make reviewers available again once the date they gave has passed (for the daily
    schedule). Returns how many came back."""
    today = today or timezone.localdate()
    due = ReviewerProfile.objects.filter(available=False, unavailable_until__lt=today)
    user_ids = list(due.values_list("user_id", flat=True))
    count = due.update(available=True, unavailable_until=None)
    if count:
        record(actor=None, action="reviewer.availability_reopened", after={"users": user_ids})
    return count


# ---- potential conflicts ------------------------------------------------------------------


def _key(thing):
    return getattr(thing, "pk", thing)


def potential_conflicts(pairs):
    """For (proposal, reviewer) pairs (objects or ids), the potential conflicts the portal can
    detect that are not hard rules, each naming its type and source:

    - the reviewer and one of the proposal's PIs were in the same consortium in a submitted
      proposal of another call (a shared proposal of the same call is a hard rule already);
    - the reviewer works in the same city as the lead institution.

    Returns {(proposal_id, reviewer_id): [text, ...]} for every pair asked, in three queries
    whatever the number of pairs. Only reads; decides nothing.
    """
    pairs = [(_key(proposal), _key(reviewer)) for proposal, reviewer in pairs]
    if not pairs:
        return {}
    proposal_ids = {p for p, _r in pairs}
    reviewer_ids = {r for _p, r in pairs}

    members = ConsortiumMember.objects.filter(
        proposal_id__in=proposal_ids, status=MemberStatus.ACCEPTED
    ).values_list(
        "proposal_id",
        "proposal__call_id",
        "pi_id",
        "pi__name",
        "is_lead",
        "institution__name_zh",
        "institution__name_en",
        "institution__city_en",
    )
    calls, pis, leads = {}, defaultdict(dict), {}
    for proposal_id, call_id, pi_id, pi_name, is_lead, zh, en, city in members:
        calls[proposal_id] = call_id
        if pi_id:
            pis[proposal_id][pi_id] = pi_name
        if is_lead:
            leads[proposal_id] = (in_reader_language(zh, en), city.strip())

    places = {
        pk: (in_reader_language(zh, en), (city or "").strip())
        for pk, zh, en, city in User.objects.filter(pk__in=reviewer_ids).values_list(
            "pk", "institution__name_zh", "institution__name_en", "institution__city_en"
        )
        if zh
    }

    people = reviewer_ids | {pi for named in pis.values() for pi in named}
    taken_part = defaultdict(dict)  # person → {proposal id: (call id, reference)}
    for person, proposal_id, call_id, reference in (
        ConsortiumMember.objects.filter(status=MemberStatus.ACCEPTED, pi_id__in=people)
        .exclude(proposal__status__in=UNSUBMITTED)
        .values_list("pi_id", "proposal_id", "proposal__call_id", "proposal__reference")
    ):
        taken_part[person][proposal_id] = (call_id, reference or f"#{proposal_id}")

    found = {}
    for proposal_id, reviewer_id in pairs:
        texts = []
        reviewer_past = taken_part.get(reviewer_id, {})
        shared = set()
        for pi_id, pi_name in pis.get(proposal_id, {}).items():
            if pi_id == reviewer_id:
                continue
            for past_id, (call_id, reference) in taken_part.get(pi_id, {}).items():
                if past_id in reviewer_past and call_id != calls.get(proposal_id):
                    shared.add((reference, pi_name))
        for reference, pi_name in sorted(shared):
            texts.append(
                _("Shared proposal %(reference)s: the reviewer and %(pi)s were in its consortium")
                % {"reference": reference, "pi": pi_name}
            )
        lead, place = leads.get(proposal_id), places.get(reviewer_id)
        if lead and place and lead[1] and lead[1].casefold() == place[1].casefold():
            texts.append(
                _(
                    "Same city, %(city)s: the reviewer works at %(reviewer_institution)s, "
                    "the lead institution is %(lead_institution)s"
                )
                % {
                    "city": lead[1],
                    "reviewer_institution": place[0],
                    "lead_institution": lead[0],
                }
            )
        found[(proposal_id, reviewer_id)] = texts
    return found
