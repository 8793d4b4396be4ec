"""Pure order rules: intake input (X-10), items and discounts (X-5, COD-11), totals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from dozvon.core.errors import Violation, violation
from dozvon.core.money import line_total, money

MAX_QUANTITY = 9999


def name_key(text: str) -> str:
    """X-4 name search: case-, ё/е- and spacing-insensitive form of a name (also what
    COD-19 d compares names of duplicates by)."""
    return " ".join(text.casefold().replace("ё", "е").split())


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
                    "COD-11",
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
