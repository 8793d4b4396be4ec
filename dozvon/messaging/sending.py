"""X-9 "sent in the background, retried on failure, never lost and never sent twice":
the worker's side of the outbox.

`outbox_send` sends one queued message:
1. claims it with a compare-and-set UPDATE (correct on SQLite and PostgreSQL alike,
   STACK-NOTES): queued, due, and nobody's live claim → our claim token, a lease, one more
   attempt. A message already sent, failed, not yet due or being sent elsewhere is left.
2. sends it over SMTP *outside* any transaction (no row or SQLite write lock is held
   while a mail server thinks), with the Message-ID generated when it was queued;
3. writes the result under the same claim token: sent, failed for good (5xx for this
   recipient or message: + an `auto` line with the reason), or queued again after a
   backoff with its task enqueued in that transaction. "Sent" is two steps (issue 25):
   3a, right after the server's 250 and before the QUIT, one UPDATE in its own short
   transaction marks the message sent (a database away at that moment is waited for,
   up to half the lease); 3b then writes the `message` timeline line, once, clearing the
   claim token kept for it.

Only a worker that dies between the server's "250 OK" and the commit of 3a (one UPDATE:
milliseconds) leaves the message queued with its claim to expire; `outbox_sweep` (every
few minutes) then clears it and enqueues it again: it is sent once more with the same
Message-ID, which receivers and mail clients use to drop the repeat. A worker that dies
between 3a and 3b leaves a sent message without its line: the sweep writes it. The sweep
also re-enqueues a queued message whose task was lost (nobody claimed it long after it
was due). Never lost; at most a rare duplicate with one Message-ID (docs/outbox.md).

The claim, its lease and the sweep's take-backs are the outbox recipe shared with the
partner webhooks (`dozvon.core.outbox`, `OUTBOX` below); what is the email's own is here:
the SMTP conversation, "sent" marked before the QUIT, and the timeline lines.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from dozvon.core import clock
from dozvon.core.outbox import Outbox
from dozvon.core.worker import Backoff, retry_while_database_away
from dozvon.history.models import TimelineKind
from dozvon.messaging.models import MessageState, OutboxMessage
from dozvon.messaging.rules import MAX_ATTEMPTS, Failure, retry_delay, smtp_failure
from dozvon.orders.models import Order
from dozvon.orders.services.events import Event, Line, record

log = logging.getLogger(__name__)

RECORD_GRACE = timedelta(minutes=1)  # sent, its timeline line not written this long: lost


def lease() -> timedelta:
    """How long a claim keeps other workers off: far longer than one SMTP conversation
    (each step of which times out after EMAIL_TIMEOUT)."""
    return timedelta(seconds=max(300, 20 * (settings.EMAIL_TIMEOUT or 10)))


OUTBOX = Outbox(OutboxMessage, "dozvon.messaging.tasks.send_message", lease)
LOST_AFTER = OUTBOX.lost_after  # queued, unclaimed and this long overdue: task lost


def _email(message: OutboxMessage, connection=None) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=[message.to],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={"Message-ID": message.message_id},
        connection=connection or get_connection(fail_silently=False),
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def outbox_send(*, message_id: int, connection=None, now: datetime | None = None) -> str:
    """Send one queued message if it is due and nobody else is sending it; what happened:
    "sent", "retry", "failed" or "skipped". `connection` and `now`: another email backend
    than the settings' and a fixed time (the demo's seeded history, messaging/demo.py);
    the worker passes neither."""

    def at() -> datetime:
        return now or clock.now()

    token = OUTBOX.claim(message_id, now=at())
    if token is None:
        return "skipped"
    message = OutboxMessage.objects.get(pk=message_id)
    if message.attempts > MAX_ATTEMPTS:
        reason = message.last_error or "no more attempts"
        return _fail(message, token, Failure(True, reason), now=at())
    smtp = connection or get_connection(fail_silently=False)
    try:
        # opened here, so that sending leaves it open: the message is marked sent right
        # after the server's 250, before the QUIT exchange (issue 25: the window narrowed)
        smtp.open()
        _email(message, smtp).send()
    except Exception as exc:  # noqa: BLE001 - every failure is classified and recorded
        _close(smtp)
        failure = smtp_failure(exc)
        log.warning("message %s: %s (%s)", message.pk, failure.reason, type(exc).__name__)
        if failure.permanent or message.attempts >= MAX_ATTEMPTS:
            return _fail(message, token, failure, now=at())
        return _retry(message, token, failure, now=at())
    try:
        marked = _mark_sent(message, token, now=at())
    finally:
        _close(smtp)
    if not marked:
        return "skipped"
    _record_sent(message, token, now=at())
    return "sent"


def _close(smtp) -> None:
    try:
        smtp.close()
    except Exception:  # noqa: BLE001 - the email is sent or classified already
        log.info("closing the mail connection failed", exc_info=True)


def _mark_sent(message: OutboxMessage, token: str, *, now: datetime) -> bool:
    """Step 3a, right after the server's 250: one UPDATE in its own short transaction
    (autocommit), nothing else: state sent, the claim token kept until the timeline line
    is written (`_record_sent`). A database away at that moment is waited for (within
    half the claim's lease) rather than leaving the sent email to be sent again."""
    deadline = time.monotonic() + lease().total_seconds() / 2

    def mark() -> int:
        return OUTBOX.mine(message.pk, token).update(
            state=MessageState.SENT, sent_at=now, claimed_until=None, last_error=""
        )

    done = retry_while_database_away(
        mark,
        what=f"message {message.pk} sent, marking it",
        backoff=Backoff(max_delay=10),
        keep_going=lambda: time.monotonic() < deadline,
    )
    if done is None:  # the database stayed away: the sweep will send it again
        raise OutboxMarkLost(message.pk)
    return bool(done)


class OutboxMarkLost(RuntimeError):
    """The server accepted the email, but the database stayed away until the claim's
    half-lease: it will be sent again (same Message-ID) after the claim expires."""


def _order(message: OutboxMessage) -> Order | None:
    if message.order_id is None:
        return None
    return Order.objects.select_related("project").get(pk=message.order_id)


def _data(message: OutboxMessage) -> dict:
    return {
        "message": message.pk,
        "template": message.template,
        "name": message.name,
        "to": message.to,
        "message_id": message.message_id,
        "attempts": message.attempts,
    }


def _sent_unrecorded(message_pk: int):
    return OutboxMessage.objects.filter(pk=message_pk, state=MessageState.SENT).exclude(
        claim_token=""
    )


def _record_sent(message: OutboxMessage, token: str, *, now: datetime) -> bool:
    """Step 3b: the `message` timeline line of a sent message, once (compare-and-set on
    the kept claim token). The sweep calls it for a message whose worker died between
    3a and 3b."""
    with transaction.atomic():
        done = _sent_unrecorded(message.pk).filter(claim_token=token).update(claim_token="")
        order = _order(message) if done else None
        if order is not None:
            data = _data(message)
            # a `message` line is shown as written: in the site's language, like calls'
            with translation.override(settings.LANGUAGE_CODE):
                text = gettext('Email "%(name)s" sent to %(to)s') % data
            record(
                Event.MESSAGE_SENT,
                order=order,
                actor=None,
                now=now,
                lines=[Line(text, data, kind=TimelineKind.MESSAGE)],
            )
    return bool(done)


def _fail(message: OutboxMessage, token: str, failure: Failure, *, now: datetime) -> str:
    with transaction.atomic():
        done = OUTBOX.release(
            message.pk, token, state=MessageState.FAILED, last_error=failure.reason[:2000]
        )
        order = _order(message) if done else None
        if order is not None:
            data = {**_data(message), "error": failure.reason[:500]}
            record(
                Event.MESSAGE_FAILED,
                order=order,
                actor=None,
                now=now,
                lines=[
                    Line(
                        N_('Email "%(name)s" to %(to)s was not delivered: %(error)s'),
                        data,
                        kind=TimelineKind.AUTO,
                    )
                ],
            )
    return "failed" if done else "skipped"


def _retry(message: OutboxMessage, token: str, failure: Failure, *, now: datetime) -> str:
    at = now + retry_delay(message.attempts)
    done = OUTBOX.retry(message.pk, token, at=at, last_error=failure.reason[:2000])
    return "retry" if done else "skipped"


def outbox_sweep(*, now: datetime) -> int:
    """Enqueue again the queued messages whose sending was lost: claimed by a worker whose
    lease ran out (it died mid-send), or never claimed LOST_AFTER past their due time (the
    task row is gone); and write the timeline line of a message sent by a worker that died
    before writing it (step 3b). How many were enqueued."""
    enqueued = OUTBOX.sweep(now=now)
    for message in OutboxMessage.objects.filter(
        state=MessageState.SENT, sent_at__lt=now - RECORD_GRACE
    ).exclude(claim_token="")[: OUTBOX.batch]:
        if _record_sent(message, message.claim_token, now=message.sent_at):
            log.warning("message %s: sent, its timeline line was lost; written now", message.pk)
    return enqueued
