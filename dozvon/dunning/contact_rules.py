"""DUN's rules about contacting the customer (pure, no ORM): when an order is exhausted
(DUN-8), when "emails only" may be chosen (DUN-8), and when an email is the one just sent
again (DUN-4). Beside `rules.py`, which holds the bonus, postponement, comment and calling
rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dozvon.core.errors import Violation, violation

# --- DUN-8: exhausted orders ----------------------------------------------------------------

CONTACTS_LIMIT = 7


def contacts_exhausted(*, emails: int, calls: int, more_than: int = CONTACTS_LIMIT) -> bool:
    """DUN-8: more than `more_than` emails + call attempts: no point working it further."""
    return emails + calls > more_than


def check_exhausted(
    *, emails: int, calls: int, more_than: int = CONTACTS_LIMIT, rule_id: str = "DUN-8"
) -> list[Violation]:
    """DUN-8: cancelling an order as exhausted (after the final +25 % offer) needs more
    than `more_than` emails + call attempts."""
    if contacts_exhausted(emails=emails, calls=calls, more_than=more_than):
        return []
    return [
        violation(
            rule_id,
            "reason",
            "Cancelled as exhausted only after more than %(limit)s emails and calls; so far "
            "%(count)s.",
            limit=more_than,
            count=emails + calls,
        )
    ]


def check_emails_only(*, email: str, rule_id: str = "DUN-8") -> list[Violation]:
    """DUN-8: an unreachable number gets emails instead of calls, so marking the order
    "emails only" needs the customer's email address (X-9: the one an email goes to)."""
    if (email or "").strip():
        return []
    return [
        violation(
            rule_id,
            "customer.email",
            'The customer has no email address: "emails only" would leave the order with '
            "no way to reach them. Add the email first.",
        )
    ]


# --- DUN-4: the same email twice in a row -----------------------------------------------------

# a second identical email this soon after the first, with nothing done in between, is the
# same request twice (a double click, a browser resending the form), not a new offer
REPEAT_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class SentEmail:
    """An email an operator sent on the order: which, at which bonus %, when."""

    template: str
    bonus_percent: int | None
    at: datetime


def repeats_last_email(
    *,
    last: SentEmail | None,
    template: str,
    bonus_percent: int | None,
    worked_since: bool,
    now: datetime,
    window: timedelta = REPEAT_WINDOW,
) -> bool:
    """DUN-4: is this email the one just sent again? The order's latest email from an
    operator is the same template at the same bonus %, less than `window` ago, and no
    call or comment came after it (`worked_since`): the customer would get the same
    offer twice in a row. After a conversation, or later, sending it again is a choice."""
    if last is None or worked_since:
        return False
    same = last.template == template and last.bonus_percent == bonus_percent
    return same and now - last.at < window
