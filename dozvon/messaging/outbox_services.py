"""X-9 the outbox: writing a message row, queueing an email not about an order (`message_queue_to`,
SUB-1), a supervisor's "send again" (`message_retry`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop as N_

from dozvon.audit.services import audit_record
from dozvon.core.errors import NotFound, RuleViolations
from dozvon.core.outbox_rules import retry_problems
from dozvon.messaging import rules
from dozvon.messaging.models import KEY, MailSettings, MessageState, OutboxMessage
from dozvon.messaging.rendering import (
    free_context,
    render,
)
from dozvon.messaging.sending import OUTBOX
from dozvon.messaging.template_services import _template_problems
from dozvon.orders.models import Order
from dozvon.orders.services.events import Event, Line, record
from dozvon.projects.access import SUPERVISE, ensure_can


def new_message_id() -> str:
    """A Message-ID generated once per message: `<uuid@host>` (settings)."""
    return f"<{uuid4().hex}@{settings.EMAIL_MESSAGE_ID_HOST}>"


def project_sender(mail_settings: MailSettings | None) -> rules.Sender:
    """X-9: the project's public sender (its mail settings, else DEFAULT_FROM_EMAIL)."""
    return rules.public_sender(
        sender_name=mail_settings.sender_name if mail_settings else "",
        from_email=mail_settings.from_email if mail_settings else "",
        reply_to=mail_settings.reply_to if mail_settings else "",
        default_from=settings.DEFAULT_FROM_EMAIL,
    )


def _outbox_insert(
    *, project, order, chosen, name, reason, bonus, to, mail_settings, rendered, key, actor, now
) -> tuple[OutboxMessage, bool]:
    """Write one outbox row, rendered and addressed; (the row, True), or the row a
    concurrent twin with the same idempotency key wrote first (the row, False)."""
    sender = project_sender(mail_settings)
    message = OutboxMessage(
        project=project,
        order=order,
        template=chosen.code,
        name=name[:200],
        language=chosen.language,
        reason=reason[:100],
        bonus_percent=bonus,
        to=to,
        from_email=sender.header,
        reply_to=sender.reply_to,
        subject=rendered.subject[:300],
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        next_attempt_at=now,
        message_id=new_message_id(),
        idempotency_key=key,
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
    )
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin leaves ours usable
            message.save(force_insert=True)
    except IntegrityError:
        return OutboxMessage.objects.get(idempotency_key=key), False
    return message, True


# --- messages that are not about an order (SUB-1) ----------------------------------------


def message_queue_to(
    *,
    project,
    to: str,
    customer_name: str,
    template: str,
    key: str,
    context: Mapping[str, Any] | None = None,
    actor,
    now: datetime,
) -> tuple[OutboxMessage, bool]:
    """Queue the project's email `template` to `to`, a message not tied to an order (SUB-1:
    the information email of an accelerated subscriber); (the message, True when queued
    now). Inside the caller's transaction, like `message_queue`: the send task is enqueued
    with the row. Idempotent by `key` (the caller's, e.g. "subscription:17/inform"): the
    same key again answers with the message it queued.

    The template sees the allow-listed context only (`rendering.free_context`): the
    customer's name, the project's shop name and bank details, and those of `context`'s
    names that are plain values on the allow-list (subscription_number, collection_name,
    plan_name, remaining_issues, suspend_on, …). RuleViolations (X-9) when the project has
    no usable template or the address is missing or invalid; nothing is written then."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("message_queue_to runs in the caller's transaction")
    if not key or len(key) > KEY:
        raise ValueError(f"an idempotency key of 1 to {KEY} characters, not {key!r}")
    existing = OutboxMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, False
    address = (to or "").strip()
    chosen, found = _template_problems(project, template)
    found = rules.recipient_problems(address) + found
    if found:
        raise RuleViolations(found)
    mail_settings = MailSettings.objects.filter(project=project).first()
    values = free_context(
        project=project, customer_name=customer_name, mail_settings=mail_settings, values=context
    )
    rendered = render(chosen, values)
    bonus = values["bonus_percent"] if isinstance(values["bonus_percent"], int) else None
    message, created = _outbox_insert(
        project=project,
        order=None,
        chosen=chosen,
        name=chosen.name,
        reason=key,
        bonus=bonus,
        to=address,
        mail_settings=mail_settings,
        rendered=rendered,
        key=key,
        actor=actor,
        now=now,
    )
    if not created:
        return message, False
    audit_record(
        actor=actor,
        action=Event.MESSAGE_QUEUED.value,
        target_type="outboxmessage",
        target_id=message.pk,
        project=project,
        changes={
            "message": message.pk,
            "template": template,
            "name": message.name,
            "to": address,
            "key": key,
            "message_id": message.message_id,
        },
        now=now,
    )
    OUTBOX.enqueue(message.pk)  # the task row commits (or not) with the message
    return message, True


# --- a supervisor sends again ---------------------------------------------------------------


@transaction.atomic
def message_retry(*, message_id: int, actor, now: datetime) -> OutboxMessage:
    """X-9: a supervisor of the message's project sends again a failed email, or sends now
    one waiting for its next attempt: queued, due now, its attempts counted afresh (the
    ones before are in the audit row), the send task enqueued in this transaction, a
    timeline line "queued again by …" on its order. The worker's claim keeps it to one
    send even when an older task of the message wakes up later. NotFound outside the
    user's projects, Forbidden for a role other than supervisor, RuleViolations (X-9,
    `state`) for a message already sent or being sent."""
    message = (
        OutboxMessage.objects.select_for_update()
        .select_related("project")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise NotFound()
    ensure_can(actor, message.project, SUPERVISE)
    refused = retry_problems(
        state=message.state,
        next_attempt_at=message.next_attempt_at,
        claimed_until=message.claimed_until,
        now=now,
    )
    if refused:
        raise RuleViolations(refused)
    before = {
        "state_before": message.state,
        "attempts_before": message.attempts,
        "error_before": message.last_error[:500],
    }
    # compare-and-set (on SQLite the row lock above is a no-op, STACK-NOTES): queued, due
    # now, its send task enqueued in this transaction
    if not OUTBOX.requeue(message.pk, now=now, attempts=0):
        raise RuleViolations(
            retry_problems(
                state=MessageState.SENT, next_attempt_at=now, claimed_until=None, now=now
            )
        )
    message.refresh_from_db()
    data = {
        "message": message.pk,
        "template": message.template,
        "name": message.name,
        "to": message.to,
        "actor": actor.get_username() if getattr(actor, "pk", None) else "",
    }
    changes = {**data, **before, "retry": True, "message_id": message.message_id}
    if message.order_id is not None:
        order = Order.objects.select_related("project").get(pk=message.order_id)
        line = Line(N_('Email "%(name)s" to %(to)s queued again by %(actor)s'), data, kind="auto")
        record(
            Event.MESSAGE_QUEUED, order=order, actor=actor, now=now, lines=[line], changes=changes
        )
    else:
        audit_record(
            actor=actor,
            action=Event.MESSAGE_QUEUED.value,
            target_type="outboxmessage",
            target_id=message.pk,
            project=message.project,
            changes=changes,
            now=now,
        )
    return message
