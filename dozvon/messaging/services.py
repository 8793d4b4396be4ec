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
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from contextlib import suppress
from datetime import datetime
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_noop as N_

from dozvon.audit.services import audit_record
from dozvon.core.errors import NotFound, RuleViolations, violation
from dozvon.dunning.services import check_bonus_allowed, check_contact_allowed
from dozvon.messaging import rules
from dozvon.messaging.models import KEY, MailSettings, MessageState, MessageTemplate, OutboxMessage
from dozvon.messaging.rendering import (
    BONUS_VARIABLES,
    TemplateRefused,
    free_context,
    message_context,
    render,
    variables_of,
)
from dozvon.orders.models import Order
from dozvon.orders.services.base import ensure_claim_allows, lock_order
from dozvon.orders.services.events import Event, Line, record
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import SUPERVISE, WORK, ensure_can

MANUAL = "manual:"  # the reason of an email an operator sends, numbered per template
# DUN-1: the trigger whose run is the day an order entered the worklist (the playbook's
# `settings.bonus.entered_by` may name another)


# --- templates ----------------------------------------------------------------------------


def template_save(
    *,
    project,
    code: str,
    language: str = "ru",
    name: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    bonus_percent: int | None = None,
    is_active: bool = True,
    actor,
    now: datetime,
) -> MessageTemplate:
    """Create or change the project's template `code` in `language`; refused (Django's
    ValidationError naming the field and the variable) when it uses anything outside the
    allow-list. Audited (X-12)."""
    template = MessageTemplate.objects.filter(
        project=project, code=code, language=language
    ).first() or MessageTemplate(project=project, code=code, language=language)
    fields = {
        "name": name,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "bonus_percent": bonus_percent,
        "is_active": is_active,
    }
    changed = {k: v for k, v in fields.items() if getattr(template, k) != v}
    if template.pk and not changed:
        return template
    for key, value in fields.items():
        setattr(template, key, value)
    template.full_clean()
    with transaction.atomic():
        adding = template.pk is None
        template.save()
        audit_record(
            actor=actor,
            action=f"messagetemplate.{'add' if adding else 'change'}",
            target_type="messagetemplate",
            target_id=template.pk,
            project=project,
            changes=changed,
            now=now,
        )
    return template


def template_for(project, code: str) -> MessageTemplate | None:
    """The project's active template `code` in the project's language (the project's
    `settings["language"]`, else the site's), else in another language."""
    preferred = [project.settings.get("language") or settings.LANGUAGE_CODE, "ru", "uk", "en"]
    found = {t.language: t for t in MessageTemplate.objects.filter(project=project, code=code)}
    active = {lang: t for lang, t in found.items() if t.is_active}
    return next((active[lang] for lang in preferred if lang in active), None)


def uses_bonus(template: MessageTemplate) -> bool:
    """Does the template offer a bonus (DUN-4)? TemplateRefused for one that is not valid
    (written around `template_save`, which refuses it)."""
    parts = (template.subject, template.body_text, template.body_html)
    return any(variables_of(part) & BONUS_VARIABLES for part in parts)


def bonus_percents(project) -> tuple[tuple[int, ...], str]:
    """DUN-2/4: the bonus percentages a project's offers may name, and the rule saying so:
    the playbook's `settings.bonus.tiers` (dun.toml: 15 and 25), else 15 and 25. (Which of
    them an order's week of work allows is the dunning service's check, DUN-1/2.)"""
    conf = playbook_def(project.playbook).settings.get("bonus") or {}
    tiers = conf.get("tiers") or ()
    allowed = tuple(sorted({int(p) for _, p in tiers})) or rules.DEFAULT_BONUS_PERCENTS
    return allowed, str(conf.get("rule") or "DUN-2")


def offered_bonus(template: MessageTemplate, asked: int | None) -> int | None:
    """The bonus % an email of `template` offers: the template's fixed one (DUN-8's final
    offer), else the one asked for; None for an email that offers no bonus. TemplateRefused
    for a template that is not valid."""
    if not uses_bonus(template):
        return None
    return template.bonus_percent if template.bonus_percent is not None else asked


