"""The one place where a proposal, its consortium and its invitations change state.

Each function checks who is acting and whether the change is allowed now, locks the rows it
changes, writes an audit entry and queues its e-mails for after the commit. Views, the admin,
commands and the demo all call these functions; nothing else writes these states.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import emails
from .audit import record
from .models import (
    Call,
    CallStatus,
    ConsortiumMember,
    Invitation,
    MemberStatus,
    Proposal,
    ProposalStatus,
    Screening,
)
from .models.proposals import token_digest
from .plain import violations_for

INVITATION_LIFETIME = timedelta(days=14)

# (from, to) pairs a proposal may move along; anything else is refused.
TRANSITIONS = {
    (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED),
    (ProposalStatus.RETURNED, ProposalStatus.SUBMITTED),
    (ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN),
    (ProposalStatus.SUBMITTED, ProposalStatus.RETURNED),
}


class WorkflowError(Exception):
    def __init__(self, message, code="refused"):
        super().__init__(message)
        self.message = message
        self.code = code


class StaleEdit(WorkflowError):
    def __init__(self):
        super().__init__(
            _(
                "Someone else saved this proposal after you opened it. Your text is still "
                "below but was NOT saved: copy what you need, reload the page and apply it again."
            ),
            code="stale",
        )


class NotEligible(WorkflowError):
    def __init__(self, violations):
        super().__init__(_("The proposal does not meet the call's rules yet."), code="ineligible")
        self.violations = violations


def _require_open(call, now):
    if not call.is_open(now):
        raise WorkflowError(
            _("The call is closed: nothing can be submitted or changed any more."), code="closed"
        )


def _require_transition(proposal, target):
    if (proposal.status, target) not in TRANSITIONS:
        raise WorkflowError(
            _("A proposal that is %(status)s cannot be %(target)s.")
            % {"status": proposal.get_status_display(), "target": ProposalStatus(target).label},
            code="transition",
        )


# ---- drafts -------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(*, call, lead, now=None):
    now = now or timezone.now()
    _require_open(call, now)
    if lead.institution_id is None:
        raise WorkflowError(_("Complete your profile with your institution first."), code="profile")
    proposal = Proposal.objects.create(call=call, lead=lead)
    ConsortiumMember.objects.create(
        proposal=proposal,
        institution_id=lead.institution_id,
        is_lead=True,
        pi=lead,
        status=MemberStatus.ACCEPTED,
    )
    record(actor=lead, action="proposal.created", proposal=proposal, call=call)
    return proposal


def require_editable(proposal, now=None):
    now = now or timezone.now()
    if not proposal.is_editable_state:
        raise WorkflowError(
            _("This proposal is %(status)s and can no longer be edited.")
            % {"status": proposal.get_status_display()},
            code="not_editable",
        )
    _require_open(proposal.call, now)


@transaction.atomic
def proposal_save(*, proposal, actor, fields: dict, expected_version: int, now=None):
    """Save draft fields only if nobody saved since ``expected_version`` was read."""
    require_editable(proposal, now)
    updated = Proposal.objects.filter(pk=proposal.pk, version=expected_version).update(
        **fields, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEdit()
    proposal.refresh_from_db()
    record(actor=actor, action="proposal.saved", proposal=proposal, after=sorted(fields))
    return proposal


def bump_version(proposal, expected_version):
    """Claim the draft for a change made elsewhere (files, consortium, budget)."""
    updated = Proposal.objects.filter(pk=proposal.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEdit()
    proposal.version = expected_version + 1


# ---- submission ---------------------------------------------------------------------------


def reference_number(call, proposal):
    """The next YRD-<year>-<area>-<nnnn>, counted per year and area across all calls."""
    from .models.proposals import ReferenceCounter

    area = (proposal.primary_code_id or "X")[:3]
    ReferenceCounter.objects.get_or_create(year=call.year, area=area)
    counter = ReferenceCounter.objects.select_for_update().get(year=call.year, area=area)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"YRD-{call.year}-{area}-{counter.last:04d}"


@transaction.atomic
def proposal_submit(*, proposal, actor, now=None):
    """The final gate: re-check every rule under lock, then freeze, number and announce."""
    now = now or timezone.now()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    call = Call.objects.select_for_update().get(pk=proposal.call_id)
    if actor.pk != proposal.lead_id:
        raise WorkflowError(_("Only the lead PI can submit the proposal."), code="not_lead")
    _require_transition(proposal, ProposalStatus.SUBMITTED)
    _require_open(call, now)
    violations = violations_for(proposal, now)
    if violations:
        raise NotEligible(violations)

    from .snapshots import freeze

    if not proposal.reference:
        proposal.reference = reference_number(call, proposal)
    before = proposal.status
    proposal.status = ProposalStatus.SUBMITTED
    proposal.submitted_at = now
    proposal.snapshot = freeze(proposal)
    proposal.version += 1
    proposal.save(update_fields=["status", "submitted_at", "snapshot", "reference", "version"])
    record(
        actor=actor,
        action="proposal.submitted",
        proposal=proposal,
        call=call,
        before={"status": before},
        after={"status": proposal.status, "reference": proposal.reference},
    )
    emails.send_on_commit(
        consortium_emails(proposal), "proposal_submitted", {"proposal": proposal, "call": call}
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal, actor, now=None):
    now = now or timezone.now()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if actor.pk != proposal.lead_id:
        raise WorkflowError(_("Only the lead PI can withdraw the proposal."), code="not_lead")
    _require_transition(proposal, ProposalStatus.WITHDRAWN)
    _require_open(proposal.call, now)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.save(update_fields=["status"])
    record(actor=actor, action="proposal.withdrawn", proposal=proposal, call=proposal.call)
    emails.send_on_commit(consortium_emails(proposal), "proposal_withdrawn", {"proposal": proposal})
    return proposal


@transaction.atomic
def proposal_return(*, proposal, actor, reason, now=None):
    """The fund office sends a submitted proposal back for correction before the deadline."""
    now = now or timezone.now()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require_transition(proposal, ProposalStatus.RETURNED)
    _require_open(proposal.call, now)
    proposal.status = ProposalStatus.RETURNED
    proposal.save(update_fields=["status"])
    record(
        actor=actor, action="proposal.returned", proposal=proposal, call=proposal.call, note=reason
    )
    emails.send_on_commit(
        consortium_emails(proposal), "proposal_returned", {"proposal": proposal, "reason": reason}
    )
    return proposal


def consortium_emails(proposal):
    members = proposal.members.filter(status=MemberStatus.ACCEPTED).select_related("pi")
    return [proposal.lead.email] + [member.pi.email for member in members if member.pi_id]


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
        "category", "year", "amount"
    )
    team = member.team.order_by("pk").values_list("name", "role", "person_months")
    text = repr([(c, y, str(a)) for c, y, a in lines]) + repr([(n, r, str(p)) for n, r, p in team])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@transaction.atomic
def member_budget_save(*, member, actor, cells: dict, team: list, expected_digest, now=None):
    """Replace one member's budget lines ({(category, year): amount}) and team rows."""
    from .models import BudgetLine, TeamMember

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
    BudgetLine.objects.bulk_create(
        BudgetLine(member=member, category=category, year=year, amount=amount)
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


DRAFT_FIELDS = [
    "title_zh",
    "title_en",
    "primary_code",
    "secondary_code",
    "keywords",
    "abstract_zh",
    "abstract_en",
    "duration_months",
    "industry_problem",
    "partner_enterprise",
    "section_rationale",
    "section_basis",
    "section_other",
    "other_funding",
    "other_funding_details",
]


@transaction.atomic
def proposal_draft_save(*, proposal, actor, cleaned: dict, experts: list, now=None):
    """Save the draft form: texts, the narrative PDF and the experts to avoid, all or nothing."""
    from django.core.files.storage import default_storage

    from .models import AvoidedExpert
    from .uploads import attachment_path, display_name

    nullable = {"primary_code", "secondary_code", "duration_months"}
    fields = {}
    for name in DRAFT_FIELDS:
        value = cleaned.get(name)
        fields[name] = "" if value is None and name not in nullable else value
    upload = cleaned.get("narrative_pdf")
    stored = None
    if upload is False:  # "clear" ticked
        fields.update(narrative_pdf="", narrative_pdf_name="")
    elif upload and hasattr(upload, "content_type"):
        stored = default_storage.save(attachment_path(proposal, upload.name), upload)
        fields.update(narrative_pdf=stored, narrative_pdf_name=display_name(upload.name))
    try:
        proposal = proposal_save(
            proposal=proposal,
            actor=actor,
            fields=fields,
            expected_version=cleaned["version"],
            now=now,
        )
    except WorkflowError:
        if stored:
            default_storage.delete(stored)
        raise
    proposal.avoided_experts.all().delete()
    AvoidedExpert.objects.bulk_create(
        AvoidedExpert(proposal=proposal, **expert) for expert in experts
    )
    return proposal


# ---- calls ----------------------------------------------------------------------------------


def call_open_problems(call):
    """What stops a call from opening: every funding province must have a contribution."""
    from .models import Province

    problems = []
    funding = set(Province.objects.filter(is_funding=True).values_list("code", flat=True))
    contributed = set(call.contributions.filter(amount__gt=0).values_list("province_id", flat=True))
    for code in sorted(funding - contributed):
        problems.append(
            _("No contribution from %(province)s yet.")
            % {"province": Province.objects.get(code=code)}
        )
    if not call.discipline_areas.exists():
        problems.append(_("The call has no discipline areas."))
    return problems


@transaction.atomic
def call_open(*, call, actor):
    from .models import CallStatus

    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.DRAFT:
        raise WorkflowError(_("Only a draft call can be opened."), code="transition")
    problems = call_open_problems(call)
    if problems:
        raise WorkflowError(" ".join(str(p) for p in problems), code="incomplete")
    call.status = CallStatus.OPEN
    call.save(update_fields=["status"])
    record(
        actor=actor,
        action="call.opened",
        call=call,
        before={"status": "draft"},
        after={"status": "open"},
    )
    return call


# (from, to) for each action that moves a call along; anything else is refused.
CALL_ACTIONS = {
    "open": (CallStatus.DRAFT, CallStatus.OPEN),
    "close": (CallStatus.OPEN, CallStatus.CLOSED),
    "start_review": (CallStatus.CLOSED, CallStatus.IN_REVIEW),
    "start_panel": (CallStatus.IN_REVIEW, CallStatus.IN_PANEL),
    "decide": (CallStatus.IN_PANEL, CallStatus.DECIDED),
}
CALL_AUDIT_ACTIONS = {
    "open": "call.opened",
    "close": "call.closed",
    "start_review": "call.review_started",
    "start_panel": "call.panel_started",
    "decide": "call.decided",
}


def call_next_actions(call):
    """The actions that may move ``call`` on from its present state (buttons on its page)."""
    return [action for action, (source, _target) in CALL_ACTIONS.items() if source == call.status]


def _call_move(*, call, actor, action, check=None):
    """Lock the call, refuse a move out of order, run ``check`` on the locked row, move, audit."""
    source, target = CALL_ACTIONS[action]
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != source:
        raise WorkflowError(
            _("A call that is “%(status)s” cannot become “%(target)s”.")
            % {"status": call.get_status_display(), "target": CallStatus(target).label},
            code="transition",
        )
    if check is not None:
        check(call)
    call.status = target
    call.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        action=CALL_AUDIT_ACTIONS[action],
        call=call,
        before={"status": source},
        after={"status": target},
    )
    return call


