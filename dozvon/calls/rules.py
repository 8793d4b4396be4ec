"""X-8 pure call rules: what a recorded attempt must look like, whatever it belongs to
(an order or an interaction). No ORM, no clock: `now` is a parameter."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from dozvon.core.errors import Violation, violation
from dozvon.core.limits import MAX_CALL_SECONDS

# Clocks of a softphone, a PBX and the server disagree by a little.
CLOCK_SKEW = timedelta(minutes=5)


def check_call_attempt(
    *,
    result: str,
    results: Collection[str],
    duration_s: int,
    started_at: datetime,
    now: datetime,
    not_before: datetime,
    subject: str = "order",
    line: str = "",
    lines: Collection[str] = (),
) -> list[Violation]:
    """X-8: a known result, a duration within range, a start neither in the future nor
    before its subject (the order arrived, the interaction began) existed, and a caller
    line the project has (when one is given)."""
    found: list[Violation] = check_call_line(line, lines)
    if result not in results:
        found.append(violation("X-8", "result", "Unknown call result %(code)s.", code=result))
    if not 0 <= duration_s <= MAX_CALL_SECONDS:
        found.append(violation("X-8", "duration_s", "The call duration is out of range."))
    if started_at > now + CLOCK_SKEW:
        found.append(violation("X-8", "started_at", "A call cannot start in the future."))
    if started_at < not_before - CLOCK_SKEW:
        if subject == "interaction":
            found.append(violation("X-8", "started_at", "A call cannot precede the interaction."))
        else:
            found.append(violation("X-8", "started_at", "A call cannot precede the order."))
    return found


def check_call_line(line: str, lines: Collection[str]) -> list[Violation]:
    """X-8 (DUN-7): the caller line an attempt was made from is one of the project's
    (the playbook's `caller_lines`); no line is always accepted."""
    if not line or line in lines:
        return []
    if not lines:
        return [violation("X-8", "line", "This project has no caller lines.")]
    return [
        violation(
            "X-8",
            "line",
            "Unknown caller line %(code)s; the project's lines: %(lines)s.",
            code=line,
            lines=", ".join(lines),
        )
    ]
