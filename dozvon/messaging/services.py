"""X-9 messages, the writes: saving a template, queueing an email in the outbox (about an
order: `message_queue`, `message_send_now`; to any address: `message_queue_to`, SUB-1),
a supervisor's "send again" (`message_retry`).

`message_queue` runs inside the caller's transaction, on an order the caller has locked
(STYLE 4): it renders the template, writes the outbox row and enqueues the task that sends
it — a django-tasks-db row written in the same transaction, so a change that rolls back
leaves neither the message nor its task, and one that commits leaves both (never an
`on_commit` hook that a crash could skip). The same decision taken twice (an effect
applied again, a request repeated) finds the row its idempotency key names and queues
nothing more.

Templates live in `template_services`, the outbox rows, `message_queue_to` and
`message_retry` in `outbox_services`; their names are imported here too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop as N_

from dozvon.core import plugins
from dozvon.core.errors import RuleViolations, Violation
from dozvon.messaging import rules
from dozvon.messaging.models import MailSettings, MessageState, MessageTemplate, OutboxMessage
from dozvon.messaging.outbox_services import _outbox_insert
from dozvon.messaging.outbox_services import message_queue_to as message_queue_to
from dozvon.messaging.outbox_services import message_retry as message_retry
from dozvon.messaging.outbox_services import new_message_id as new_message_id
from dozvon.messaging.rendering import (
    TemplateRefused,
    message_context,
    render,
)
from dozvon.messaging.sending import OUTBOX
from dozvon.messaging.template_services import _template_problems
from dozvon.messaging.template_services import bonus_percents as bonus_percents
from dozvon.messaging.template_services import offered_bonus as offered_bonus
from dozvon.messaging.template_services import template_for as template_for
from dozvon.messaging.template_services import template_save as template_save
from dozvon.messaging.template_services import uses_bonus as uses_bonus
from dozvon.orders.models import Order
from dozvon.orders.services.base import ensure_claim_allows, lock_order
from dozvon.orders.services.events import Event, Line, record
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import WORK

MANUAL = "manual:"  # the reason of an email an operator sends, numbered per template
# DUN-1: the trigger whose run is the day an order entered the worklist (the playbook's
# `settings.bonus.entered_by` may name another)


# --- what the playbook's plug-in checks (MESSAGE_GUARDS) ----------------------------------


@dataclass(frozen=True)
class MessageGuard:
    """What a playbook's plug-in checks before its project's emails are queued, registered
    at `plugins.MESSAGE_GUARDS`; each returns the violations, none to allow, and either may
    be left out:

    - `operator_email(order, *, now)`: before an email an operator sends (DUN-7: today's
      calls and a comment after them first);
    - `bonus_offer(order, *, percent, now)`: an offer of `percent` % that names one of the
      project's percentages (DUN-1/2: the one the order's week of work allows)."""

    operator_email: Callable[..., list[Violation]] | None = None
    bonus_offer: Callable[..., list[Violation]] | None = None


def _guards(order: Order) -> list[MessageGuard]:
    """The guards of the order's project's playbook (none for a playbook without any)."""
    return plugins.for_playbook(plugins.MESSAGE_GUARDS, playbook_def(order.project.playbook))


# --- the outbox (rows written by outbox_services) ------------------------------------------


def idempotency_key(order_id: int | None, template: str, reason: str) -> str:
    key = f"order:{order_id}/{template}/{reason}"
    if len(key) <= OutboxMessage._meta.get_field("idempotency_key").max_length:
        return key
    return f"order:{order_id}/{template}/sha256:{hashlib.sha256(reason.encode()).hexdigest()}"


def _checked(
    order: Order, code: str, bonus: int | None, *, now: datetime
) -> tuple[MessageTemplate, int | None]:
    """The template to send and the bonus it offers; RuleViolations, every one at once,
    when it cannot be sent (X-9: no usable template, no valid address; DUN-4: bonus;
    DUN-1/2: the bonus of the order's week of work)."""
    chosen, refused = _template_problems(order.project, code)
    found = rules.recipient_problems((order.customer.email or "").strip()) + refused
    if chosen is not None and not refused and uses_bonus(chosen):
        bonus = offered_bonus(chosen, bonus)
        allowed, rule = bonus_percents(order.project)
        problems = rules.bonus_problems(
            uses_bonus=True, bonus_percent=bonus, allowed=allowed, rule=rule
        )
        if not problems and bonus is not None:
            problems = [
                problem
                for guard in _guards(order)
                if guard.bonus_offer is not None
                for problem in guard.bonus_offer(order, percent=bonus, now=now)
            ]
        found += problems
    else:
        bonus = None
    if found:
        raise RuleViolations(found)
    return chosen, bonus


def message_queue(
    *,
    order: Order,
    template: str,
    reason: str,
    actor,
    now: datetime,
    extra_context: Mapping[str, Any] | None = None,
    timeline_line: bool = True,
) -> tuple[OutboxMessage, bool]:
    """Queue the project's email `template` to the order's customer because of `reason`
    (a trigger or outcome code, "manual:N"); (the message, True when queued now). Inside
    the caller's transaction on the order it locked. RuleViolations (X-9) when the project
    has no such template or the customer no valid address; nothing is written then.

    `extra_context`: `bonus_percent`, `bonus_units`, `due_date` (DUN-2, DUN-4). The timeline line
    is written here unless the caller writes its own (`timeline_line=False`: an effect's
    line); the audit row always."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("message_queue runs in the caller's transaction")
    key = idempotency_key(order.pk, template, reason)
    existing = OutboxMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, False
    extra = dict(extra_context or {})
    chosen, bonus = _checked(order, template, extra.get("bonus_percent"), now=now)
    mail_settings = MailSettings.objects.filter(project=order.project).first()
    context = message_context(
        order,
        mail_settings=mail_settings,
        bonus_percent=bonus,
        bonus_units=extra.get("bonus_units"),
        due_date=extra.get("due_date"),
    )
    rendered = render(chosen, context)
    to = order.customer.email.strip()
    label = f"{chosen.name} {bonus}\u00a0%" if bonus is not None else chosen.name
    message, created = _outbox_insert(
        project=order.project,
        order=order,
        chosen=chosen,
        name=label,
        reason=reason,
        bonus=bonus,
        to=to,
        mail_settings=mail_settings,
        rendered=rendered,
        key=key,
        actor=actor,
        now=now,
    )
    if not created:
        return message, False
    _record_queued(message, order=order, actor=actor, now=now, line=timeline_line)
    OUTBOX.enqueue(message.pk)  # the task row commits (or not) with the message
    return message, True


def queued_line(message: OutboxMessage, *, actor) -> tuple[str, dict[str, Any]]:
    """The `auto` timeline line of a queued email (translated when read)."""
    data = {
        "message": message.pk,
        "template": message.template,
        "name": message.name,
        "to": message.to,
        "reason": message.reason,
    }
    who = getattr(actor, "pk", None) and actor.get_username()
    if who and message.reason.startswith(MANUAL):
        return N_('Email "%(name)s" to %(to)s queued by %(actor)s'), {**data, "actor": who}
    return N_('Email "%(name)s" to %(to)s queued automatically'), data


def _record_queued(message, *, order, actor, now, line: bool) -> None:
    text, data = queued_line(message, actor=actor)
    changes = {**data, "message_id": message.message_id}
    lines = [Line(text, data, kind="auto")] if line else []
    # `auto`, not `message`: the `message` line is the one of the email sent (DUN-8
    # counts those), written by sending.py when the server has accepted it
    record(Event.MESSAGE_QUEUED, order=order, actor=actor, now=now, lines=lines, changes=changes)


@transaction.atomic
def message_send_now(
    *, order_id: int, template: str, bonus_percent: int | None = None, actor, now: datetime
) -> tuple[OutboxMessage, bool]:
    """An operator sends a template now (DUN-4: bank details, a bonus offer at the chosen
    percent); (the message, True when queued now). The same request while that email is
    still queued answers with it."""
    order = lock_order(order_id=order_id, actor=actor, action=WORK)
    ensure_claim_allows(order, actor, now)
    chosen = template_for(order.project, template)
    with suppress(TemplateRefused):  # message_queue refuses it, saying why
        if chosen is not None:
            bonus_percent = offered_bonus(chosen, bonus_percent)
    manual = OutboxMessage.objects.filter(order=order, template=template, reason__startswith=MANUAL)
    waiting = manual.filter(state=MessageState.QUEUED, bonus_percent=bonus_percent)
    if (found := waiting.order_by("-id").first()) is not None:
        return found, False
    # the playbook's guards first (DUN-7: the calls and a comment); refused with every other
    # reason at once
    contact = [
        problem
        for guard in _guards(order)
        if guard.operator_email is not None
        for problem in guard.operator_email(order, now=now)
    ]
    try:
        queued = message_queue(
            order=order,
            template=template,
            reason=f"{MANUAL}{manual.count() + 1}",
            actor=actor,
            now=now,
            extra_context={"bonus_percent": bonus_percent},
        )
    except RuleViolations as refused:
        raise RuleViolations([*contact, *refused.violations]) from None
    if contact:  # the message queued above goes with this transaction
        raise RuleViolations(contact)
    return queued
