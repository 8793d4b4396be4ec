"""Pure rules of subscriptions (SUB-1…4, X-4, X-10): no ORM, no clock.

Values in, `core.errors.Violation`s out (every broken rule at once). The services load
the facts (collections, existing subscriptions, what was bought) as the frozen
dataclasses below and pass `today` in the project's time zone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from dozvon.core import limits
from dozvon.core.errors import Violation, violation
from dozvon.customers.rules import check_email, check_phone

BASE = "base"
ACCELERATED = "accelerated"
PLANS = (BASE, ACCELERATED)

UNTOUCHED = "untouched"  # will finish in time on the base plan: left alone (SUB-1)
GREEN = "green"  # accelerated and will finish before the suspension
PINK = "pink"  # cannot finish before the suspension
GROUPS = (UNTOUCHED, GREEN, PINK)

ACTIVE = "active"
CANCELLED = "cancelled"
STATUSES = (ACTIVE, CANCELLED)

# SUB-3: what one contact of an unhappy subscriber ends with
STAYED = "stayed"  # stays on the accelerated plan
BOUGHT_SOME = "bought_some"  # bought some remaining issues in the shop (which ones)
BOUGHT_ALL = "bought_all"  # bought every remaining issue
WILL_THINK = "will_think"  # will think and phone again
REFUND = "refund"  # asked for a refund: escalated to the partner
OUTCOMES = (STAYED, BOUGHT_SOME, BOUGHT_ALL, WILL_THINK, REFUND)
# SUB-4: not staying ⇒ the subscription is cancelled
LEAVING = frozenset({BOUGHT_SOME, BOUGHT_ALL, REFUND})
BUYING = frozenset({BOUGHT_SOME, BOUGHT_ALL})

MAX_ROWS = 500  # one API request or import file (API.md round 2)
NUMBER_MAX = 64
COLLECTION_CODE_MAX = 40
MAX_ISSUES = 1000  # a partwork of more issues is a typo
DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12: delivery rates are per month

# Names a file may use instead of the codes (the partner's Excel is in Russian).
PLAN_ALIASES = {
    "base": BASE,
    "базовый": BASE,
    "базовый план": BASE,
    "accelerated": ACCELERATED,
    "ускоренный": ACCELERATED,
    "ускоренный план": ACCELERATED,
}
GROUP_ALIASES = {
    "untouched": UNTOUCHED,
    "не трогаем": UNTOUCHED,
    "успеет": UNTOUCHED,
    "green": GREEN,
    "зеленая": GREEN,
    "зелёная": GREEN,
    "зеленая группа": GREEN,
    "зелёная группа": GREEN,
    "pink": PINK,
    "розовая": PINK,
    "розовая группа": PINK,
}


# --- SUB-2: never back to the base plan -----------------------------------------------------


def check_plan_change(*, old: str, new: str, field: str = "plan") -> list[Violation]:
    """SUB-2: an accelerated subscription is never returned to the base plan."""
    if new not in PLANS:
        return [violation("input", field, "Unknown plan %(code)s.", code=new)]
    if old == ACCELERATED and new == BASE:
        return [
            violation(
                "SUB-2",
                field,
                "An accelerated subscription is never returned to the base plan.",
            )
        ]
    return []


def check_status(status: str, *, field: str = "status") -> list[Violation]:
    if status not in STATUSES:
        return [violation("input", field, "Unknown status %(code)s.", code=status)]
    return []


# --- SUB-1: groups --------------------------------------------------------------------------


def remaining_issues(*, delivered: int, total: int) -> list[int]:
    """The issue numbers still to come: delivered + 1 … total."""
    return list(range(max(delivered, 0) + 1, max(total, 0) + 1))


def capacity(*, today: date, suspend_on: date, issues_per_month: Decimal | int | None) -> int:
    """How many issues a plan delivering `issues_per_month` still brings before the
    suspension date (whole issues; none once the date has passed)."""
    if issues_per_month is None:
        return 0
    days = (suspend_on - today).days
    if days <= 0:
        return 0
    return math.floor(Decimal(days) * Decimal(issues_per_month) / DAYS_PER_MONTH)


def group_for(
    *,
    plan: str,
    remaining: int,
    today: date,
    suspend_on: date,
    base_per_month: Decimal | int | None,
    accelerated_per_month: Decimal | int | None,
) -> str | None:
    """SUB-1: untouched = finishes on the base plan; green = accelerated and finishes;
    pink = cannot finish. None when the collection has no delivery rate for the plan."""
    rate = base_per_month if plan == BASE else accelerated_per_month
    if rate is None:
        return None
    finishes = remaining <= capacity(today=today, suspend_on=suspend_on, issues_per_month=rate)
    if not finishes:
        return PINK
    return UNTOUCHED if plan == BASE else GREEN


def check_group(*, plan: str, group: str, field: str = "group") -> list[Violation]:
    """SUB-1: green means accelerated (SUB-2 when a green row says base), untouched means
    the base plan; pink (cannot finish) may be on either plan."""
    if group not in GROUPS:
        return [violation("input", field, "Unknown group %(code)s.", code=group)]
    if group == GREEN and plan == BASE:
        return [
            violation(
                "SUB-2", "plan", "A subscription of the green group is on the accelerated plan."
            )
        ]
    if group == UNTOUCHED and plan == ACCELERATED:
        return [
            violation(
                "SUB-1", field, "An accelerated subscription is in the green or the pink group."
            )
        ]
    return []


# --- SUB-3: a contact's outcome ---------------------------------------------------------------


@dataclass(frozen=True)
class ContactFacts:
    """What the rules need of the subscription a contact is about."""

    status: str
    delivered: int
    total: int
    bought: frozenset[int] = frozenset()  # issues bought at earlier contacts

    @property
    def purchasable(self) -> list[int]:
        return [
            n
            for n in remaining_issues(delivered=self.delivered, total=self.total)
            if n not in self.bought
        ]


def check_contact(
    *, outcome: str, issues: Sequence[int] | None, facts: ContactFacts
) -> tuple[list[int], list[Violation]]:
    """SUB-3/SUB-4: the issues a contact bought (sorted) and every refusal.

    A purchase names remaining issues not bought before (bought_all: all of them, filled
    in when not given); other outcomes name none; a cancelled subscription cannot stay."""
    found: list[Violation] = []
    if outcome not in OUTCOMES:
        return [], [violation("SUB-3", "outcome", "Unknown outcome %(code)s.", code=outcome)]
    given = list(issues or [])
    purchasable = facts.purchasable
    if outcome == STAYED and facts.status == CANCELLED:
        found.append(
            violation(
                "SUB-4",
                "outcome",
                "The subscription is cancelled: it cannot stay on the accelerated plan.",
            )
        )
    if outcome not in BUYING:
        if given:
            found.append(violation("SUB-3", "issues", "Only a purchase names the issues bought."))
        return [], found
    if not purchasable:
        found.append(violation("SUB-3", "issues", "No remaining issues are left to buy."))
        return [], found
    if len(set(given)) != len(given):
        found.append(violation("SUB-3", "issues", "An issue is named twice."))
    wrong = sorted({n for n in given if n not in purchasable})
    if wrong:
        found.append(
            violation(
                "SUB-3",
                "issues",
                "Issues %(numbers)s are not among the remaining ones (%(first)s–%(last)s) "
                "or were bought before.",
                numbers=", ".join(map(str, wrong)),
                first=purchasable[0],
                last=purchasable[-1],
            )
        )
    chosen = sorted(set(given))
    if outcome == BOUGHT_ALL:
        if not given:
            chosen = purchasable
        elif not wrong and chosen != purchasable:
            found.append(
                violation(
                    "SUB-3",
                    "issues",
                    "Bought all remaining issues names every one of them (%(count)s).",
                    count=len(purchasable),
                )
            )
    else:  # bought some
        if not given:
            found.append(violation("SUB-3", "issues", "Choose the issues bought."))
        elif not wrong and chosen == purchasable:
            found.append(
                violation(
                    "SUB-3",
                    "outcome",
                    "These are all the remaining issues: choose bought all.",
                )
            )
    return (chosen if not found else []), found


def check_decision(decision: str) -> list[Violation]:
    """SUB-3: a refund escalation is closed with the partner's decision written down."""
    text = (decision or "").strip()
    if not text:
        return [violation("SUB-3", "decision", "Write the partner's decision.")]
    if len(text) > limits.COMMENT:
        return [violation("SUB-3", "decision", "The text is too long.")]
    return []


