"""The money after the decision: each province's ledger and the payments year by year.

The awards' shares and their payment schedule are written by grants.funding.decisions when the
funding is committed; this module reads them into the ledger and records the instalments paid.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.core.money import ZERO
from grants.models import Contribution, Province
from grants.models.decisions import AwardShare, Payment


@dataclass
class LedgerRow:
    province: Province
    contributed: Decimal
    committed: Decimal
    paid: Decimal
    paid_by_year: dict

    @property
    def remaining(self):
        return self.contributed - self.committed


def ledger(calls, provinces):
    """One row per province over ``calls``: contributed, committed, paid (by year), remaining.
    Four aggregate queries whatever the number of calls, awards and payments."""
    contributed = dict(
        Contribution.objects.filter(call__in=calls, province__in=provinces)
        .values_list("province_id")
        .annotate(total=Sum("amount"))
    )
    shares = AwardShare.objects.filter(decision__round__call__in=calls, province__in=provinces)
    committed = defaultdict(Decimal)
    for code, charged, balancing in shares.values_list("province_id").annotate(
        c=Sum("charged"), b=Sum("balancing")
    ):
        committed[code] = (charged or ZERO) + (balancing or ZERO)
    paid_by_year = defaultdict(dict)
    for code, year, amount in (
        Payment.objects.filter(share__in=shares, paid_at__isnull=False)
        .values_list("share__province_id", "year")
        .annotate(total=Sum("amount"))
    ):
        paid_by_year[code][year] = amount
    return [
        LedgerRow(
            province=province,
            contributed=contributed.get(province.code, ZERO),
            committed=committed.get(province.code, ZERO),
            paid=sum(paid_by_year[province.code].values(), ZERO),
            paid_by_year=dict(sorted(paid_by_year[province.code].items())),
        )
        for province in provinces
    ]


def payable_years(call):
    """The project years of the call's awards with an instalment still unpaid, in order."""
    return sorted(
        set(
            Payment.objects.filter(
                share__decision__round__call=call, paid_at__isnull=True
            ).values_list("year", flat=True)
        )
    )


@transaction.atomic
def payments_record(*, call, actor, year, province_code=None):
    """Mark a project year's instalments as paid (all provinces, or one). A year without an
    unpaid instalment is refused, so the audit log never records paying nothing."""
    payments = Payment.objects.select_for_update().filter(
        share__decision__round__call=call, year=year, paid_at__isnull=True
    )
    if province_code:
        payments = payments.filter(share__province_id=province_code)
    unpaid = list(payments.values_list("pk", flat=True))  # locked until the commit
    if not unpaid:
        raise WorkflowError(
            _("No award of this call has an unpaid instalment in year %(year)s.") % {"year": year},
            code="year",
        )
    count = Payment.objects.filter(pk__in=unpaid).update(paid_at=timezone.now())
    record(
        actor=actor,
        action="payments.recorded",
        call=call,
        after={"year": year, "province": province_code, "count": count},
    )
    return count
