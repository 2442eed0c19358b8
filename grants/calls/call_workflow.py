"""Calls: creation, rules, states from draft to decided, the schedule and deadline extensions."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core import emails
from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.models import (
    Call,
    CallStatus,
    Proposal,
    ProposalStatus,
    Screening,
)

# ---- calls ----------------------------------------------------------------------------------


def call_open_problems(call):
    """What stops a call from opening: every funding province must have a contribution."""
    from grants.models import Province

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
    from grants.models import CallStatus

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


def call_advance(*, call, actor, action, check=None):
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

    return call_advance(call=call, actor=actor, action="close", check=deadline_passed)


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

    return call_advance(call=call, actor=actor, action="start_review", check=all_screened)


@transaction.atomic
def call_start_panel(*, call, actor):
    return call_advance(call=call, actor=actor, action="start_panel")


# The actions a later part of the fund carries out, as it registers them at start-up
# (grants/apps.py): deciding is grants.funding's, since it needs the final funding.
_registered_movers = {}


def register_call_action(action, mover):
    """Let ``mover(call=, actor=)`` carry out ``action``, one of CALL_ACTIONS, for call_move."""
    if action not in CALL_ACTIONS:
        raise ValueError(f"{action!r} is not a call action")
    _registered_movers[action] = mover


def call_move(*, call, actor, action):
    """Run the named action (as a button on the call's page names it)."""
    movers = {
        "open": call_open,
        "close": call_close,
        "start_review": call_start_review,
        "start_panel": call_start_panel,
        **_registered_movers,
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
    from grants.models import Contribution

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
    from grants.models import Contribution

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
def call_open_data_set(*, call, actor, publish):
    """Publish the call's funded projects as open data, or stop. Unlike the rules, this may
    change at any time: the fund often decides to publish once it sees the results, and the
    public page shows nothing of a call before it is decided anyway (grants.opendata)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    publish = bool(publish)
    if call.open_data != publish:
        record(
            actor=actor,
            action="call.open_data",
            call=call,
            before={"open_data": call.open_data},
            after={"open_data": publish},
        )
        call.open_data = publish
        call.save(update_fields=["open_data", "updated_at"])
    return call


@transaction.atomic
def call_extend_deadline(*, call, actor, closes_at, reason, now=None):
    """Move an open call's deadline later, record it and tell the lead PIs of its drafts."""
    from grants.models.calls import DeadlineExtension

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
