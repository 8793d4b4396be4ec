"""Lenient readers of typed form values shared by the surfaces and the plug-ins' own
views: a number clamped to its bounds, a discount with a decimal comma, a day as people
type it."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from decimal import Decimal, InvalidOperation


def parse_int(value, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value)))
    except (TypeError, ValueError):
        return default


def parse_discount(value) -> Decimal | None:
    try:
        return Decimal(str(value or "0").replace(",", "."))
    except InvalidOperation:
        return None


def parse_day(text: str) -> date:
    """A day as Russian operators type it (27.11.2026, 27.11.26) or ISO (2026-11-27);
    ValueError when it is not one (an empty text is not one either)."""
    text = text.strip()
    for fmt in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"):
        with contextlib.suppress(ValueError):
            return datetime.strptime(text, fmt).date()
    raise ValueError(text)
