"""What the project page shows, worked out once so the template only prints."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from grants.core.money import ZERO
from grants.models import AwardCategory, MemberStatus
from grants.models.decisions import Payment


@dataclass
class MemberBudget:
    member: object
    rows: list  # (category label, [amount per year], total)
    by_year: list
    total: Decimal


@dataclass
class AwardedBudget:
    years: list
    members: list
    by_province: dict  # province -> total
    total: Decimal = ZERO


@dataclass
class ScheduleRow:
    province: object
    instalments: list = field(default_factory=list)  # Payment rows, by year

    @property
    def amount(self):
        return sum((p.amount for p in self.instalments), ZERO)

    @property
    def paid(self):
        return sum((p.paid for p in self.instalments), ZERO)

    @property
    def outstanding(self):
        return self.amount - self.paid


def awarded_budget(project):
    """The awarded budget per member, category and year, with the members' and provinces' totals."""
    lines = list(project.budget_lines.all())
    members = {
        m.pk: m
        for m in project.proposal.members.filter(status=MemberStatus.ACCEPTED).select_related(
            "institution__province", "pi"
        )
    }
    years = sorted({line.year for line in lines})
    cells = defaultdict(lambda: ZERO)
    for line in lines:
        cells[(line.member_id, line.category, line.year)] += line.amount
    result = AwardedBudget(years=years, members=[], by_province=defaultdict(lambda: ZERO))
    ordered = sorted(members.values(), key=lambda m: (not m.is_lead, m.pk))
    for member in ordered:
        rows = []
        for category in AwardCategory:
            amounts = [cells[(member.pk, category.value, year)] for year in years]
            if any(amounts):
                rows.append((category.label, amounts, sum(amounts, ZERO)))
        by_year = [
            sum((cells[(member.pk, c.value, year)] for c in AwardCategory), ZERO) for year in years
        ]
        total = sum(by_year, ZERO)
        result.members.append(MemberBudget(member, rows, by_year, total))
        result.by_province[member.institution.province] += total
        result.total += total
    result.by_province = dict(result.by_province)
    return result


def payment_schedule(project):
    """Each paying province's instalments by year, with what it has paid of them."""
    rows = {}
    for payment in (
        Payment.objects.filter(share__decision=project.decision)
        .select_related("share__province")
        .order_by("share__province_id", "year")
    ):
        province = payment.share.province
        rows.setdefault(province.code, ScheduleRow(province)).instalments.append(payment)
    return list(rows.values())
