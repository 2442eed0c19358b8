"""grants.core.money.parse_amount: amounts as users type them, and nothing else."""

from decimal import Decimal

import pytest

from grants.core.money import AMOUNT_NEGATIVE, AMOUNT_NOT_A_NUMBER, AmountError, parse_amount


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("12000.50", Decimal("12000.50")),
        ("1,000.50", Decimal("1000.50")),
        ("1,234,567", Decimal("1234567")),
        ("１２３４", Decimal("1234")),
        ("１，２３４．５", Decimal("1234.5")),
        ("  12 ", Decimal("12")),
        ("\u300012\u3000", Decimal("12")),  # ideographic spaces
        ("0", Decimal("0")),
        ("007", Decimal("7")),
        ("1.005", Decimal("1.005")),  # precision is the caller's to judge
    ],
    ids=[
        "plain",
        "grouped",
        "grouped-millions",
        "full-width",
        "full-width-grouped",
        "padded",
        "ideographic-spaces",
        "zero",
        "leading-zeros",
        "three-places",
    ],
)
def test_parse_amount_reads_plain_decimal_numbers(typed, amount):
    assert parse_amount(typed) == amount


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1_000", AMOUNT_NOT_A_NUMBER),
        ("1E+5", AMOUNT_NOT_A_NUMBER),
        ("1e5", AMOUNT_NOT_A_NUMBER),
        ("-1", AMOUNT_NEGATIVE),
        ("－１", AMOUNT_NEGATIVE),
        ("+1", AMOUNT_NOT_A_NUMBER),
        ("NaN", AMOUNT_NOT_A_NUMBER),
        ("Infinity", AMOUNT_NOT_A_NUMBER),
        ("", AMOUNT_NOT_A_NUMBER),
        ("   ", AMOUNT_NOT_A_NUMBER),
        ("1 000", AMOUNT_NOT_A_NUMBER),
        ("1,00", AMOUNT_NOT_A_NUMBER),
        ("1,0000", AMOUNT_NOT_A_NUMBER),
        (",100", AMOUNT_NOT_A_NUMBER),
        ("1.", AMOUNT_NOT_A_NUMBER),
        (".5", AMOUNT_NOT_A_NUMBER),
        ("1.2.3", AMOUNT_NOT_A_NUMBER),
        ("¥100", AMOUNT_NOT_A_NUMBER),
        ("١٢٣", AMOUNT_NOT_A_NUMBER),  # Arabic-Indic digits, which Decimal() would take
        ("0x10", AMOUNT_NOT_A_NUMBER),
    ],
    ids=[
        "underscore",
        "exponent",
        "lower-exponent",
        "negative",
        "full-width-negative",
        "plus-sign",
        "nan",
        "infinity",
        "empty",
        "blank",
        "inner-space",
        "short-group",
        "long-group",
        "leading-comma",
        "bare-point",
        "no-integer-part",
        "two-points",
        "currency-sign",
        "other-digits",
        "hexadecimal",
    ],
)
def test_parse_amount_refuses_anything_else_with_the_reason(typed, code):
    with pytest.raises(AmountError) as refused:
        parse_amount(typed)
    assert refused.value.code == code
