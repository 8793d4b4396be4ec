"""SUB-1/SUB-2: plans and groups. A subscription never goes back from the accelerated to
the base plan; its group says whether it finishes before the suspension date, computed
from the remaining issues and the collection's delivery rates."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from dozvon.core.errors import Violation, violation
from dozvon.subscriptions.rules.vocabulary import (
    ACCELERATED,
    BASE,
    DAYS_PER_MONTH,
    GREEN,
    GROUPS,
    PINK,
    PLANS,
    STATUSES,
    UNTOUCHED,
)

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