# --- rows of an import or an API request -------------------------------------------------


@dataclass(frozen=True)
class CollectionFacts:
    code: str
    issues_total: int
    base_per_month: Decimal | None = None
    accelerated_per_month: Decimal | None = None


@dataclass(frozen=True)
class ExistingFacts:
    """The subscription a row's number already names."""

    plan: str


@dataclass(frozen=True)
class Row:
    """One subscription as a row gives it, cleaned: what the service writes."""

    number: str
    name: str
    phone: str
    email: str
    collection: str
    plan: str
    issues_total: int
    issues_delivered: int
    group: str
    suspend_on: date


@dataclass
class RowCheck:
    row: Row | None
    violations: list[Violation] = field(default_factory=list)


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_int(value: Any) -> int | None:
    """A whole number from a cell or a JSON value ("12", 12, 12.0); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = text_of(value).replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral_value() and abs(number) < 10**9 else None


_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y")


def parse_date(value: Any) -> date | None:
    """A date from a cell or a JSON value: a date, "31.12.2022" or "2022-12-31"."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_of(value)
    if not text:
        return None
    text = text.split("T")[0].split(" ")[0]
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if 2000 <= parsed.year <= 2099:
            return parsed
    return None


def code_of(value: Any, aliases: Mapping[str, str]) -> str:
    """A plan or group code from its code or its Russian name (any case); the text
    itself when unknown (the check names it)."""
    text = text_of(value)
    return aliases.get(text.lower(), text)


