"""Helpers for the tests that need money paid: a decided call's projects started, a year paid."""

from datetime import date

from grants.models import Project, ProjectStatus
from grants.projects import payments

PAID_ON = date(2026, 3, 2)


def start_projects(call, on=PAID_ON):
    """Every project of ``call`` running, as if each task book were signed by every party."""
    Project.objects.filter(proposal__call=call).update(status=ProjectStatus.RUNNING, starts_on=on)


def pay_year(call, officer, year, voucher=None):
    """The fund office's payment run for ``year`` of the call's running projects."""
    return payments.year_record(
        call=call,
        actor=officer,
        year=year,
        voucher=voucher or f"RUN-{year}",
        paid_on=PAID_ON,
        today=PAID_ON,
    )