@transaction.atomic
def call_close(*, call, actor, now=None):
    """Close a call once its deadline has passed (never before: the deadline is published)."""
    now = now or timezone.now()

    def deadline_passed(locked):
        if now < locked.closes_at:
            raise WorkflowError(
                _("The deadline has not passed yet: the call closes on its own when it does."),
                code="too_early",
            )

    return _call_move(call=call, actor=actor, action="close", check=deadline_passed)


@transaction.atomic
def call_start_review(*, call, actor):
    """Start mail review. Every submitted proposal must be screened first: only the eligible
    ones go to review."""

    def all_screened(locked):
        pending = locked.proposals.filter(
            status=ProposalStatus.SUBMITTED, screening=Screening.PENDING
        ).count()
        if pending:
            raise WorkflowError(
                _("%(count)d submitted proposals are not screened yet.") % {"count": pending},
                code="unscreened",
            )

    return _call_move(call=call, actor=actor, action="start_review", check=all_screened)


@transaction.atomic
def call_start_panel(*, call, actor):
    return _call_move(call=call, actor=actor, action="start_panel")


@transaction.atomic
def call_decide(*, call, actor):
    """Decide the call once its funding is final; the letters go out with the decision."""
    from .decisions import letters_send

    def funding_final(locked):
        funding_round = getattr(locked, "funding_round", None)
        if funding_round is None or funding_round.final_at is None:
            raise WorkflowError(
                _(
                    "Commit the funding, and have every province confirm its share if the call requires it."
                ),
                code="not_final",
            )

    call = _call_move(call=call, actor=actor, action="decide", check=funding_final)
    letters_send(call)
    return call


