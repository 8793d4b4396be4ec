"""DUN-4: the emails an operator sends from the DUN panel (bank details, a bonus offer),
guarded against the same email twice in a row (a double click, a form sent again): the
order is locked, so two identical requests run one after the other, and the second finds
the email the first queued and answers with it (`dunning.contact_rules.repeats_last_email`).
Everything else — DUN-7's calls and comment, DUN-1/2's bonus of the week, X-9's address,
the outbox — is `messaging.services.message_send_now`, called inside this transaction."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from dozvon.calls.models import CallAttempt
from dozvon.dunning import contact_rules
from dozvon.history.models import TimelineEntry, TimelineKind
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.rendering import TemplateRefused
from dozvon.messaging.services import MANUAL, message_send_now, offered_bonus, template_for
from dozvon.orders.models import Order
from dozvon.orders.services.base import lock_order
from dozvon.projects.access import WORK


def _last_sent(order: Order) -> OutboxMessage | None:
    """The order's latest email an operator sent (any template; `outbox_order` index)."""
    return (
        OutboxMessage.objects.filter(order=order, reason__startswith=MANUAL).order_by("-id").first()
    )


def _worked_since(order: Order, since: datetime) -> bool:
    """A call or a comment on the order after `since` (DUN-7: a new conversation)."""
    return (
        CallAttempt.objects.filter(order=order, started_at__gt=since).exists()
        or TimelineEntry.objects.filter(
            order=order, kind=TimelineKind.COMMENT, at__gt=since
        ).exists()
    )


def _percent(order: Order, template: str, asked: int | None) -> int | None:
    """The bonus % the email would offer (the template's fixed one, else the one asked)."""
    chosen = template_for(order.project, template)
    if chosen is None:
        return asked
    try:
        return offered_bonus(chosen, asked)
    except TemplateRefused:  # message_send_now refuses it, saying why
        return asked


@transaction.atomic
def dun_email_send(
    *, order_id: int, template: str, bonus_percent: int | None = None, actor, now: datetime
) -> tuple[OutboxMessage, bool]:
    """DUN-4: send the bank details or a bonus offer now; (the message, True when queued
    now). The same email as the order's latest one, moments ago and with no call or
    comment since, is not sent again: the answer is that message (False). Refusals as
    `message_send_now` (RuleViolations: DUN-7, DUN-1/2, X-9; COD-9 another's claim)."""
    order = lock_order(order_id=order_id, actor=actor, action=WORK)
    last = _last_sent(order)
    if last is not None:
        sent = contact_rules.SentEmail(last.template, last.bonus_percent, last.created_at)
        repeated = contact_rules.repeats_last_email(
            last=sent,
            template=template,
            bonus_percent=_percent(order, template, bonus_percent),
            worked_since=_worked_since(order, last.created_at),
            now=now,
        )
        if repeated:
            return last, False
    return message_send_now(
        order_id=order.pk, template=template, bonus_percent=bonus_percent, actor=actor, now=now
    )
