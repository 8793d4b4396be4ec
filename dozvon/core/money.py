"""Money is Decimal quantised to kopecks; never float (STYLE 6)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def money(value: Decimal | int | str) -> Decimal:
    """Quantise to two decimal places, rounding half up as cash registers do."""
    try:
        amount = Decimal(value)
        if not amount.is_finite():
            raise InvalidOperation
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not a money amount: {value!r}") from exc


def line_total(price: Decimal, quantity: int, discount_percent: Decimal) -> Decimal:
    """X-5: price × quantity less the discount; a gift is a 100 % discount."""
    gross = money(price) * quantity
    return money(gross * (HUNDRED - Decimal(discount_percent)) / HUNDRED)


def format_money(value: Decimal) -> str:
    return f"{money(value):.2f}"