def call_move(*, call, actor, action):
    """Run the named action (as a button on the call's page names it)."""
    movers = {
        "open": call_open,
        "close": call_close,
        "start_review": call_start_review,
        "start_panel": call_start_panel,
        "decide": call_decide,
    }
    if action not in movers:
        raise WorkflowError(_("Unknown action."), code="unknown")
    return movers[action](call=call, actor=actor)


def _audit_value(value):
    """A field's value as JSON for the audit log."""
    from datetime import date, datetime
    from decimal import Decimal

    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date | Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def _call_state(call):
    """The call's rules as plain JSON, to compare before and after an edit."""
    from .models import Contribution

    state = {
        field.name: _audit_value(getattr(call, field.name))
        for field in call._meta.concrete_fields
        if field.editable and field.name not in {"id", "status"}
    }
    state["discipline_areas"] = sorted(call.discipline_areas.values_list("code", flat=True))
    state["contributions"] = {
        contribution.province_id: str(contribution.amount)
        for contribution in Contribution.objects.filter(call=call)
    }
    return state


def _call_write(call, fields, areas, contributions):
    from .models import Contribution

    for name, value in fields.items():
        setattr(call, name, value)
    call.full_clean()
    call.save()
    # Read back what the database keeps (0 becomes 0.00), so the audit compares like with like.
    call.refresh_from_db()
    call.discipline_areas.set(areas)
    for province_code, amount in contributions.items():
        if amount is None:
            Contribution.objects.filter(call=call, province_id=province_code).delete()
        else:
            Contribution.objects.update_or_create(
                call=call, province_id=province_code, defaults={"amount": amount}
            )


