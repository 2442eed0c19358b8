"""What a province pays once an approved reallocation moves money between provinces: its award
share and its instalments follow its institutions' new total, never below what it has paid,
and never beyond what its pool for the call still holds (grants.funding.payments.ledger).

The provinces whose totals change have all consented before the office approves
(grants.projects.changes); this is the money side of that approval.
"""

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.core.money import ZERO, format_yuan
from grants.funding.payments import ledger
from grants.models import Call, ConsortiumMember, Province
from grants.models.decisions import AwardShare, Payment
from grants.projects import change_rules


def shares_follow(project, cells, *, actor):
    """Rewrite the award shares and unpaid instalments of every province whose institutions'
    total in ``cells`` ({(member, category, year): amount}) differs from its share."""
    province_of = dict(
        ConsortiumMember.objects.filter(pk__in={cell[0] for cell in cells}).values_list(
            "pk", "institution__province_id"
        )
    )
    by_year = defaultdict(lambda: defaultdict(lambda: ZERO))
    for (member, _category, year), amount in cells.items():
        by_year[province_of[member]][year] += amount
    shares = {
        share.province_id: share
        for share in AwardShare.objects.select_for_update().filter(decision=project.decision)
    }
    changed = {}
    for code, years in sorted(by_year.items()):
        received = sum(years.values(), ZERO)
        share = shares.get(code)
        if share is not None and share.received == received:
            continue
        changed[code] = _follow(project, code, share, received, years)
    if changed:
        record(
            actor=actor,
            action="project.shares_rescheduled",
            proposal=project.proposal,
            after={code: str(amount) for code, amount in changed.items()},
        )
    return changed


def _follow(project, code, share, received, years):
    """One province's share set to ``received`` for its institutions, what it commits moved by
    as much, and its instalments spread again (change_rules.rescheduled)."""
    delta = received - (share.received if share else ZERO)
    if share is None:
        share = AwardShare(decision=project.decision, province_id=code, received=ZERO, charged=ZERO)
    if delta > 0:
        _check_pool(project.proposal.call_id, code, delta)
    # More or less from the province's own pool; a cut below its own part takes from what the
    # balancing pot paid.
    charged = share.charged + delta
    share.balancing += min(charged, ZERO)
    share.charged = max(charged, ZERO)
    share.received = received
    share.save()
    instalments = {payment.year: payment for payment in share.payments.select_for_update()}
    amounts = change_rules.rescheduled(
        share.committed, dict(years), {year: p.paid for year, p in instalments.items()}
    )
    if amounts == change_rules.PAID_BEYOND:
        raise WorkflowError(
            _("%(province)s has already paid more than its new share.")
            % {"province": Province.objects.get(pk=code).name},
            code="paid_beyond",
        )
    now = timezone.now()
    for year, amount in amounts.items():
        payment = instalments.get(year) or Payment(share=share, year=year, paid=ZERO)
        payment.amount = amount
        payment.paid_at = (
            (payment.paid_at or now) if payment.paid and amount == payment.paid else None
        )
        payment.save()
    return share.committed


def _check_pool(call_id, code, needed):
    calls = Call.objects.filter(pk=call_id)
    province = Province.objects.get(pk=code)
    (row,) = ledger(calls, [province])
    if row.remaining < needed:
        raise WorkflowError(
            _(
                "%(province)s's pool for this call has %(left)s left; the change needs %(needed)s more."
            )
            % {
                "province": province.name,
                "left": format_yuan(row.remaining),
                "needed": format_yuan(needed),
            },
            code="pool",
        )
