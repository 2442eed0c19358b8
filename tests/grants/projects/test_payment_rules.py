"""The rules of recording a payment against an instalment, as a table."""

from datetime import date
from decimal import Decimal

import pytest

from grants.projects import payment_rules as rules
from grants.projects.payment_rules import Instalment

TODAY = date(2026, 6, 30)
OWED = Instalment(outstanding=Decimal("130000.00"), started=True, running=True)


@pytest.mark.parametrize(
    ("instalment", "amount", "paid_on", "voucher", "used", "expected"),
    [
        (OWED, "130000.00", TODAY, "V-1", False, []),
        (OWED, "0.01", date(2020, 1, 1), "V-1", False, []),
        (OWED, "130000.01", TODAY, "V-1", False, [rules.AMOUNT_ABOVE_OUTSTANDING]),
        (OWED, "0", TODAY, "V-1", False, [rules.AMOUNT_NOT_POSITIVE]),
        (OWED, "-5", TODAY, "V-1", False, [rules.AMOUNT_NOT_POSITIVE]),
        (OWED, "10", date(2026, 7, 1), "V-1", False, [rules.DATE_IN_FUTURE]),
        (OWED, "10", TODAY, "  ", False, [rules.VOUCHER_EMPTY]),
        (OWED, "10", TODAY, "V-1", True, [rules.VOUCHER_USED]),
        (
            Instalment(Decimal("130000.00"), started=False, running=False),
            "10",
            TODAY,
            "V-1",
            False,
            [rules.NOT_STARTED],
        ),
        (
            Instalment(Decimal("130000.00"), started=True, running=False),
            "10",
            TODAY,
            "V-1",
            False,
            [rules.NOT_RUNNING],
        ),
        (
            Instalment(Decimal("0.00"), started=True, running=True),
            "10",
            TODAY,
            "V-1",
            False,
            [rules.NOTHING_OUTSTANDING],
        ),
        # One reason per field, every field at once.
        (
            OWED,
            "200000",
            date(2027, 1, 1),
            "V-1",
            True,
            [rules.AMOUNT_ABOVE_OUTSTANDING, rules.DATE_IN_FUTURE, rules.VOUCHER_USED],
        ),
    ],
)
def test_refusals(instalment, amount, paid_on, voucher, used, expected):
    found = rules.refusals(
        instalment,
        amount=Decimal(amount),
        paid_on=paid_on,
        today=TODAY,
        voucher=voucher,
        voucher_used=used,
    )
    assert found == expected
    assert len({rules.FIELD_OF[code] for code in found}) == len(found)


@pytest.mark.parametrize(
    ("batch", "reference", "expected"),
    [
        ("SH-2026-07", "YRD-2026-E03-0001", "SH-2026-07/YRD-2026-E03-0001"),
        ("  RUN-1 ", "YRD-2026-E01-0012", "RUN-1/YRD-2026-E01-0012"),
    ],
)
def test_a_payment_runs_voucher_names_the_project(batch, reference, expected):
    assert rules.batch_voucher(batch, reference) == expected


@pytest.mark.parametrize(
    ("still_owed", "amount", "received_on", "voucher", "used", "expected"),
    [
        ("5000.00", "5000.00", TODAY, "R-1", False, []),
        ("5000.00", "0.01", date(2020, 1, 1), "R-1", False, []),
        ("5000.00", "5000.01", TODAY, "R-1", False, [rules.AMOUNT_ABOVE_OWED]),
        ("5000.00", "0", TODAY, "R-1", False, [rules.AMOUNT_NOT_POSITIVE]),
        ("0.00", "10", TODAY, "R-1", False, [rules.NOTHING_OWED]),
        ("5000.00", "10", date(2026, 7, 1), "R-1", False, [rules.DATE_IN_FUTURE]),
        ("5000.00", "10", TODAY, " ", False, [rules.VOUCHER_EMPTY]),
        ("5000.00", "10", TODAY, "R-1", True, [rules.VOUCHER_USED]),
        (
            "5000.00",
            "9000",
            date(2026, 7, 1),
            "",
            False,
            [rules.AMOUNT_ABOVE_OWED, rules.DATE_IN_FUTURE, rules.VOUCHER_EMPTY],
        ),
    ],
)
def test_refund_refusals(still_owed, amount, received_on, voucher, used, expected):
    found = rules.refund_refusals(
        still_owed=Decimal(still_owed),
        amount=Decimal(amount),
        received_on=received_on,
        today=TODAY,
        voucher=voucher,
        voucher_used=used,
    )
    assert found == expected
    assert all(code in rules.REFUND_FIELD_OF for code in found)
