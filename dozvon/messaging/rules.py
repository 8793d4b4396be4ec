"""X-9 and DUN-4 as pure functions: what may be sent, when to try again, and whether a
mail server's refusal is final. No ORM, no clock, no I/O."""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.headerregistry import Address
from email.utils import parseaddr

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from dozvon.core.errors import Violation, violation

# X-9 "retried on failure, never lost": temporary failures are tried again after these
# delays (the last one repeats) until MAX_ATTEMPTS, then the message fails visibly.
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360)
MAX_ATTEMPTS = 10
DEFAULT_BONUS_PERCENTS = (15, 25)  # DUN-4 offers; a playbook may name its own


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (1, 5, 15, 60 … minutes)."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return timedelta(minutes=BACKOFF_MINUTES[index])


@dataclass(frozen=True)
class Failure:
    permanent: bool
    reason: str


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def smtp_failure(exc: BaseException) -> Failure:
    """Whether sending failed for good (the server refused this recipient or this message,
    a 5xx; the address cannot be written) or may work later (the server is down, slow,
    said 4xx, or refused our own configuration: sender, login)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        reason = "; ".join(f"{code} {_text(msg)}" for code, msg in answers)
        return Failure(bool(answers) and all(code >= 500 for code, _ in answers), reason)
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError)):
        return Failure(False, f"{exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPDataError):
        return Failure(exc.smtp_code >= 500, f"{exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        return Failure(False, f"{exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, (smtplib.SMTPException, socket.timeout, ssl.SSLError, OSError)):
        return Failure(False, f"{type(exc).__name__}: {exc}")
    if isinstance(exc, (ValueError, UnicodeError)):  # an address Django cannot write
        return Failure(True, f"{type(exc).__name__}: {exc}")
    return Failure(False, f"{type(exc).__name__}: {exc}")


def recipient_problems(email: str) -> list[Violation]:
    """X-9: an email goes to the customer's address, which must be there and valid."""
    if not email:
        return [violation("X-9", "customer.email", "The customer has no email address.")]
    try:
        validate_email(email)
    except ValidationError:
        return [violation("X-9", "customer.email", "The customer's email address is invalid.")]
    return []


def bonus_problems(
    *, uses_bonus: bool, bonus_percent: int | None, allowed: Sequence[int], rule: str
) -> list[Violation]:
    """DUN-4: a bonus offer names one of the playbook's percentages; other emails none."""
    if uses_bonus and bonus_percent is None:
        return [violation(rule, "bonus_percent", "Choose the bonus percent of this offer.")]
    if bonus_percent is not None and bonus_percent not in allowed:
        return [
            violation(
                rule,
                "bonus_percent",
                "The bonus can be %(allowed)s %%.",
                allowed=", ".join(str(p) for p in allowed),
            )
        ]
    return []


@dataclass(frozen=True)
class Sender:
    """Who a project's emails come from, as customers and partners read it."""

    name: str  # the public name: the signature's `shop_name` and the From header's name
    address: str
    reply_to: str

    @property
    def header(self) -> str:
        """The From header: «Аптека Здоровье <orders@apteka.example>», or the address."""
        if not self.name:
            return self.address
        return str(Address(display_name=self.name, addr_spec=self.address))


def public_sender(
    *, sender_name: str = "", from_email: str = "", reply_to: str = "", default_from: str
) -> Sender:
    """X-9: a project's public sender — its mail settings' name and address, each falling
    back to the server's `DEFAULT_FROM_EMAIL` (name and address), never to the project's
    internal name ("… (демо)"), which customers do not know (issue 24 item 4)."""
    default_name, default_address = parseaddr(default_from)
    return Sender(
        name=(sender_name or "").strip() or default_name,
        address=(from_email or "").strip() or default_address,
        reply_to=(reply_to or "").strip(),
    )
