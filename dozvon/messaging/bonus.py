"""The bonus of an email's offer (DUN-2, X-9): the extra units an offer of a bonus %
gives. Pure: no ORM. Any project's bonus template (`bonus_units`, `units_with_bonus`)
shows them; the DUN plug-in's rules use the same figure (dozvon.dunning.rules)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def bonus_units(units: int, percent: int | Decimal) -> int:
    """DUN-2 (Decisions): the order's units × bonus %, rounded half up, at least 1."""
    if units <= 0:
        return 0
    exact = Decimal(units) * Decimal(str(percent)) / 100
    return max(1, int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
