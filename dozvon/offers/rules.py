"""Pure rules of next-best offers (SPEC NBO-1…6): no ORM, no clock.

Values in — frozen dataclasses of campaigns, a number's eligibility rows, an
interaction's facts — and a list of `core.errors.Violation` (rule ID, field, message id)
or a plain answer out. The services load the facts, call these, and write.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from dozvon.core.errors import Violation, violation
from dozvon.core.limits import CODE, COMMENT, PHONE_INPUT, PRODUCT_NAME

# --- vocabulary ----------------------------------------------------------------------------

YES, NO, THINK = "yes", "no", "think"
RESPONSES = (YES, NO, THINK)
FIRST_LINE, SECOND_LINE = "first", "second"
OTHER_SPLIT = "other_split"  # the interaction's transfer target that leaves the reports

COMPENSATION, DISCOUNT, PROMO_CREDIT, TECHNOLOGICAL = (
    "compensation",
    "discount",
    "promo_credit",
    "technological",
)
CATEGORIES = (COMPENSATION, DISCOUNT, PROMO_CREDIT, TECHNOLOGICAL)
PENDING, APPLIED, REJECTED = "pending", "applied", "rejected"
ADJUSTMENT_STATES = (PENDING, APPLIED, REJECTED)

KPI_TARGET = Decimal("0.85")  # NBO-5 (the playbook's `settings.offers.kpi_target`)
SHARE_PLACES = Decimal("0.0001")

TARIFF_MAX = 100  # a tariff or service code as the operator's billing names it
LIST_MAX = 500  # entries of one exclusion list / one number's services
PRIORITY_MAX = 999
SUBJECT_MAX = 200  # the interaction's subject column (interactions.rules.SUBJECT_MAX)
REASON_MAX = 500
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def clean(text: Any) -> str:
    return "" if text is None else str(text).strip()


def norm(value: str) -> str:
    """How tariffs and services are compared: case and surrounding spaces ignored."""
    return " ".join(clean(value).split()).casefold()


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
    """part / whole to four places (0 when there is nothing to divide)."""
    if whole <= 0:
        return Decimal("0").quantize(SHARE_PLACES)
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


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


# --- NBO-6: balance adjustments -----------------------------------------------------------


@dataclass(frozen=True)
class DiscountPolicy:
    """The project's discount policy: the most one adjustment may credit, per category and
    role. A category or role it does not name may not credit at all."""

    limits: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)

    def limit(self, category: str, role: str) -> Decimal | None:
        return self.limits.get(category, {}).get(role)


def parse_policy(data: Any) -> tuple[DiscountPolicy, list[str]]:
    """A policy from its data ({category: {role: "amount"}}); every problem named."""
    problems: list[str] = []
    limits: dict[str, dict[str, Decimal]] = {}
    if not isinstance(data, Mapping):
        return DiscountPolicy(), ["the policy is a table of categories"]
    for category, roles in data.items():
        if category not in CATEGORIES:
            problems.append(f"unknown category {category!r}")
            continue
        if not isinstance(roles, Mapping):
            problems.append(f"{category}: a table of roles and amounts")
            continue
        for role, amount in roles.items():
            value = as_amount(amount)
            if value is None or value < 0:
                problems.append(f"{category}.{role}: not an amount: {amount!r}")
                continue
            limits.setdefault(category, {})[str(role)] = value
    return DiscountPolicy(limits), problems


def as_amount(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite():
        return None
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def check_adjustment(
    *,
    category: str,
    amount: Decimal,
    reason: str,
    subject: str,
    comment: str,
    role: str,
    policy: DiscountPolicy,
    customer_agreed: bool = True,
    max_amount: Decimal | None = None,
) -> list[Violation]:
    """NBO-6: a known category, a positive amount within the policy's limit for the
    actor's role, a reason, the customer's consent, and the interaction's short subject
    line and detailed comment (both required)."""
    found: list[Violation] = []
    if category not in CATEGORIES:
        found.append(
            violation(
                "NBO-6",
                "category",
                "Unknown category %(code)s: compensation, discount, promo_credit or technological.",
                code=category,
            )
        )
    if amount is None or amount <= 0:
        found.append(violation("NBO-6", "amount", "The amount must be above zero."))
    elif max_amount is not None and amount > max_amount:
        found.append(violation("NBO-6", "amount", "The amount is too large."))
    elif category in CATEGORIES:
        limit = policy.limit(category, role)
        if limit is None:
            found.append(
                violation(
                    "NBO-6",
                    "amount",
                    "The discount policy allows your role no %(category)s.",
                    category=category,
                )
            )
        elif amount > limit:
            found.append(
                violation(
                    "NBO-6",
                    "amount",
                    "Over the discount policy's limit of %(limit)s for your role.",
                    limit=f"{limit:.2f}",
                )
            )
    if not reason:
        found.append(violation("NBO-6", "reason", "Give the reason of the adjustment."))
    elif len(reason) > REASON_MAX:
        found.append(
            violation(
                "NBO-6", "reason", "The reason is too long (%(max)s at most).", max=REASON_MAX
            )
        )
    if not subject:
        found.append(
            violation("NBO-6", "subject", "Write the short subject line (e.g. credit for INBA).")
        )
    elif len(subject) > SUBJECT_MAX:
        found.append(
            violation(
                "NBO-6", "subject", "The subject is too long (%(max)s at most).", max=SUBJECT_MAX
            )
        )
    if not comment:
        found.append(violation("NBO-6", "comment", "Write the details in the comment."))
    elif len(comment) > COMMENT:
        found.append(violation("NBO-6", "comment", "The comment is too long."))
    if not customer_agreed:
        found.append(
            violation("NBO-6", "customer_agreed", "An adjustment needs the customer's consent.")
        )
    return found


def appended(existing: str, addition: str, *, sep: str, limit: int) -> str:
    """`existing` with `addition` after it (once), within `limit` characters."""
    existing, addition = clean(existing), clean(addition)
    if not addition or addition in existing:
        return existing
    text = f"{existing}{sep}{addition}" if existing else addition
    return text[:limit]


def check_decision(*, old: str, new: str) -> list[Violation]:
    """NBO-6: the partner's billing answers a pending adjustment once, applied or
    rejected; the same answer again changes nothing (idempotent)."""
    if new not in (APPLIED, REJECTED):
        return [violation("input", "state", "The state is applied or rejected.")]
    if old in (new, PENDING):
        return []
    return [
        violation(
            "NBO-6", "state", "The adjustment is already %(state)s; it cannot change.", state=old
        )
    ]


# --- loading campaigns and eligibility (API, XLSX/CSV) ------------------------------------


def as_date(value: Any) -> date | None:
    """A date from a cell or a JSON value: a date, YYYY-MM-DD or DD.MM.YYYY."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean(value)
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def as_list(value: Any) -> list[str] | None:
    """A list of codes from JSON or a cell ("A; B, C"); None when it is neither."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[;,\n]", value) if p.strip()]
    if isinstance(value, list | tuple):
        if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
            return None
        return [str(v).strip() for v in value if str(v).strip()]
    return None


def as_priority(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if 1 <= value <= PRIORITY_MAX else None
    text = clean(value)
    return int(text) if text.isdigit() and 1 <= int(text) <= PRIORITY_MAX else None


def _check_list(value: Any, at: str, name: str, found: list[Violation]) -> tuple[str, ...]:
    items = as_list(value)
    if items is None:
        found.append(violation("input", f"{at}{name}", "A list of codes."))
        return ()
    if len(items) > LIST_MAX or any(len(i) > TARIFF_MAX for i in items):
        found.append(violation("input", f"{at}{name}", "The list is too long."))
        return ()
    return tuple(dict.fromkeys(items))


def check_campaign_row(
    row: Mapping[str, Any], *, at: str = ""
) -> tuple[CampaignFacts, list[Violation]]:
    """NBO-1: a campaign as loaded: code, name, priority, active dates, script and its
    NBO-4 exclusion lists (tariffs, services). `at` prefixes field names (`[3].`)."""
    found: list[Violation] = []
    code = clean(row.get("code"))
    if not code:
        found.append(violation("NBO-1", f"{at}code", "The campaign code is required."))
    elif len(code) > CODE or not CODE_RE.match(code):
        found.append(
            violation(
                "NBO-1",
                f"{at}code",
                "A code of letters, digits, - _ . (%(max)s at most).",
                max=CODE,
            )
        )
    name = clean(row.get("name"))
    if not name:
        found.append(violation("NBO-1", f"{at}name", "The campaign name is required."))
    elif len(name) > PRODUCT_NAME:
        found.append(violation("input", f"{at}name", "The name is too long."))
    priority = as_priority(row.get("priority"))
    if priority is None:
        found.append(
            violation(
                "NBO-1",
                f"{at}priority",
                "The priority is a whole number 1…%(max)s (1 first).",
                max=PRIORITY_MAX,
            )
        )
    starts_on = as_date(row.get("starts_on"))
    if starts_on is None:
        found.append(
            violation("NBO-1", f"{at}starts_on", "The first day is required (YYYY-MM-DD).")
        )
    raw_end = row.get("ends_on")
    ends_on = as_date(raw_end) if clean(raw_end) else None
    if clean(raw_end) and ends_on is None:
        found.append(violation("NBO-1", f"{at}ends_on", "Not a date (YYYY-MM-DD)."))
    elif starts_on and ends_on and ends_on < starts_on:
        found.append(violation("NBO-1", f"{at}ends_on", "The last day is before the first."))
    script = clean(row.get("script"))
    if len(script) > COMMENT:
        found.append(violation("input", f"{at}script", "The script is too long."))
    tariffs = _check_list(row.get("excluded_tariffs"), at, "excluded_tariffs", found)
    services = _check_list(row.get("excluded_services"), at, "excluded_services", found)
    facts = CampaignFacts(
        code=code,
        name=name,
        priority=priority or PRIORITY_MAX,
        starts_on=starts_on,
        ends_on=ends_on,
        excluded_tariffs=frozenset(tariffs),
        excluded_services=frozenset(services),
        script=script,
    )
    return facts, found


@dataclass(frozen=True)
class EligibilityRow:
    phone: str  # as given; the service normalises it
    offer: str
    priority: int | None
    tariff: str
    services: tuple[str, ...]


def check_eligibility_row(
    row: Mapping[str, Any], *, known: Collection[str], at: str = ""
) -> tuple[EligibilityRow, list[Violation]]:
    """NBO-1: a number's offer as loaded: phone, offer (a known campaign code), its
    priority for this number (optional), the number's tariff and services (NBO-4)."""
    found: list[Violation] = []
    phone = clean(row.get("phone"))
    if not phone:
        found.append(violation("X-4", f"{at}phone", "The phone is required."))
    elif len(phone) > PHONE_INPUT or sum(ch.isdigit() for ch in phone) < 5:
        found.append(violation("X-4", f"{at}phone", "Enter a valid phone number."))
    offer = clean(row.get("offer"))
    if not offer:
        found.append(violation("NBO-1", f"{at}offer", "Name the offer (the campaign code)."))
    elif offer not in known:
        found.append(violation("NBO-1", f"{at}offer", "Unknown campaign %(code)s.", code=offer))
    raw_priority = row.get("priority")
    priority = None
    if raw_priority not in (None, ""):
        priority = as_priority(raw_priority)
        if priority is None:
            found.append(
                violation(
                    "NBO-1",
                    f"{at}priority",
                    "The priority is a whole number 1…%(max)s (1 first).",
                    max=PRIORITY_MAX,
                )
            )
    tariff = clean(row.get("tariff"))
    if len(tariff) > TARIFF_MAX:
        found.append(violation("input", f"{at}tariff", "The tariff is too long."))
    services = _check_list(row.get("services"), at, "services", found)
    return EligibilityRow(phone, offer, priority, tariff, services), found
