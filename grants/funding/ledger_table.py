"""The ledger as the provinces' finance systems download it (CSV, or an Excel workbook for
people): one row per province, headed by fixed column names in the CSV."""

from django.utils.translation import gettext as _

from grants.core.tables import MONEY, Column, Table
from grants.funding import payments


def ledger_table(provinces, calls, selected):
    columns = (
        Column(_("Province code"), key="province_code", width=10),
        Column(_("Province"), key="province", width=12),
        Column(_("Contributed"), MONEY, key="contributed", width=18),
        Column(_("Committed"), MONEY, key="committed", width=18),
        Column(_("Paid"), MONEY, key="paid", width=18),
        Column(_("Outstanding"), MONEY, key="outstanding", width=18),
        Column(_("Remaining"), MONEY, key="remaining", width=18),
        Column(_("Refund owed"), MONEY, key="refund_owed", width=18),
        Column(_("Refunded"), MONEY, key="refunded", width=18),
    )
    rows = (
        (
            row.province.code,
            row.province.name_zh,
            row.contributed,
            row.committed,
            row.paid,
            row.outstanding,
            row.remaining,
            row.refund_owed,
            row.refunded,
        )
        for row in payments.ledger(calls, provinces)
    )
    name = f"ledger-{selected.code if selected else 'all'}"
    return Table(name=name, columns=columns, rows=rows, key_headers=True)
