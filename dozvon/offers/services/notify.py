"""NBO-4: the day's numbers with an excluded offer, emailed to the project's responsible
person through the outbox (X-9): the message row and its send task are written in one
transaction, once per project and day (idempotency key), and the worker sends it.

The outbox's `message_queue` renders a customer template for an order; this email is
internal and belongs to no order, so it is written here as an order-less outbox row,
which the sender supports (messaging.sending: no timeline line without an order)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext

from dozvon.audit.services import audit_record
from dozvon.core import clock
from dozvon.core.errors import RuleViolations
from dozvon.core.phones import format_phone
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.services import new_message_id
from dozvon.messaging.tasks import send_message
from dozvon.offers import rules
from dozvon.offers.audit_actions import NboAuditAction
from dozvon.offers.selectors import excluded_numbers, offers_config
from dozvon.projects.access import SUPERVISE, ensure_can

TEMPLATE = "nbo_excluded"


def report_key(project, day: date) -> str:
    return f"nbo-excluded:{project.pk}:{day.isoformat()}"


def _body(project, day: date, rows) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("%(project)s: numbers with an excluded offer on %(day)s") % {
            "project": project.name,
            "day": day.strftime("%d.%m.%Y"),
        }
        head = gettext(
            "Numbers that called while an active offer was excluded for their tariff or "
            "service (NBO-4): the offer was not made."
        )
        why = {"tariff": gettext("tariff"), "service": gettext("service")}
        lines = [head, ""]
        for r in rows:
            lines.append(
                f"{format_phone(r['phone'])}\t{r['campaign']}\t"
                f"{why.get(r['why'], r['why'])}: {r['value']}\t#{r['interaction']}"
            )
    return subject, "\n".join(lines) + "\n"


@transaction.atomic
def excluded_report_queue(*, project, day: date, now: datetime) -> OutboxMessage | None:
    """Queue the day's list for the responsible person; None when nobody is set to
    receive it or no such number called. Queued once per project and day."""
    to = offers_config(project).report_email
    if not to:
        return None
    key = report_key(project, day)
    existing = OutboxMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    rows = excluded_numbers(project=project, day=day)
    if not rows:
        return None
    return _queue(project=project, day=day, rows=rows, to=to, key=key, actor=None, now=now)


@transaction.atomic
def excluded_report_send(*, project, day: date, actor, now: datetime) -> tuple[OutboxMessage, bool]:
    """NBO-4: a supervisor emails the list of a chosen day to the responsible person now
    (the worker sends yesterday's on its own). The same list again (a second click, or the
    automatic email of that day with the same numbers) is not sent twice: (the email,
    whether it was queued now). Refused with NBO-4 for a day to come, a day without such
    numbers, or nobody to send it to; 403 for an operator, 404 outside the projects."""
    ensure_can(actor, project, SUPERVISE)
    to = offers_config(project).report_email
    rows = excluded_numbers(project=project, day=day)
    found = rules.check_report_send(
        day=day,
        today=clock.local_date(now, project.time_zone),
        recipient=to,
        numbers=len(rows),
    )
    if found:
        raise RuleViolations(found)
    subject, body = _body(project, day, rows)
    digest = hashlib.sha256(f"{to}\n{body}".encode()).hexdigest()[:16]
    same = (
        OutboxMessage.objects.filter(
            project=project, template=TEMPLATE, reason=_reason(day), to=to, body_text=body
        )
        .order_by("-id")
        .first()
    )
    if same is not None:
        return same, False
    key = f"{report_key(project, day)}:{digest}"
    message = _queue(project=project, day=day, rows=rows, to=to, key=key, actor=actor, now=now)
    return message, True


def _reason(day: date) -> str:
    return f"NBO-4:{day.isoformat()}"


def excluded_reports_of(*, project, day: date) -> list[OutboxMessage]:
    """NBO-4: the emails of a day's list, newest first (the page shows what was sent)."""
    return list(
        OutboxMessage.objects.filter(project=project, template=TEMPLATE, reason=_reason(day))
        .only("id", "to", "state", "sent_at", "created_at")
        .order_by("-id")
    )


def _queue(*, project, day: date, rows, to: str, key: str, actor, now: datetime) -> OutboxMessage:
    subject, body = _body(project, day, rows)
    message = OutboxMessage(
        project=project,
        order=None,
        template=TEMPLATE,
        name=subject[:200],
        language=settings.LANGUAGE_CODE[:2],
        reason=_reason(day),
        to=to,
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=subject[:300],
        body_text=body,
        next_attempt_at=now,
        message_id=new_message_id(),
        idempotency_key=key,
        created_at=now,
    )
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:  # queued by a concurrent run
        return OutboxMessage.objects.get(idempotency_key=key)
    audit_record(
        actor=actor if getattr(actor, "pk", None) else None,
        action=NboAuditAction.EXCLUDED_REPORT,
        target_type="project",
        target_id=project.pk,
        project=project,
        changes={"day": day.isoformat(), "numbers": len(rows), "to": to},
        now=now,
    )
    send_message.enqueue(message.pk)
    return message
