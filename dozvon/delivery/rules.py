"""COD-13: the delivery options for an address, from a project's methods and rate tables.

Pure: values and frozen dataclasses in, options out; no ORM, no clock. The selector loads
the facts (`selectors.delivery_options`), the service refuses an option not in the list.

- A method is available where one of its rates matches the address; the most specific
  rate wins (region and city > city > region > "*"), then the cheapest, then the fastest.
- A rate with `free_from` costs nothing once the goods total reaches it.
- COD-13: a method whose policy is "not with courier" (Russian Post) is marked
  "do not offer" when a courier option exists for the address.
- Sorted: courier first, then the others by the project's sort order; options marked
  "do not offer" last.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from dozvon.core.money import money
from dozvon.playbooks.fields import N_

ANYWHERE = "*"
COURIER = "courier"
NOT_WITH_COURIER = "not_with_courier"
RULE = "COD-13"
DO_NOT_OFFER = N_("Do not offer: a courier delivers to this address (COD-13).")
NOT_AVAILABLE = N_("This delivery method is not available for the delivery address.")


@dataclass(frozen=True)
class MethodFact:
    code: str
    kind: str  # courier / post / pickup / transport_company / other
    offer: str = "normal"  # or NOT_WITH_COURIER (COD-13)
    sort_order: int = 100
    name_ru: str = ""
    name_uk: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class RateFact:
    method: str  # the method's code
    cost: Decimal
    days_min: int
    days_max: int
    region: str = ANYWHERE
    city: str = ANYWHERE
    free_from: Decimal | None = None


@dataclass(frozen=True)
class Address:
    region: str = ""
    city: str = ""

    @classmethod
    def of(cls, parts: Mapping[str, object] | None) -> Address:
        parts = parts or {}
        return cls(str(parts.get("region") or ""), str(parts.get("city") or ""))


@dataclass(frozen=True)
class DeliveryOption:
    code: str
    kind: str
    cost: Decimal
    days_min: int
    days_max: int
    free: bool = False  # the goods total reached the rate's free-delivery threshold
    do_not_offer: bool = False
    rule: str = ""  # why it is marked: the SPEC rule
    reason: str = ""  # an English message id, translated at the edge
    name_ru: str = ""
    name_uk: str = ""
    name_en: str = ""

    def name(self, lang: str | None) -> str:
        names = {"ru": self.name_ru, "uk": self.name_uk, "en": self.name_en}
        return names.get((lang or "ru")[:2]) or self.name_ru or self.code


# Abbreviations an address from suggestions carries ("г Москва", "Московская обл").
_WORDS = {"обл": "область", "респ": "республика", "г": "", "город": "", "гор": ""}


def place_key(text: str) -> str:
    """A place name as matching compares it: case, "ё", punctuation, settlement-type
    words and abbreviations ignored ("г. Москва" = "москва", "Московская обл." =
    "московская область")."""
    words = re.sub(r"[.,()]", " ", (text or "").casefold().replace("ё", "е")).split()
    return " ".join(w for w in (_WORDS.get(w, w) for w in words) if w)


def specificity(rate: RateFact, address: Address) -> int | None:
    """How closely a rate fits the address (3 region and city, 2 city, 1 region, 0
    anywhere), None when it does not. An address without a city is a federal city
    (Moscow, St Petersburg) whose region names the city."""
    region = place_key(address.region)
    city = place_key(address.city) or region
    score = 0
    for wanted, have, weight in ((rate.city, city, 2), (rate.region, region, 1)):
        key = place_key(wanted)
        if key in ("", ANYWHERE):
            continue
        if key != have:
            return None
        score += weight
    return score


def best_rate(rates: Iterable[RateFact], address: Address) -> RateFact | None:
    """The most specific rate matching the address; among equals the cheapest, then the
    fastest."""
    ranked = [
        (-score, rate.cost, rate.days_max, rate.days_min, index, rate)
        for index, rate in enumerate(rates)
        if (score := specificity(rate, address)) is not None
    ]
    return min(ranked)[-1] if ranked else None


def delivery_options(
    *,
    address: Address,
    goods_total: Decimal,
    methods: Iterable[MethodFact],
    rates: Iterable[RateFact],
) -> list[DeliveryOption]:
    """COD-13: the options for the address, courier first, Post marked "do not offer"
    where a courier delivers."""
    by_method: dict[str, list[RateFact]] = {}
    for rate in rates:
        by_method.setdefault(rate.method, []).append(rate)
    found: list[tuple[MethodFact, RateFact]] = []
    for method in methods:
        rate = best_rate(by_method.get(method.code, ()), address)
        if rate is not None:
            found.append((method, rate))
    courier = any(m.kind == COURIER for m, _ in found)
    options = [_option(m, r, goods_total, courier_available=courier) for m, r in found]
    order = {m.code: m.sort_order for m, _ in found}
    return sorted(
        options,
        key=lambda o: (o.do_not_offer, o.kind != COURIER, order[o.code], o.cost, o.code),
    )


def option_for(options: Iterable[DeliveryOption], code: str) -> DeliveryOption | None:
    return next((o for o in options if o.code == code), None)


def _option(
    method: MethodFact, rate: RateFact, goods_total: Decimal, *, courier_available: bool
) -> DeliveryOption:
    free = rate.free_from is not None and money(goods_total) >= money(rate.free_from)
    hidden = courier_available and method.offer == NOT_WITH_COURIER
    return DeliveryOption(
        code=method.code,
        kind=method.kind,
        cost=money(0) if free else money(rate.cost),
        days_min=rate.days_min,
        days_max=max(rate.days_min, rate.days_max),
        free=free,
        do_not_offer=hidden,
        rule=RULE if hidden else "",
        reason=DO_NOT_OFFER if hidden else "",
        name_ru=method.name_ru,
        name_uk=method.name_uk,
        name_en=method.name_en,
    )
