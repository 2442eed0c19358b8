from decimal import Decimal

from django import template
from django.utils.translation import get_language

from grants.core.money import format_yuan
from grants.funding import outcomes

register = template.Library()


@register.filter
def yuan(amount):
    """¥1,234,567.89"""
    if amount is None or amount == "":
        return "—"
    return format_yuan(Decimal(amount))


@register.filter
def wan(amount):
    """Amount in 万元 (ten thousands of yuan), as officers read budgets."""
    if amount is None or amount == "":
        return "—"
    return f"{Decimal(amount) / Decimal(10000):,.2f}"


@register.filter
def in_language(violation):
    """A violation's message in the reader's language."""
    return (
        violation.message_zh if (get_language() or "zh").startswith("zh") else violation.message_en
    )


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def percent(value):
    return f"{Decimal(value) * 100:.0f}%"


@register.filter
def in_reader_language_of(values, name):
    """``values[name + "_zh"]`` or ``values[name + "_en"]`` in the reader's language: the
    bilingual names a frozen snapshot keeps (institution, province, ...), shown as the live
    models show theirs (grants.models.reference.in_reader_language)."""
    from grants.models.reference import in_reader_language

    if not values:
        return ""
    return in_reader_language(values.get(f"{name}_zh", ""), values.get(f"{name}_en", ""))


@register.simple_tag
def final_decision(proposal):
    """The proposal's funding decision once its call is decided, else None: the consortium
    learns the outcome on the proposal's page, which the proposals part cannot read itself."""
    return outcomes.final_decision(proposal)
