"""Russian formats on every screen (issue 12): money as "1 490 ₽", phones as
"+7 913 128-45-70"; dates and times come from Django's own localised filters."""

from __future__ import annotations

from django import template

from dozvon.core.money import display_money
from dozvon.core.phones import format_phone

register = template.Library()


@register.filter
def money(value, currency: str = "RUB") -> str:
    if value is None or value == "":
        return ""
    return display_money(value, currency)


@register.filter
def phone(value) -> str:
    return format_phone(str(value or ""))


@register.filter
def sort_link(filters, column: str) -> str:
    """The order list's query string sorted by `column` (flipped when already sorted so)."""
    return filters.sort_by(column)
