"""Fields and widgets every part's forms share: amounts in yuan, names others see, the
browser's date pickers, keyword lists."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.core import money
from grants.core.validators import display_text

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class MoneyField(forms.DecimalField):
    """An amount in yuan, read by grants.core.money.parse_amount: plain digits with grouping commas,
    full-width or not; never 1E+5 or 1_000, which Decimal() alone would take."""

    default_error_messages = {
        money.AMOUNT_NOT_A_NUMBER: _("Enter an amount in yuan in digits, e.g. 12,000.50."),
        money.AMOUNT_NEGATIVE: _("The amount cannot be negative."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "class": "amount"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return money.parse_amount(str(value))
        except money.AmountError as error:
            raise forms.ValidationError(self.error_messages[error.code], code=error.code) from error


class DisplayTextField(forms.CharField):
    """A name or title users type and others see in lists and PDFs: cleaned by
    grants.core.validators.display_text before any other check, so a title of nothing but
    invisible characters counts as empty."""

    def to_python(self, value):
        return display_text(super().to_python(value))


def split_keywords(text):
    """Keywords arrive separated by commas (Latin or Chinese) or semicolons."""
    for separator in ("，", "；", ";", "、"):
        text = text.replace(separator, ",")
    return [word.strip() for word in text.split(",") if word.strip()]


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker. Django reads the value in the current time zone
    (Asia/Shanghai) and shows stored times converted back to it."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
