"""A project's early end: the fund office suspends it, resumes it, or terminates it.

Terminating works out, per paying province, the refund owed (grants.projects.change_rules
.refunds_owed: what the province paid less what the office lets the project keep) and cancels
what was still unpaid: each instalment is brought down to what was paid of it, so the schedule
and the ledger show no more outstanding money. The instalment rows themselves stay. A change
still waiting for its decision is refused with the termination's reason.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.core.money import ZERO
from grants.models import AwardShare, ChangeStatus, Payment, Project, ProjectStatus, Refund
from grants.projects import change_rules


def _locked(project):
    return Project.objects.select_for_update().select_related("proposal").get(pk=project.pk)


def _reason(reason):
    if not reason.strip():
        raise WorkflowError(_("Give the reason."), code="reason")
    return reason.strip()


@transaction.atomic
def project_suspend(*, project, actor, reason):
    project = _locked(project)
    if project.status != ProjectStatus.RUNNING:
        raise WorkflowError(_("Only a running project can be suspended."), code="state")
    project.status = ProjectStatus.SUSPENDED
    project.ended_reason = _reason(reason)
    project.ended_at = timezone.now()
    project.save(update_fields=["status", "ended_reason", "ended_at"])
    record(actor=actor, action="project.suspended", proposal=project.proposal, note=reason)
    return project


@transaction.atomic
def project_resume(*, project, actor):
    project = _locked(project)
    if project.status != ProjectStatus.SUSPENDED:
        raise WorkflowError(_("Only a suspended project can be resumed."), code="state")
    before = project.ended_reason
    project.status = ProjectStatus.RUNNING
    project.ended_reason = ""
    project.ended_at = None
    project.save(update_fields=["status", "ended_reason", "ended_at"])
    record(
        actor=actor,
        action="project.resumed",
        proposal=project.proposal,
        before={"reason": before},
    )
    return project


def paid_by_province(project):
    """What each paying province has paid towards ``project``, by province code."""
    paid = defaultdict(lambda: ZERO)
    for row in (
        Payment.objects.filter(share__decision=project.decision)
        .values("share__province_id")
        .annotate(paid=Sum("paid"))
    ):
        paid[row["share__province_id"]] += row["paid"] or ZERO
    for code in project.decision.shares.values_list("province_id", flat=True):
        paid.setdefault(code, ZERO)
    return dict(sorted(paid.items()))


@transaction.atomic
def project_terminate(*, project, actor, reason, kept=None):
    """Terminate a running or suspended project. ``kept``: the amount each province (by code)
    lets the project keep of what it paid; nothing by default. Returns the Refund rows."""
    project = _locked(project)
    if project.status not in (ProjectStatus.RUNNING, ProjectStatus.SUSPENDED):
        raise WorkflowError(
            _("Only a running or suspended project can be terminated."), code="state"
        )
    reason = _reason(reason)
    instalments = list(Payment.objects.select_for_update().filter(share__decision=project.decision))
    paid = paid_by_province(project)
    owed = change_rules.refunds_owed(paid, kept or {})
    refunds = [
        Refund.objects.create(project=project, province_id=code, amount=amount)
        for code, amount in owed.items()
    ]
    cancelled = ZERO
    for instalment in instalments:
        if instalment.amount > instalment.paid:
            cancelled += instalment.amount - instalment.paid
            instalment.amount = instalment.paid
            if instalment.paid and instalment.paid_at is None:
                instalment.paid_at = timezone.now()  # what is left of it is paid in full
            instalment.save(update_fields=["amount", "paid_at"])
    _shares_cut_to_paid(project)
    # A change still waiting can no longer apply to a project that has ended.
    open_changes = project.changes.filter(status=ChangeStatus.PENDING).update(
        status=ChangeStatus.REFUSED,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=reason,
    )
    project.status = ProjectStatus.TERMINATED
    project.ended_reason = reason
    project.ended_at = timezone.now()
    project.save(update_fields=["status", "ended_reason", "ended_at"])
    record(
        actor=actor,
        action="project.terminated",
        proposal=project.proposal,
        after={
            "refunds": {code: str(amount) for code, amount in owed.items()},
            "cancelled": str(cancelled),
            "changes_refused": open_changes,
        },
        note=reason,
    )
    return refunds


def _shares_cut_to_paid(project):
    """What each province commits to a terminated project falls to what it paid, so the
    ledger gives the cancelled instalments back to its pool: its own part first, then what
    the balancing pot paid."""
    for share in AwardShare.objects.select_for_update().filter(decision=project.decision):
        paid = sum((p.amount for p in share.payments.all()), ZERO)
        cut = share.committed - paid
        if cut <= 0:
            continue
        from_own = min(cut, share.charged)
        share.charged -= from_own
        share.balancing -= cut - from_own
        share.received = min(share.received, paid)
        share.save(update_fields=["charged", "balancing", "received"])