@transaction.atomic
def call_create(*, actor, fields: dict, areas, contributions: dict):
    """A new draft call. ``contributions`` maps province codes to amounts (None: none yet)."""
    call = Call(status=CallStatus.DRAFT)
    _call_write(call, fields, areas, contributions)
    record(actor=actor, action="call.created", call=call, after=_call_state(call))
    return call


@transaction.atomic
def call_update(*, call, actor, fields: dict, areas, contributions: dict):
    """Change a draft call's rules. Once open they are frozen: only the deadline may move
    (call_extend_deadline)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.DRAFT:
        raise WorkflowError(
            _("The call is open: its rules can no longer change, only its deadline."),
            code="frozen",
        )
    before = _call_state(call)
    _call_write(call, fields, areas, contributions)
    after = _call_state(call)
    changed = sorted(name for name in after if after[name] != before.get(name))
    if changed:
        record(
            actor=actor,
            action="call.updated",
            call=call,
            before={name: before.get(name) for name in changed},
            after={name: after[name] for name in changed},
        )
    return call


@transaction.atomic
def call_extend_deadline(*, call, actor, closes_at, reason, now=None):
    """Move an open call's deadline later, record it and tell the lead PIs of its drafts."""
    from .models.calls import DeadlineExtension

    now = now or timezone.now()
    reason = (reason or "").strip()
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.OPEN:
        raise WorkflowError(_("Only an open call's deadline can be extended."), code="transition")
    if closes_at <= now or closes_at <= call.closes_at:
        raise WorkflowError(
            _("The new deadline must be later than now and later than the present one."),
            code="not_later",
        )
    if not reason:
        raise WorkflowError(_("Give the reason for the extension."), code="reason")
    extension = DeadlineExtension.objects.create(
        call=call, old_closes_at=call.closes_at, new_closes_at=closes_at, by=actor, reason=reason
    )
    call.closes_at = closes_at
    call.save(update_fields=["closes_at", "updated_at"])
    record(
        actor=actor,
        action="call.deadline_extended",
        call=call,
        before={"closes_at": _audit_value(extension.old_closes_at)},
        after={"closes_at": _audit_value(closes_at)},
        note=reason,
    )
    leads = Proposal.objects.filter(
        call=call, status__in=[ProposalStatus.DRAFT, ProposalStatus.RETURNED]
    ).values_list("lead__email", flat=True)
    emails.send_on_commit(
        list(leads), "call_deadline_extended", {"call": call, "extension": extension}
    )
    return extension


