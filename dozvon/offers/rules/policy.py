"""NBO-6: balance adjustments and the discount policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dozvon.core.errors import Violation, violation
from dozvon.core.limits import COMMENT
from dozvon.core.money import display_money, money
from dozvon.offers.rules.vocabulary import (
    APPLIED,
    CATEGORIES,
    PENDING,
    REASON_MAX,
    REJECTED,
    SUBJECT_MAX,
    clean,
)

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
    """An amount as typed ("150,00", "150.5", 150) in kopecks (`core.money.money`); None
    for anything else, including what no amount can be (NaN, 1e30)."""
    if isinstance(value, bool):
        return None
    try:
        return money(str(value).strip().replace(",", "."))
    except ValueError:
        return None


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
    currency: str = "",
) -> list[Violation]:
    """NBO-6: a known category, a positive amount within the policy's limit for the
    actor's role, a reason, the customer's consent, and the interaction's short subject
    line and detailed comment (both required). A refusal names the limit as people read
    money, in `currency` ("1 500 ₽")."""
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
                    limit=display_money(limit, currency),
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
