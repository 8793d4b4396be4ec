"""SUB-3/SUB-4/SUB-6: a contact with an unhappy subscriber. What a contact's outcome may
name (the issues bought), the partner's decision on a refund, and the registry's outcome
columns of one subscription."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from dozvon.core import limits
from dozvon.core.errors import Violation, violation
from dozvon.subscriptions.rules.plans import remaining_issues
from dozvon.subscriptions.rules.vocabulary import (
    BOUGHT_ALL,
    BUYING,
    CANCELLED,
    OUTCOMES,
    STAYED,
)

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


def outcome_counts(outcomes: Collection[str]) -> dict[str, int]:
    """SUB-6: the registry's outcome columns for one subscription: 1 = yes, 0 = no."""
    return {code: int(code in outcomes) for code in OUTCOMES}
