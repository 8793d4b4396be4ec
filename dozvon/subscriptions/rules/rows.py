"""X-10 (with X-3/X-4, SUB-1/SUB-2): the rows of an import or an API request. Each row is
checked against the collections and the subscriptions its number already names, and
cleaned into a `Row` for the service to write; a number given twice is refused."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dozvon.core import limits
from dozvon.core.errors import Violation, violation
from dozvon.customers.rules import check_email, check_phone
from dozvon.subscriptions.rules.parsing import code_of, parse_date, parse_int, text_of
from dozvon.subscriptions.rules.plans import check_group, check_plan_change, group_for
from dozvon.subscriptions.rules.vocabulary import (
    COLLECTION_CODE_MAX,
    GROUP_ALIASES,
    GROUPS,
    MAX_ISSUES,
    NUMBER_MAX,
    PLAN_ALIASES,
    PLANS,
)

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
