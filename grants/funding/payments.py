"""The money after the decision: each province's ledger and the payments year by year.

The awards' shares and their payment schedule are written by grants.funding.decisions when the
funding is committed; the payments against them are recorded by grants.projects.payments, and
what a terminated project owes back by grants.projects.early_end and grants.projects.refunds.
This module reads them all into the ledger.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from grants.core.money import ZERO
from grants.models import Contribution, Province, Refund
from grants.models.decisions import AwardShare, Payment


@dataclass
class LedgerRow:
    province: Province
    contributed: Decimal
    committed: Decimal
    paid: Decimal
    paid_by_year: dict
    refund_owed: Decimal = ZERO  # what terminations owe the province back
    refunded: Decimal = ZERO  # what of it came back
    shares: int = 0  # how many award shares it pays, the length of its payment schedule

    @property
    def remaining(self):
        return self.contributed - self.committed

    @property
    def outstanding(self):
        """Committed to the awards but not paid yet."""
        return self.committed - self.paid

    @property
    def refund_outstanding(self):
        """Owed back by terminated projects and not received yet."""
        return self.refund_owed - self.refunded


def refund_totals(calls, provinces):
    """What terminated projects of ``calls`` owe back, per province code: (owed, repaid)."""
    return {
        code: (owed or ZERO, repaid or ZERO)
        for code, owed, repaid in Refund.objects.filter(
            project__proposal__call__in=calls, province__in=provinces
        )
        .values_list("province_id")
        .annotate(owed=Sum("amount"), repaid=Sum("repaid"))
        .order_by("province_id")
    }


def award_shares(calls, provinces):
    """The award shares the provinces pay for the awards of ``calls``: the ledger's commitments
    and its payment schedule."""
    return AwardShare.objects.filter(_shares_of(calls, provinces))


def _shares_of(calls, provinces, through=""):
    """The filter on award shares of ``calls`` paid by ``provinces``; ``through`` a relation
    ("share__"), on what belongs to them: one join chain, where a subquery of the shares would
    make the database join them twice."""
    return Q(**{f"{through}decision__round__call__in": calls, f"{through}province__in": provinces})


def ledger(calls, provinces):
    """One row per province over ``calls``: contributed, committed, paid (by year, what the
    provinces recorded against the instalments), outstanding, remaining, the refunds owed and
    received, and the number of award shares. Four aggregate queries whatever the number of
    calls, awards and payments."""
    contributed = dict(
        Contribution.objects.filter(call__in=calls, province__in=provinces)
        .values_list("province_id")
        .annotate(total=Sum("amount"))
    )
    committed, shares = defaultdict(Decimal), defaultdict(int)
    for code, charged, balancing, count in (
        award_shares(calls, provinces)
        .values_list("province_id")
        .annotate(c=Sum("charged"), b=Sum("balancing"), n=Count("pk"))
    ):
        committed[code] = (charged or ZERO) + (balancing or ZERO)
        shares[code] = count
    paid_by_year = defaultdict(dict)
    for code, year, amount in (
        Payment.objects.filter(_shares_of(calls, provinces, through="share__"), paid__gt=0)
        .values_list("share__province_id", "year")
        .annotate(total=Sum("paid"))
    ):
        paid_by_year[code][year] = amount
    refunds = refund_totals(calls, provinces)
    return [
        LedgerRow(
            province=province,
            contributed=contributed.get(province.code, ZERO),
            committed=committed.get(province.code, ZERO),
            paid=sum(paid_by_year[province.code].values(), ZERO),
            paid_by_year=dict(sorted(paid_by_year[province.code].items())),
            refund_owed=refunds.get(province.code, (ZERO, ZERO))[0],
            refunded=refunds.get(province.code, (ZERO, ZERO))[1],
            shares=shares[province.code],
        )
        for province in provinces
    ]
