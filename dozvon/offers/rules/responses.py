"""NBO-1, NBO-2, NBO-4: offers voiced in an interaction; responses only move forward."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dozvon.core.errors import Violation, violation
from dozvon.core.limits import CODE
from dozvon.offers.rules.eligibility import (
    NumberOffers,
)
from dozvon.offers.rules.vocabulary import (
    NO,
    RESPONSES,
    THINK,
    YES,
)

# --- NBO-1, NBO-2, NBO-4: offers voiced in an interaction ---------------------------------


@dataclass(frozen=True)
class VoicedOffer:
    offer: str
    response: str


def parse_offers(raw: Any, *, field: str = "offers") -> tuple[list[VoicedOffer], list[Violation]]:
    """The request's `offers` as [{offer, response}]; shape problems are `input`."""
    if raw is None:
        return [], []
    if not isinstance(raw, list | tuple):
        return [], [violation("input", field, "A list of {offer, response}.")]
    found: list[Violation] = []
    out: list[VoicedOffer] = []
    for i, item in enumerate(raw):
        at = f"{field}[{i}]"
        if not isinstance(item, Mapping):
            found.append(violation("input", at, "A list of {offer, response}."))
            continue
        unknown = sorted(set(item) - {"offer", "response"})
        if unknown:
            found.append(
                violation("input", f"{at}.{unknown[0]}", "Unknown field %(name)s.", name=unknown[0])
            )
        offer, response = item.get("offer"), item.get("response")
        if not isinstance(offer, str) or not offer.strip() or len(offer) > CODE:
            found.append(violation("NBO-1", f"{at}.offer", "Name the offer (the campaign code)."))
            continue
        if not isinstance(response, str):
            response = ""
        out.append(VoicedOffer(offer.strip(), response.strip().lower()))
    return out, found


def check_offers(
    *,
    offers: Sequence[VoicedOffer],
    number: NumberOffers,
    known: Collection[str],
    field: str = "offers",
) -> list[Violation]:
    """NBO-1: each voiced offer is one of the number's active offers (any of them, not
    only the first), once; NBO-4: never an excluded one; NBO-2: a response is yes, no or
    think."""
    found: list[Violation] = []
    seen: set[str] = set()
    for i, o in enumerate(offers):
        at = f"{field}[{i}]"
        if o.response not in RESPONSES:
            found.append(
                violation(
                    "NBO-2",
                    f"{at}.response",
                    "Unknown response %(code)s: yes, no or think.",
                    code=o.response,
                )
            )
        if o.offer in seen:
            found.append(
                violation("input", f"{at}.offer", "Offer %(code)s is given twice.", code=o.offer)
            )
            continue
        seen.add(o.offer)
        if o.offer not in known:
            found.append(
                violation("NBO-1", f"{at}.offer", "Unknown campaign %(code)s.", code=o.offer)
            )
        elif number.exclusion_of(o.offer) is not None:
            found.append(
                violation(
                    "NBO-4",
                    f"{at}.offer",
                    "The number's tariff or service is excluded from %(code)s: do not offer it.",
                    code=o.offer,
                )
            )
        elif number.rank_of(o.offer) is None:
            found.append(
                violation(
                    "NBO-1",
                    f"{at}.offer",
                    "%(code)s is not among the number's active offers.",
                    code=o.offer,
                )
            )
    return found


# --- NBO-2: responses only move forward ---------------------------------------------------


def response_change_allowed(old: str, new: str) -> bool:
    """NBO-2 (Decisions): exactly NO → YES and THINK → YES; the same answer again is no
    change."""
    return old == new or (old in (NO, THINK) and new == YES)


def check_response_change(*, old: str, new: str, field: str = "response") -> list[Violation]:
    if new not in RESPONSES:
        return [violation("NBO-2", field, "Unknown response %(code)s: yes, no or think.", code=new)]
    if response_change_allowed(old, new):
        return []
    if old == YES:
        return [violation("NBO-2", field, "A YES is final: it cannot be changed.")]
    return [violation("NBO-2", field, "A saved response changes only to YES.")]
