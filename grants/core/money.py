"""The one place where money is read, rounded, split and written out.

Every amount in the portal is yuan as a Decimal with two places (fen). Forms read what users
type through parse_amount; budget, funding and ledger code call these helpers instead of
quantizing on their own, so a rounding rule can only ever change here.
"""

import re
import unicodedata
from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


AMOUNT_NOT_A_NUMBER = "amount_not_a_number"
AMOUNT_NEGATIVE = "amount_negative"
# Digits, grouped by commas in threes or not at all, and a decimal part: what people write in
# a cell. Decimal() itself also takes signs, exponents (1E+5), underscores (1_000), NaN and
# Infinity, none of which is an amount anyone means to type.
PLAIN_NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


class AmountError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_amount(text: str) -> Decimal:
    """The number in ``text`` as typed in a form, or AmountError with the reason it is none.

    Full-width digits and punctuation (１２，３４５．６) count as their ASCII forms, as Chinese
    input methods type them; spaces around the number are ignored. The precision and the size
    are left to the caller, whose limits differ.
    """
    # NFKC maps the full-width forms, and the ideographic space, to ASCII.
    text = unicodedata.normalize("NFKC", text).strip()
    if PLAIN_NUMBER.fullmatch(text):
        return Decimal(text.replace(",", ""))
    if text.startswith("-") and PLAIN_NUMBER.fullmatch(text[1:]):
        raise AmountError(AMOUNT_NEGATIVE)
    raise AmountError(AMOUNT_NOT_A_NUMBER)


def to_fen(value) -> Decimal:
    """Round a yuan amount to the fen, half away from zero (the accountant's rule)."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def format_yuan(amount: Decimal) -> str:
    """¥3,000,000.00 — the one way amounts appear in messages."""
    amount = to_fen(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,}"


def allocate(total: Decimal, weights: Mapping[Hashable, Decimal]) -> dict:
    """Split ``total`` over the keys of ``weights`` in proportion, to the fen, with no fen lost.

    Largest-remainder method: each key first gets its share rounded down, then the fen left
    over go one by one to the keys with the largest remainders (ties broken by key order, so
    the result is deterministic). The parts always add up to ``to_fen(total)`` exactly.
    Keys with zero weight get zero; if every weight is zero the total is split evenly.
    """
    total_fen = int(to_fen(total) / FEN)
    if total_fen < 0:
        return {key: -part for key, part in allocate(-to_fen(total), weights).items()}
    keys = sorted(weights, key=_sort_key)
    if not keys:
        return {}
    weight_sum = sum((Decimal(weights[k]) for k in keys), Decimal(0))
    if weight_sum <= 0:
        weight_for = {k: Decimal(1) for k in keys}
        weight_sum = Decimal(len(keys))
    else:
        weight_for = {k: Decimal(weights[k]) for k in keys}
    floors, remainders = {}, {}
    for key in keys:
        exact = Decimal(total_fen) * weight_for[key] / weight_sum
        floors[key] = int(exact // 1)
        remainders[key] = exact - floors[key]
    leftover = total_fen - sum(floors.values())
    by_remainder = sorted(keys, key=lambda k: (-remainders[k], _sort_key(k)))
    for key in by_remainder[:leftover]:
        floors[key] += 1
    return {key: Decimal(floors[key]) * FEN for key in keys}


def _sort_key(key):
    return str(key) if not isinstance(key, tuple) else tuple(str(part) for part in key)