# --- the outbox ---------------------------------------------------------------------------


def new_message_id() -> str:
    """A Message-ID generated once per message: `<uuid@host>` (settings)."""
    return f"<{uuid4().hex}@{settings.EMAIL_MESSAGE_ID_HOST}>"


def idempotency_key(order_id: int | None, template: str, reason: str) -> str:
    key = f"order:{order_id}/{template}/{reason}"
    if len(key) <= OutboxMessage._meta.get_field("idempotency_key").max_length:
        return key
    return f"order:{order_id}/{template}/sha256:{hashlib.sha256(reason.encode()).hexdigest()}"


def _sender(mail_settings: MailSettings | None) -> tuple[str, str]:
    """From and Reply-To of the project's emails."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if mail_settings is not None:
        address = mail_settings.from_email or address
        name = mail_settings.sender_name or name
    return (str(Address(display_name=name, addr_spec=address)) if name else address), (
        mail_settings.reply_to if mail_settings else ""
    )


def _template_problems(project, code: str) -> tuple[MessageTemplate | None, list]:
    """The project's active template `code` and why it cannot be used (X-9)."""
    chosen = template_for(project, code)
    if chosen is None:
        return None, [
            violation(
                "X-9",
                "template",
                'The project has no active email template "%(template)s".',
                template=code,
            )
        ]
    try:
        for part in (chosen.subject, chosen.body_text, chosen.body_html):
            variables_of(part)
    except TemplateRefused as refused:
        return chosen, [
            violation(
                "X-9",
                "template",
                'The email template "%(template)s" cannot be used: %(problem)s',
                template=code,
                problem=refused.message,
            )
        ]
    return chosen, []


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
            problems = check_bonus_allowed(order, percent=bonus, now=now)
        found += problems
    else:
        bonus = None
    if found:
        raise RuleViolations(found)
    return chosen, bonus


def _outbox_insert(
    *, project, order, chosen, name, reason, bonus, to, mail_settings, rendered, key, actor, now
) -> tuple[OutboxMessage, bool]:
    """Write one outbox row, rendered and addressed; (the row, True), or the row a
    concurrent twin with the same idempotency key wrote first (the row, False)."""
    from_email, reply_to = _sender(mail_settings)
    message = OutboxMessage(
        project=project,
        order=order,
        template=chosen.code,
        name=name[:200],
        language=chosen.language,
        reason=reason[:100],
        bonus_percent=bonus,
        to=to,
        from_email=from_email,
        reply_to=reply_to,
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
    from dozvon.messaging.tasks import send_message

    send_message.enqueue(message.pk)  # the task row commits (or not) with the message
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
    # DUN-7: the calls and a comment come first; refused with every other reason at once
    contact = check_contact_allowed(order, now=now)
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
    from dozvon.messaging.tasks import send_message

    send_message.enqueue(message.pk)  # the task row commits (or not) with the message
    return message, True


# --- a supervisor sends again ---------------------------------------------------------------


def _retryable(now: datetime) -> Q:
    """`rules.retry_problems` as a filter: the compare-and-set of a retry."""
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return Q(state=MessageState.FAILED) | (
        Q(state=MessageState.QUEUED, next_attempt_at__gt=now) & free
    )


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
    refused = rules.retry_problems(
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
    # compare-and-set: on SQLite the row lock above is a no-op (STACK-NOTES)
    done = (
        OutboxMessage.objects.filter(pk=message.pk)
        .filter(_retryable(now))
        .update(
            state=MessageState.QUEUED,
            next_attempt_at=now,
            attempts=0,
            claimed_until=None,
            claim_token="",
        )
    )
    if not done:
        raise RuleViolations(
            rules.retry_problems(
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
    from dozvon.messaging.tasks import send_message

    send_message.enqueue(message.pk)
    return message