def calls_run_schedule(*, now=None):
    """Open the draft calls whose opening time has come and close the open calls whose
    deadline has passed. Returns (call, outcome, detail) for each call it looked at.

    Safe to run every minute and from two machines at once: each move locks its call and
    checks its state again, so a call already moved is left alone.
    """
    now = now or timezone.now()
    done = []
    for call in Call.objects.filter(status=CallStatus.DRAFT, opens_at__lte=now).order_by("pk"):
        if call.closes_at <= now:
            done.append((call, "not_opened", str(_("Its deadline has already passed."))))
            continue
        try:
            call_open(call=call, actor=None)
        except WorkflowError as error:
            if error.code != "transition":
                done.append((call, "not_opened", str(error.message)))
        else:
            done.append((call, "opened", ""))
    for call in Call.objects.filter(status=CallStatus.OPEN, closes_at__lte=now).order_by("pk"):
        try:
            call_close(call=call, actor=None, now=now)
        except WorkflowError:
            continue
        done.append((call, "closed", ""))
    return done


# ---- screening ------------------------------------------------------------------------------


def _screen(*, proposal, actor, screening, reason=""):
    proposal = Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.SUBMITTED:
        raise WorkflowError(_("Only a submitted proposal can be screened."), code="not_submitted")
    if proposal.call.status != CallStatus.CLOSED:
        raise WorkflowError(
            _("Proposals are screened after the call closes and before review starts."),
            code="not_closed",
        )
    before = {"screening": proposal.screening, "reason": proposal.screening_reason}
    if before == {"screening": screening, "reason": reason}:
        return proposal, False
    proposal.screening = screening
    proposal.screening_reason = reason
    proposal.save(update_fields=["screening", "screening_reason"])
    record(
        actor=actor,
        action="proposal.screened",
        proposal=proposal,
        call=proposal.call,
        before={"screening": before["screening"]},
        after={"screening": screening},
        note=reason,
    )
    return proposal, True


@transaction.atomic
def proposal_screen_eligible(*, proposal, actor):
    proposal, _changed = _screen(proposal=proposal, actor=actor, screening=Screening.ELIGIBLE)
    return proposal


@transaction.atomic
def proposal_screen_ineligible(*, proposal, actor, reason):
    """Take the proposal out of the review and tell every PI of the consortium why."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Give the reason why the proposal is ineligible."), code="reason")
    proposal, changed = _screen(
        proposal=proposal, actor=actor, screening=Screening.INELIGIBLE, reason=reason
    )
    if changed:
        emails.send_on_commit(
            consortium_emails(proposal),
            "proposal_ineligible",
            {"proposal": proposal, "reason": reason},
        )
    return proposal
