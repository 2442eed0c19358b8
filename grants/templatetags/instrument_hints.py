"""The draft budget's hint about shared instruments: for an equipment line naming what it buys,
the shared large-instrument catalogue's likely match and what the line still needs before the
proposal can be submitted (grants.proposals.instrument_rules decides the same at submission)."""

from django import template

from grants.proposals.instrument_hooks import likely_instrument

register = template.Library()


@register.simple_tag
def instrument_hint(row):
    """``row`` is one of BudgetForm.instrument_rows(): {"match", "missing_instrument",
    "missing_reason"} for it."""
    named = (row["instrument"].value() or "").strip()
    reason = (row["reason"].value() or "").strip()
    match = likely_instrument(named) if named else None
    return {
        "match": match,
        "missing_instrument": row["needed"] and not named,
        "missing_reason": row["needed"] and match is not None and not reason,
        "asks_reason": match is not None or bool(reason),
    }