_NUMBER = re.compile(r"^[\w./-]+$")


def check_row(
    raw: Mapping[str, Any],
    *,
    collections: Mapping[str, CollectionFacts],
    existing: Mapping[str, ExistingFacts],
    today: date,
) -> RowCheck:
    """One row (keys: number, name, phone, email, collection, plan, issues_total,
    issues_delivered, group, suspend_on): the cleaned row and every refusal, each naming
    its field (`customer.phone` …)."""
    found: list[Violation] = []
    number = text_of(raw.get("number"))
    if not number:
        found.append(violation("X-10", "number", "The subscription number is required."))
    elif len(number) > NUMBER_MAX or not _NUMBER.match(number):
        found.append(violation("X-10", "number", "The subscription number is not valid."))
    name = text_of(raw.get("name"))
    if not name:
        found.append(violation("X-10", "customer.name", "The customer's name is required."))
    elif len(name) > limits.NAME:
        found.append(violation("X-10", "customer.name", "The name is too long."))
    phone = text_of(raw.get("phone"))
    if not phone:
        found.append(violation("X-4", "customer.phone", "The phone is required."))
    elif len(phone) > limits.PHONE_INPUT:
        found.append(violation("X-4", "customer.phone", "Enter a valid phone number."))
    else:
        found += check_phone(phone, field="customer.phone")
    email = text_of(raw.get("email"))
    if len(email) > limits.EMAIL:
        found.append(violation("X-3", "customer.email", "Enter a valid email address."))
    else:
        found += check_email(email, field="customer.email")
    code = text_of(raw.get("collection"))
    collection = collections.get(code)
    if collection is None:
        found.append(
            violation(
                "X-10",
                "collection",
                "Unknown collection %(code)s.",
                code=code[:COLLECTION_CODE_MAX] or "—",
            )
        )
    plan = code_of(raw.get("plan"), PLAN_ALIASES)
    if plan not in PLANS:
        found.append(violation("X-10", "plan", "Unknown plan %(code)s.", code=plan[:40] or "—"))
    total = parse_int(raw.get("issues_total"))
    delivered = parse_int(raw.get("issues_delivered"))
    if total is None or not 1 <= total <= MAX_ISSUES:
        found.append(
            violation("X-10", "issues_total", "Issues total is a whole number from 1 to 1000.")
        )
    elif collection is not None and total > collection.issues_total:
        found.append(
            violation(
                "X-10",
                "issues_total",
                "The collection has %(count)s issues.",
                count=collection.issues_total,
            )
        )
    if delivered is None or delivered < 0:
        found.append(
            violation("X-10", "issues_delivered", "Issues delivered is a whole number from 0.")
        )
    elif total is not None and delivered > total:
        found.append(violation("X-10", "issues_delivered", "More issues delivered than the total."))
    suspend_on = parse_date(raw.get("suspend_on"))
    if suspend_on is None:
        found.append(
            violation("X-10", "suspend_on", "Enter the suspension date (31.12.2022 or 2022-12-31).")
        )
    elif suspend_on < today:
        found.append(violation("X-10", "suspend_on", "The suspension date is in the past."))
    before = existing.get(number)
    if before is not None and plan in PLANS:
        found += [v for v in check_plan_change(old=before.plan, new=plan) if v.rule == "SUB-2"]
    group = code_of(raw.get("group"), GROUP_ALIASES)
    if not group and not found and collection is not None:
        group = (
            group_for(
                plan=plan,
                remaining=total - delivered,
                today=today,
                suspend_on=suspend_on,
                base_per_month=collection.base_per_month,
                accelerated_per_month=collection.accelerated_per_month,
            )
            or ""
        )
    if not group:
        if plan in PLANS and collection is not None:
            found.append(
                violation(
                    "SUB-1",
                    "group",
                    "Give the group: the collection has no delivery rate to derive it.",
                )
            )
    elif plan in PLANS:
        sub_2 = any(f.rule == "SUB-2" for f in found)  # say it once per row
        found += [
            v for v in check_group(plan=plan, group=group) if not (sub_2 and v.rule == "SUB-2")
        ]
    elif group not in GROUPS:
        found.append(violation("input", "group", "Unknown group %(code)s.", code=group[:40]))
    if found:
        return RowCheck(None, found)
    return RowCheck(
        Row(
            number=number,
            name=name,
            phone=phone,
            email=email,
            collection=code,
            plan=plan,
            issues_total=total,
            issues_delivered=delivered,
            group=group,
            suspend_on=suspend_on,
        )
    )


