"""Money is Decimal quantised to kopecks; never float (STYLE 6).

The one place money is written as text (issue 26): `format_money` for machines (the API,
webhooks, history data, a form's value: "1490.00", or "1490,00" as typed), `display_money`
for people ("1 490 ₽"; the `money` template filter, messages, history lines)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from dozvon.core.numbers import grouped

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


def net_price(price: Decimal, discount_amount: Decimal | int = 0) -> Decimal:
    """SUB-5: a unit price less a fixed discount per unit — never below zero."""
    return max(money(price) - money(discount_amount), Decimal("0.00"))


def line_total(
    price: Decimal,
    quantity: int,
    discount_percent: Decimal,
    discount_amount: Decimal | int = 0,
) -> Decimal:
    """X-5: price × quantity less the discount; a gift is a 100 % discount. A fixed
    discount per unit (SUB-5) comes off the unit price first (never below zero)."""
    gross = net_price(price, discount_amount) * quantity
    return money(gross * (HUNDRED - Decimal(discount_percent)) / HUNDRED)


def format_money(value: Decimal | int | str, *, decimal_mark: str = ".") -> str:
    """An amount as machines read it: always two decimals, no grouping ("1490.00"); with
    `decimal_mark=","` as a Russian form shows what was typed ("1490,00")."""
    return f"{money(value):.2f}".replace(".", decimal_mark)


CURRENCY_SIGNS = {"RUB": "₽", "UAH": "₴", "USD": "$", "EUR": "€", "KZT": "₸", "BYN": "Br"}
NBSP = "\u00a0"


def display_money(value: Decimal, currency: str = "") -> str:
    """How people read an amount: "1 490 ₽", "1 490,50 ₽" (thousands by a narrow no-break
    space, kopecks only when there are any, the currency's sign after a no-break space)."""
    amount = money(value)
    whole, cents = divmod(abs(amount), 1)
    text = ("-" if amount < 0 else "") + grouped(int(whole))
    if cents:
        text += "," + format_money(amount)[-2:]
    sign = CURRENCY_SIGNS.get(currency, currency)
    return f"{text}{NBSP}{sign}" if sign else text
