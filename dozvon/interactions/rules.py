"""Pure rules of inbound interactions (X-4, X-6, SUB, NBO): no ORM, no clock.

Values in, a list of `core.errors.Violation` out (every broken rule at once). The allowed
codes (lines, directions, transfer targets) are passed in by the service from the
model's choices, so this module stays free of Django models.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from dozvon.core.errors import N_, Violation, violation
from dozvon.core.limits import COMMENT
from dozvon.customers.rules import check_phone

FIRST_LINE = "first"  # the default line, as `models.Line.FIRST`
SUBJECT_MAX = 200
OWN_LINE = {
    FIRST_LINE: N_("An operator records interactions on their own line: the first line."),
    "second": N_("An operator records interactions on their own line: the second line."),
}  # NBO-6: "a short subject", e.g. "credit for offer X"


def clean(text: str | None) -> str:
    """Text as it is kept: surrounding whitespace dropped, None as empty."""
    return (text or "").strip()


def check_start(
    *,
    phone: str,
    line: str,
    lines: Collection[str],
    direction: str,
    directions: Collection[str],
) -> list[Violation]:
    """An interaction begins with the caller's number (X-4: a real number, checked as
    everywhere by `customers.rules.check_phone`; the caller need not be a known customer)
    taken on one of the operator lines (X-2)."""
    found = check_phone(phone, field="phone")
    if line not in lines:
        found.append(violation("X-2", "line", "Unknown operator line %(code)s.", code=line))
    if direction not in directions:
        found.append(violation("input", "direction", "Unknown direction %(code)s.", code=direction))
    return found


def line_of(*, stated: str | None, own: str | None) -> tuple[str, list[Violation]]:
    """X-2/NBO-3: the line an interaction is taken on. An operator's is the operator's own
    line (`own`, from the membership): left out it is taken from there, and a different one
    is refused (a first-line operator's interaction leaves neither the offer KPI, nor a
    second-line one makes offers). Anyone else (a supervisor, an integration) states it,
    the first line when not."""
    if own is None:
        return (stated or FIRST_LINE), []
    if stated and stated != own:
        return own, [violation("X-2", "line", OWN_LINE.get(own, OWN_LINE[FIRST_LINE]))]
    return own, []


def check_text(text: str, *, field: str = "text", rule: str = "X-6") -> list[Violation]:
    """A comment line of the history: present and within the column's size."""
    if not text:
        return [violation(rule, field, "Write the comment text.")]
    if len(text) > COMMENT:
        return [violation(rule, field, "The comment is too long.")]
    return []


def check_finish(
    *,
    subject: str,
    comment: str,
    transferred_to: str,
    transfers: Collection[str],
) -> list[Violation]:
    """X-6 (NBO-6): a finished interaction records a short subject and a detailed comment;
    a transfer names a known target (NBO-3)."""
    found: list[Violation] = []
    if not subject:
        found.append(violation("X-6", "subject", "Write the subject of the interaction."))
    elif len(subject) > SUBJECT_MAX:
        found.append(
            violation(
                "X-6", "subject", "The subject is too long (%(max)s at most).", max=SUBJECT_MAX
            )
        )
    found += check_text(comment, field="comment")
    if transferred_to not in transfers:
        found.append(
            violation(
                "X-6", "transferred_to", "Unknown transfer target %(code)s.", code=transferred_to
            )
        )
    return found


def may_change(*, operator_id: int | None, actor_id: int, supervising: bool) -> bool:
    """X-2: the operator who took the interaction records it; a supervisor may correct it;
    an interaction nobody took (a PBX started it) is anyone's on the project."""
    return supervising or operator_id is None or operator_id == actor_id


def changes_of(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose value differs, as (old, new), in the order of `new`."""
    return {name: (old.get(name), value) for name, value in new.items() if old.get(name) != value}
