"""Russian formats on every screen (issue 12): money as "1 490 ₽", shares as "86 %",
phones as "+7 913 128-45-70" — thin wrappers of `core.money`, `core.numbers` and
`core.phones`; dates and times come from Django's own localised filters."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

from dozvon.core.money import display_money
from dozvon.core.numbers import percent as as_percent
from dozvon.core.phones import format_phone

register = template.Library()


@register.filter
def money(value, currency: str = "RUB") -> str:
    """`core.money.display_money` for templates; empty for no value."""
    if value is None or value == "":
        return ""
    return display_money(value, currency)


@register.filter
def percent(value, places: int = 0) -> str:
    """A share (0.8567) as the screen reads it: "86 %" (`core.numbers.percent`, half up;
    the active language's decimal mark with `places`); empty for no value."""
    if value is None or value == "":
        return ""
    return number_format(as_percent(value, int(places)), int(places)) + "\u00a0%"


@register.filter
def phone(value) -> str:
    return format_phone(str(value or ""))


@register.filter
def sort_link(filters, column: str) -> str:
    """The order list's query string sorted by `column` (flipped when already sorted so)."""
    return filters.sort_by(column)
