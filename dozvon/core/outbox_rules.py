"""X-9 as a pure function, for every outbox (the email outbox, the partner webhooks): what
a supervisor may send again. No ORM, no clock, no I/O."""

from __future__ import annotations

from datetime import datetime

from dozvon.core.errors import Violation, violation


def retry_problems(
    *,
    state: str,
    next_attempt_at: datetime,
    claimed_until: datetime | None,
    now: datetime,
    rule: str = "X-9",
) -> list[Violation]:
    """X-9 "retried on failure": a supervisor may send again a message (an email, a webhook
    delivery) that failed for good, or send now one waiting for its next attempt; not one
    already sent, nor one due now or being sent (its worker is at it)."""
    waiting = (
        state == "queued"
        and next_attempt_at > now
        and (claimed_until is None or claimed_until < now)
    )
    if state == "failed" or waiting:
        return []
    return [
        violation(
            rule,
            "state",
            "Only a failed message, or one waiting for its next attempt, can be sent again.",
        )
    ]
