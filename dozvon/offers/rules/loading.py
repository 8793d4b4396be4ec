"""Loading campaigns and eligibility (API, XLSX/CSV)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dozvon.core.errors import Violation, violation
from dozvon.core.limits import CODE, COMMENT, PRODUCT_NAME
from dozvon.customers.rules import check_phone
from dozvon.offers.rules.eligibility import (
    CampaignFacts,
)
from dozvon.offers.rules.vocabulary import (
    CODE_RE,
    LIST_MAX,
    PRIORITY_MAX,
    TARIFF_MAX,
    clean,
)

# --- loading campaigns and eligibility (API, XLSX/CSV) ------------------------------------


def _bad_priority(at: str):
    """NBO-1: a campaign's or an eligibility row's priority that is not 1…PRIORITY_MAX."""
    return violation(
        "NBO-1",
        f"{at}priority",
        "The priority is a whole number 1…%(max)s (1 first).",
        max=PRIORITY_MAX,
    )


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
        found.append(_bad_priority(at))
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


def as_phone(value: Any) -> str:
    """A phone from JSON or a cell: text as typed; a number cell (a spreadsheet keeps
    79161234567 as a number, sometimes as 79161234567.0) as its digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(value)


@dataclass(frozen=True)
class EligibilityRow:
    phone: str  # as given; the service keeps it as `phone_key` normalises it
    offer: str
    priority: int | None
    tariff: str
    services: tuple[str, ...]


def check_eligibility_row(
    row: Mapping[str, Any], *, known: Collection[str], at: str = ""
) -> tuple[EligibilityRow, list[Violation]]:
    """NBO-1: a number's offer as loaded: phone (X-4, checked as everywhere: any common
    format of a real number), offer (a known campaign code), its priority for this number
    (optional), the number's tariff and services (NBO-4)."""
    found: list[Violation] = []
    phone = as_phone(row.get("phone"))
    found += check_phone(phone, field=f"{at}phone")
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
            found.append(_bad_priority(at))
    tariff = clean(row.get("tariff"))
    if len(tariff) > TARIFF_MAX:
        found.append(violation("input", f"{at}tariff", "The tariff is too long."))
    services = _check_list(row.get("services"), at, "services", found)
    return EligibilityRow(phone, offer, priority, tariff, services), found
