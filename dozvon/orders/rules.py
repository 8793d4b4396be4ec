"""Pure order rules: intake input (X-10), items and discounts (X-5, COD-11), totals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from dozvon.core.errors import Violation, violation
from dozvon.core.limits import MAX_AMOUNT, MAX_PRICE, MAX_QUANTITY
from dozvon.core.money import format_money, line_total, money


@dataclass(frozen=True)
class ProductFact:
    sku: str
    price: Decimal
    max_discount_percent: Decimal
    active: bool = True


@dataclass(frozen=True)
class LineFact:
    unit_price: Decimal
    quantity: int
    discount_percent: Decimal


def check_item(
    *,
    index: int | None,
    sku: str,
    quantity: int,
    discount_percent: Decimal | None,
    price: Decimal | None,
    products: Mapping[str, ProductFact],
    cap_discount: bool,
    rule: str = "X-5",
    cap_rule: str | None = None,
) -> list[Violation]:
    """One line: known product, sane quantity, discount 0–100 within the product's cap."""
    prefix = f"items[{index}]." if index is not None else ""
    found: list[Violation] = []
    product = products.get(sku)
    if product is None or not product.active:
        found.append(violation(rule, prefix + "sku", "Unknown product %(sku)s.", sku=sku))
    if not 1 <= quantity <= MAX_QUANTITY:
        found.append(
            violation(
                rule,
                prefix + "quantity",
                "Quantity must be between 1 and %(max)s.",
                max=MAX_QUANTITY,
            )
        )
    if price is not None and price < 0:
        found.append(violation(rule, prefix + "price", "The price cannot be negative."))
    elif price is not None and price > MAX_PRICE:
        found.append(
            violation(
                rule,
                prefix + "price",
                "The price cannot exceed %(max)s.",
                max=format_money(MAX_PRICE),
            )
        )
    if discount_percent is not None:
        if not Decimal(0) <= discount_percent <= Decimal(100):
            found.append(
                violation(
                    rule, prefix + "discount_percent", "The discount must be between 0 and 100 %."
                )
            )
        elif cap_discount and product and discount_percent > product.max_discount_percent:
            found.append(
                violation(
                    cap_rule or rule,
                    prefix + "discount_percent",
                    "The script allows at most %(max)s %% discount on this product.",
                    max=f"{product.max_discount_percent:g}",
                )
            )
    return found


def totals(lines: Iterable[LineFact], delivery_cost: Decimal) -> tuple[Decimal, Decimal]:
    """X-5: goods total and grand total (goods + delivery)."""
    goods = money(
        sum(
            (line_total(ln.unit_price, ln.quantity, ln.discount_percent) for ln in lines),
            Decimal(0),
        )
    )
    return goods, money(goods + money(delivery_cost))


def check_totals(
    lines: Iterable[LineFact], delivery_cost: Decimal, *, rule: str = "X-5", items_field="items"
) -> list[Violation]:
    """X-5: every line total, the goods total and the grand total must be amounts an order
    can hold (checked before anything is written, so an overflow is a refusal, not a 500)."""
    found: list[Violation] = []
    lines = list(lines)
    for index, ln in enumerate(lines):
        if line_total(ln.unit_price, ln.quantity, ln.discount_percent) > MAX_AMOUNT:
            found.append(
                violation(
                    rule,
                    f"{items_field}[{index}].quantity",
                    "The line total cannot exceed %(max)s.",
                    max=format_money(MAX_AMOUNT),
                )
            )
    if found:
        return found
    if money(delivery_cost) > MAX_AMOUNT:
        return [
            violation(
                rule,
                "delivery_cost",
                "The amount cannot exceed %(max)s.",
                max=format_money(MAX_AMOUNT),
            )
        ]
    goods, total = totals(lines, delivery_cost)
    if goods > MAX_AMOUNT:
        found.append(
            violation(
                rule,
                items_field,
                "The goods total cannot exceed %(max)s.",
                max=format_money(MAX_AMOUNT),
            )
        )
    elif total > MAX_AMOUNT:
        found.append(
            violation(
                rule,
                "delivery_cost",
                "The order total cannot exceed %(max)s.",
                max=format_money(MAX_AMOUNT),
            )
        )
    return found


def check_payment_method(
    value: str | None, *, methods: tuple[str, ...], rule: str, field: str = "payment_method"
) -> list[Violation]:
    """X-5/SHOP-7: a payment method is one of the playbook's (empty means not chosen yet)."""
    if value and methods and value not in methods:
        return [
            violation(
                rule,
                field,
                "Unknown payment method %(code)s; allowed: %(allowed)s.",
                code=value,
                allowed=", ".join(methods),
            )
        ]
    return []


def check_created_at(created_at, *, now, skew_seconds: int = 300) -> list[Violation]:
    """X-10: an order cannot arrive from the future (a few minutes of clock skew allowed)."""
    if created_at is not None and (created_at - now).total_seconds() > skew_seconds:
        return [violation("X-10", "created_at", "The order date cannot be in the future.")]
    return []
