"""NBO-1, NBO-3, NBO-4: a number's offers on a day; lines and transfers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from dozvon.core.errors import Violation, violation
from dozvon.offers.rules.vocabulary import (
    FIRST_LINE,
    OTHER_SPLIT,
    SECOND_LINE,
    norm,
)

# --- NBO-1, NBO-4: a number's offers on a day ---------------------------------------------


@dataclass(frozen=True)
class CampaignFacts:
    code: str
    name: str = ""
    priority: int = 100
    starts_on: date | None = None
    ends_on: date | None = None
    excluded_tariffs: frozenset[str] = frozenset()
    excluded_services: frozenset[str] = frozenset()
    script: str = ""

    def active_on(self, day: date) -> bool:
        """NBO-1: a campaign runs from `starts_on` to `ends_on`, both days included."""
        if self.starts_on is not None and day < self.starts_on:
            return False
        return self.ends_on is None or day <= self.ends_on


@dataclass(frozen=True)
class EligibilityFacts:
    """One row of the number's eligibility: campaign code, its priority for this number
    (None: the campaign's), the number's tariff and services."""

    campaign: str
    priority: int | None = None
    tariff: str = ""
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class Offer:
    code: str
    name: str
    priority: int
    rank: int  # 1 = the first by priority (NBO-1: the operator may voice a lower one)
    script: str = ""


@dataclass(frozen=True)
class Exclusion:
    """NBO-4: an active offer the number must not get, and why."""

    code: str
    name: str
    why: str  # "tariff" or "service"
    value: str  # the excluded tariff or service of the number


@dataclass(frozen=True)
class NumberOffers:
    eligible: tuple[Offer, ...] = ()
    excluded: tuple[Exclusion, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.eligible)

    def rank_of(self, code: str) -> int | None:
        return next((o.rank for o in self.eligible if o.code == code), None)

    def exclusion_of(self, code: str) -> Exclusion | None:
        return next((e for e in self.excluded if e.code == code), None)


def exclusion_for(campaign: CampaignFacts, row: EligibilityFacts) -> Exclusion | None:
    """NBO-4: the number's tariff or one of its services is on the campaign's lists."""
    tariffs = {norm(t) for t in campaign.excluded_tariffs}
    if row.tariff and norm(row.tariff) in tariffs:
        return Exclusion(campaign.code, campaign.name, "tariff", row.tariff)
    services = {norm(s) for s in campaign.excluded_services}
    hit = next((s for s in row.services if norm(s) in services), None)
    if hit is not None:
        return Exclusion(campaign.code, campaign.name, "service", hit)
    return None


def number_offers(
    *,
    campaigns: Mapping[str, CampaignFacts],
    rows: Iterable[EligibilityFacts],
    day: date,
) -> NumberOffers:
    """NBO-1/NBO-4: the number's offers active on `day`, eligible ones by priority (the
    number's own priority, else the campaign's; then the code), excluded ones with why.
    Campaigns not running that day are neither."""
    eligible: list[tuple[int, str, CampaignFacts]] = []
    excluded: list[Exclusion] = []
    for row in rows:
        campaign = campaigns.get(row.campaign)
        if campaign is None or not campaign.active_on(day):
            continue
        exclusion = exclusion_for(campaign, row)
        if exclusion is not None:
            excluded.append(exclusion)
            continue
        priority = row.priority if row.priority is not None else campaign.priority
        eligible.append((priority, campaign.code, campaign))
    eligible.sort(key=lambda item: (item[0], item[1]))
    return NumberOffers(
        eligible=tuple(
            Offer(c.code, c.name, priority, rank, c.script)
            for rank, (priority, _, c) in enumerate(eligible, start=1)
        ),
        excluded=tuple(sorted(excluded, key=lambda e: e.code)),
    )


# --- NBO-3: lines and transfers -----------------------------------------------------------


def check_may_offer(
    *, interaction_line: str, operator_line: int | None, field: str = "offers"
) -> list[Violation]:
    """NBO-3: second-line operators make no offers (nor on a second-line interaction)."""
    if interaction_line == SECOND_LINE or operator_line == 2:
        return [violation("NBO-3", field, "Second-line operators make no offers.")]
    return []


def offer_expected(*, line: str, transferred_to: str) -> bool:
    """NBO-1/NBO-3: a first-line interaction needs an offer, also one transferred to the
    IVR (voiced before the transfer); not one transferred to another split."""
    return line == FIRST_LINE and transferred_to != OTHER_SPLIT


def in_offer_reports(*, line: str, transferred_to: str) -> bool:
    """NBO-3: second-line interactions and those transferred to another split are left
    out of the offer reports."""
    return offer_expected(line=line, transferred_to=transferred_to)
