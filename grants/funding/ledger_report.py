"""The ledger of a call as a PDF: what each province contributed, committed, paid, still owes
and has been refunded, and what it paid in each project year. It shares the letters' letterhead,
fonts and tables (grants.funding.letters), so every document the fund issues looks alike."""

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from reportlab.platypus import Table

from grants.core.money import ZERO
from grants.funding.letters import YearAmount, _by_year_table, _letterhead, _sum, _write
from grants.proposals.pdf import _amount, _field_table, _heading, _para, _table, _widths

LEDGER_REPORT = "资金台账 Funding ledger"


@dataclass(frozen=True)
class LedgerRow:
    province_code: str
    province: str
    contributed: Decimal
    committed: Decimal
    paid: Decimal
    outstanding: Decimal
    remaining: Decimal
    paid_by_year: tuple[YearAmount, ...]
    refund_owed: Decimal = ZERO
    refunded: Decimal = ZERO


def build_ledger_report(call_title: str, rows: tuple[LedgerRow, ...], issued_on: str) -> bytes:
    buffer = io.BytesIO()
    write_ledger_report(call_title, rows, issued_on, buffer)
    return buffer.getvalue()


def write_ledger_report(
    call_title: str, rows: tuple[LedgerRow, ...], issued_on: str, out: BinaryIO
) -> None:
    story = [
        *_letterhead(LEDGER_REPORT),
        _field_table([("项目指南 Call", call_title), ("日期 Date", issued_on)]),
        *_heading("按省份 By province"),
        _ledger_table(rows),
        *_heading("按年度拨付 Paid by year"),
        _by_year_table([(row.province, row.paid_by_year) for row in rows]),
    ]
    _write(out, story, LEDGER_REPORT, f"{LEDGER_REPORT} {call_title}")


def _ledger_table(rows: tuple[LedgerRow, ...]) -> Table:
    header = [
        "省份 Province",
        "出资 Contributed",
        "已承诺 Committed",
        "已拨付 Paid",
        "待拨付 Outstanding",
        "结余 Remaining",
        "应退回 Refund owed",
        "已退回 Refunded",
    ]
    fields = (
        "contributed",
        "committed",
        "paid",
        "outstanding",
        "remaining",
        "refund_owed",
        "refunded",
    )
    body = [
        [_para(row.province, "cell"), *(_amount(getattr(row, field)) for field in fields)]
        for row in rows
    ]
    footer = [
        "合计 Total",
        *(_amount(_sum(getattr(row, field) for row in rows)) for field in fields),
    ]
    return _table([header, *body, footer], _widths(0.16, *([0.12] * 7)), total_row=True)