def check_rows(
    rows: Sequence[Mapping[str, Any]],
    *,
    collections: Mapping[str, CollectionFacts],
    existing: Mapping[str, ExistingFacts],
    today: date,
) -> list[RowCheck]:
    """Every row checked, and a number given twice refused on each of its rows (X-10:
    one subscription, one row)."""
    checks = [
        check_row(raw, collections=collections, existing=existing, today=today) for raw in rows
    ]
    counts: dict[str, int] = {}
    for raw in rows:
        number = text_of(raw.get("number"))
        if number:
            counts[number] = counts.get(number, 0) + 1
    for raw, check in zip(rows, checks, strict=True):
        number = text_of(raw.get("number"))
        if counts.get(number, 0) > 1:
            check.violations.append(
                violation(
                    "X-10",
                    "number",
                    "Subscription number %(number)s appears %(count)s times in the file.",
                    number=number,
                    count=counts[number],
                )
            )
            check.row = None
    return checks


def numbers_of(values: Iterable[Any]) -> list[int]:
    """Issue numbers from a form's multi-select or a text ("3, 5-7")."""
    out: list[int] = []
    for value in values:
        for part in re.split(r"[,;\s]+", str(value).strip()):
            if not part:
                continue
            if "-" in part[1:]:
                first, _, last = part.partition("-")
                a, b = parse_int(first), parse_int(last)
                if a is not None and b is not None and 0 < a <= b and b - a < MAX_ISSUES:
                    out.extend(range(a, b + 1))
                    continue
            n = parse_int(part)
            out.append(n if n is not None else -1)
    return out


def outcome_counts(outcomes: Collection[str]) -> dict[str, int]:
    """SUB-6: the registry's outcome columns for one subscription: 1 = yes, 0 = no."""
    return {code: int(code in outcomes) for code in OUTCOMES}
