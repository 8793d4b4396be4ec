"""SUB-5: the operator-only promo code, as pure rules (no ORM, no clock).

A project's promo code takes a fixed amount off each unit of the products it applies to
(its collection's issues: 999 → 552 per issue with 447 off), until its end date in the
project's time zone. Refusals name SUB-5 and the field `code`; they never repeat the code
text (an error body may be read by someone who must not learn it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dozvon.core.errors import N_, Violation, violation
from dozvon.core.money import money, net_price

RULE = "SUB-5"
FIELD = "code"
CODE_MAX = 64
OPERATORS_ONLY = "operators"  # the only visibility there is: never told to the customer


def normalize_code(text: str | None) -> str:
    """How a code is kept and compared: trimmed, inner spaces dropped, upper case (an
    operator typing "sub 447" means "SUB447")."""
    return "".join((text or "").split()).upper()


@dataclass(frozen=True)
class PromoFacts:
    """What the rules need of a promo code (never its text)."""

    active: bool
    valid_until: date
    discount_amount: Decimal
    product_ids: frozenset[int]  # the collection's issue products


@dataclass(frozen=True)
class ItemFacts:
    id: int
    product_id: int
    unit_price: Decimal
    discount_amount: Decimal = Decimal(0)


def check_code_text(text: str | None) -> list[Violation]:
    code = normalize_code(text)
    if not code:
        return [violation(RULE, FIELD, "Enter the promo code.")]
    if len(code) > CODE_MAX:
        return [violation(RULE, FIELD, "Unknown promo code.")]
    return []


def check_usable(promo: PromoFacts | None, *, today: date) -> list[Violation]:
    """SUB-5: a known, active code within its validity (the end date included)."""
    if promo is None or not promo.active:
        return [violation(RULE, FIELD, "Unknown promo code.")]
    if today > promo.valid_until:
        return [
            violation(
                RULE,
                FIELD,
                "The promo code expired on %(date)s.",
                date=promo.valid_until.strftime("%d.%m.%Y"),
            )
        ]
    return []


def unit_discount(price: Decimal, amount: Decimal) -> Decimal:
    """The discount a unit actually gets: never more than its price (no negative price)."""
    return money(price) - net_price(price, amount)


def discounts(
    promo: PromoFacts, items: Iterable[ItemFacts]
) -> tuple[dict[int, Decimal], list[Violation]]:
    """SUB-5: the fixed discount per unit of every eligible item of the order (item id →
    amount), or the refusal when no item is among the collection's issues. Items already
    carrying that discount are left as they are (applying the code twice changes
    nothing)."""
    items = list(items)
    eligible = [i for i in items if i.product_id in promo.product_ids]
    if not eligible:
        return {}, [
            violation(RULE, FIELD, "The promo code applies only to the issues of its collection.")
        ]
    out = {}
    for item in eligible:
        amount = unit_discount(item.unit_price, promo.discount_amount)
        if money(item.discount_amount) != amount:
            out[item.id] = amount
    return out, []


def plan(
    promo: PromoFacts | None, items: Iterable[ItemFacts], *, today: date
) -> tuple[Mapping[int, Decimal], list[Violation]]:
    """Every SUB-5 check in order: usable, then the items it applies to."""
    found = check_usable(promo, today=today)
    if found or promo is None:
        return {}, found
    return discounts(promo, items)


# --- a supervisor keeps the codes (issue 23): create, change, end ----------------------------

DISCOUNT_MAX = Decimal("1000000")
CODE_CHARS = frozenset("-_")
TAKEN = N_("The project already has this promo code.")


def parse_amount(value) -> Decimal | None:
    """An amount as typed ("447", "447,00", 447) or None when it is no number."""
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except (ArithmeticError, ValueError):
        return None
    return amount if amount.is_finite() else None


def check_promo(
    *,
    code: str | None,
    discount_amount: Decimal | None,
    ends_on: date | None,
    today: date,
    taken: bool = False,
    collection_known: bool = True,
    ends_on_changed: bool = True,
) -> list[Violation]:
    """SUB-5: a code a supervisor creates or changes (`code` None: the code is kept as it
    is): letters and digits, unique in the project; a fixed discount per unit above zero
    with at most two decimals; an end date not in the past; a collection of the project.
    Every refusal at once; none repeats the code text. An end date that is kept as it is
    (`ends_on_changed` False) is not checked: a code past its end may still be ended."""
    found: list[Violation] = []
    if code is not None:
        text = normalize_code(code)
        if not text:
            found.append(violation(RULE, FIELD, "Enter the promo code."))
        elif len(text) > CODE_MAX:
            found.append(
                violation(
                    RULE, FIELD, "The promo code is too long (%(max)s at most).", max=CODE_MAX
                )
            )
        elif not all(ch.isalnum() or ch in CODE_CHARS for ch in text):
            found.append(
                violation(RULE, FIELD, "A promo code is made of letters, digits, - and _.")
            )
        elif taken:
            found.append(violation(RULE, FIELD, TAKEN))
    if not collection_known:
        found.append(violation(RULE, "collection", "Choose a collection of the project."))
    if discount_amount is None:
        found.append(violation(RULE, "discount_amount", "Enter the discount per unit."))
    elif not (0 < discount_amount <= DISCOUNT_MAX) or discount_amount != money(discount_amount):
        found.append(
            violation(
                RULE,
                "discount_amount",
                "The discount per unit is an amount above zero with at most two decimals.",
            )
        )
    if ends_on is None:
        found.append(violation(RULE, "ends_on", "Enter the last day of the promo code."))
    elif ends_on_changed and ends_on < today:
        found.append(violation(RULE, "ends_on", "The last day of the promo code is in the past."))
    return found


def without_codes(text: str, codes: Iterable[str], *, replacement: str) -> str:
    """SUB-5: `text` with every promo code in it replaced — however it was typed (any case,
    spaces inside, as `normalize_code` reads it) — before the text leaves for someone who
    must not learn the code (the partner's refund email, SUB-3)."""
    for code in sorted({normalize_code(c) for c in codes if normalize_code(c)}, key=len)[::-1]:
        spaced = r"\s*".join(re.escape(ch) for ch in code)
        text = re.sub(spaced, replacement, text, flags=re.IGNORECASE)
    return text
