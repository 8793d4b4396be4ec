"""NBO-5: lost sales and the KPI."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dozvon.core import numbers
from dozvon.core.errors import Violation, violation
from dozvon.offers.rules.eligibility import (
    NumberOffers,
    in_offer_reports,
)
from dozvon.offers.rules.vocabulary import (
    REASON_MAX,
    YES,
)

# --- NBO-5: lost sales and the KPI --------------------------------------------------------


def is_lost_sale(*, number: NumberOffers, voiced: bool, expected: bool) -> bool:
    """NBO-5 (Decisions): saved without an offer voiced while the number had an eligible,
    non-excluded offer, in an interaction that needed one (NBO-3). An excluded number is
    not a lost sale (NBO-4)."""
    return expected and not voiced and bool(number.eligible)


def check_lost_reason(*, lost: bool, voiced: bool, reason: str) -> list[Violation]:
    """NBO-5: a lost sale carries the operator's reason (the caller hung up, a child
    called…); a voiced offer is no lost sale."""
    if voiced and reason:
        return [violation("NBO-5", "lost_reason", "An offer was voiced: this is no lost sale.")]
    if lost and not reason:
        return [
            violation(
                "NBO-5",
                "lost_reason",
                "No offer was voiced although the number has one: give the reason.",
            )
        ]
    if len(reason) > REASON_MAX:
        return [
            violation(
                "NBO-5", "lost_reason", "The reason is too long (%(max)s at most).", max=REASON_MAX
            )
        ]
    return []


@dataclass(frozen=True)
class InteractionOfferFacts:
    """What the KPI needs of one interaction: when, who, on which line, where it was
    transferred, the number's eligible offers then (codes by priority) and the offers
    voiced as (code, current response)."""

    day: date
    operator: int | None
    line: str
    transferred_to: str
    eligible: tuple[str, ...]
    voiced: tuple[tuple[str, str], ...] = ()


def attributed_campaign(f: InteractionOfferFacts) -> str | None:
    """The one campaign an eligible interaction counts for in per-campaign KPI rows (so
    the rows add up to the operator's day): the offer accepted, else the offer voiced
    (the earlier by priority), else the number's first offer. None: not in the KPI."""
    if not f.eligible or not in_offer_reports(line=f.line, transferred_to=f.transferred_to):
        return None
    order = {code: i for i, code in enumerate(f.eligible)}
    voiced = sorted(f.voiced, key=lambda v: order.get(v[0], len(order)))
    accepted = [code for code, response in voiced if response == YES]
    if accepted:
        return accepted[0]
    if voiced:
        return voiced[0][0]
    return f.eligible[0]


@dataclass
class KpiCount:
    eligible: int = 0
    voiced: int = 0
    yes: int = 0


def share(part: int, whole: int) -> Decimal:
    """NBO-5's realized share and YES conversion: `core.numbers.share` (four places, half
    up, as every report's share), 0.0000 rather than empty when there is nothing to
    divide: the KPI's API fields are always a number."""
    return numbers.share(part, whole, empty=numbers.ZERO_SHARE)


def kpi_counts(
    facts: Iterable[InteractionOfferFacts],
) -> dict[tuple[date, int | None, str], KpiCount]:
    """NBO-5 (Decisions): per (day, operator, campaign) the eligible interactions (first
    line, not to another split, the number had an active non-excluded offer), those with
    an offer voiced, and those answered YES. Realized share = voiced / eligible;
    conversion = yes / voiced."""
    out: dict[tuple[date, int | None, str], KpiCount] = {}
    for f in facts:
        campaign = attributed_campaign(f)
        if campaign is None:
            continue
        count = out.setdefault((f.day, f.operator, campaign), KpiCount())
        count.eligible += 1
        if f.voiced:
            count.voiced += 1
            if any(response == YES for _, response in f.voiced):
                count.yes += 1
    return out
