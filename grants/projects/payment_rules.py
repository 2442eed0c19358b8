"""Whether a province may record a payment against one instalment: plain values in, the
refusals out (grants.projects.payments turns them into messages beside the fields)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# The refusals, each with the form field it belongs beside.
NOT_STARTED = "not_started"  # the task book is not signed by every party yet
NOT_RUNNING = "not_running"  # suspended, terminated or finished
AMOUNT_NOT_POSITIVE = "amount_not_positive"
AMOUNT_ABOVE_OUTSTANDING = "amount_above_outstanding"
NOTHING_OUTSTANDING = "nothing_outstanding"
DATE_IN_FUTURE = "date_in_future"
VOUCHER_EMPTY = "voucher_empty"
VOUCHER_USED = "voucher_used"

FIELD_OF = {
    NOT_STARTED: "amount",
    NOT_RUNNING: "amount",
    AMOUNT_NOT_POSITIVE: "amount",
    AMOUNT_ABOVE_OUTSTANDING: "amount",
    NOTHING_OUTSTANDING: "amount",
    DATE_IN_FUTURE: "paid_on",
    VOUCHER_EMPTY: "voucher",
    VOUCHER_USED: "voucher",
}


@dataclass(frozen=True)
class Instalment:
    """What the rules need to know of an instalment and its project."""

    outstanding: Decimal
    started: bool  # the project has a start date (every party signed)
    running: bool  # and it runs: not suspended, terminated or finished


def refusals(
    instalment: Instalment,
    *,
    amount: Decimal,
    paid_on: date,
    today: date,
    voucher: str,
    voucher_used: bool,
) -> list[str]:
    """Every reason the payment cannot be recorded, at most one per field, in field order."""
    found = []
    if not instalment.started:
        found.append(NOT_STARTED)
    elif not instalment.running:
        found.append(NOT_RUNNING)
    elif instalment.outstanding <= 0:
        found.append(NOTHING_OUTSTANDING)
    elif amount <= 0:
        found.append(AMOUNT_NOT_POSITIVE)
    elif amount > instalment.outstanding:
        found.append(AMOUNT_ABOVE_OUTSTANDING)
    if paid_on > today:
        found.append(DATE_IN_FUTURE)
    if not voucher.strip():
        found.append(VOUCHER_EMPTY)
    elif voucher_used:
        found.append(VOUCHER_USED)
    return found


def batch_voucher(batch: str, reference: str) -> str:
    """The voucher of one instalment paid in a year's payment run: the run's voucher and the
    project's reference, so each stays unique within the province."""
    return f"{batch.strip()}/{reference}"


# A refund received back: the same refusals where they mean the same, one of its own.
NOTHING_OWED = "nothing_owed"
AMOUNT_ABOVE_OWED = "amount_above_owed"

REFUND_FIELD_OF = {
    NOTHING_OWED: "amount",
    AMOUNT_NOT_POSITIVE: "amount",
    AMOUNT_ABOVE_OWED: "amount",
    DATE_IN_FUTURE: "received_on",
    VOUCHER_EMPTY: "voucher",
    VOUCHER_USED: "voucher",
}


def refund_refusals(
    *,
    still_owed: Decimal,
    amount: Decimal,
    received_on: date,
    today: date,
    voucher: str,
    voucher_used: bool,
) -> list[str]:
    """Every reason a refund received cannot be recorded, at most one per field: a province
    never takes back more than it is still owed."""
    found = []
    if still_owed <= 0:
        found.append(NOTHING_OWED)
    elif amount <= 0:
        found.append(AMOUNT_NOT_POSITIVE)
    elif amount > still_owed:
        found.append(AMOUNT_ABOVE_OWED)
    if received_on > today:
        found.append(DATE_IN_FUTURE)
    if not voucher.strip():
        found.append(VOUCHER_EMPTY)
    elif voucher_used:
        found.append(VOUCHER_USED)
    return found
