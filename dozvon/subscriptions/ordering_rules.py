"""SUB-4: which issues an order placed during the call may hold — pure (no ORM)."""

from __future__ import annotations

from collections.abc import Sequence

from dozvon.core.errors import Violation, violation

RULE = "SUB-4"
FIELD = "issues"


def check_order_issues(
    issues: Sequence[int], *, purchasable: Sequence[int]
) -> tuple[list[int], list[Violation]]:
    """The issues to order (sorted, one unit each) or every refusal: at least one, none
    twice, each a remaining issue not bought or ordered before."""
    given = list(issues or [])
    if not given:
        return [], [violation(RULE, FIELD, "Choose the issues to order.")]
    found: list[Violation] = []
    if len(set(given)) != len(given):
        found.append(violation(RULE, FIELD, "An issue is named twice."))
    allowed = set(purchasable)
    wrong = sorted({n for n in given if n not in allowed})
    if wrong:
        found.append(
            violation(
                RULE,
                FIELD,
                "Issues %(numbers)s are not among the remaining ones or were bought before.",
                numbers=", ".join(map(str, wrong)),
            )
        )
    return ([] if found else sorted(set(given))), found
