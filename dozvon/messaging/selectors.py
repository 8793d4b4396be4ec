"""X-9 messages, the reads: an order's messages, a project's outbox and webhook
deliveries (the supervisor's page), one message with access checked, a template shown on
a real order."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from dozvon.core.errors import NotFound
from dozvon.messaging.models import MailSettings, MessageState, MessageTemplate, OutboxMessage
from dozvon.messaging.rendering import CONTEXT, ITEM, message_context, render
from dozvon.messaging.services import bonus_percents, offered_bonus
from dozvon.orders.models import Order
from dozvon.projects.access import READ, ensure_can
from dozvon.webhooks.models import DeliveryState, WebhookAttempt, WebhookDelivery

OUTBOX_PAGE = 50  # rows per page of the supervisor's outbox


def order_messages(order: Order) -> QuerySet[OutboxMessage]:
    """The order's messages, newest first (`outbox_order`)."""
    return OutboxMessage.objects.filter(order=order).order_by("-id")


def _number(q: str) -> int | None:
    """An order (or event) number as typed: "1234", "#1234", "№ 1234"."""
    digits = q.lstrip("#№ ").strip()
    return int(digits) if digits.isdigit() and len(digits) < 18 else None


def outbox_messages(project, *, state: str = "", q: str = "") -> QuerySet[OutboxMessage]:
    """The project's emails, newest first: in one state (queued, sent, failed) or all;
    `q` finds a recipient (part of the address) or an order (its number or partner's
    number)."""
    qs = OutboxMessage.objects.filter(project=project)
    if state in MessageState.values:
        qs = qs.filter(state=state)
    q = q.strip()
    if q:
        found = Q(to__icontains=q) | Q(order__external_id=q)
        if (number := _number(q)) is not None:
            found |= Q(order_id=number)
        qs = qs.filter(found)
    return qs.select_related("order").order_by("-id")


def webhook_deliveries(project, *, state: str = "", q: str = "") -> QuerySet[WebhookDelivery]:
    """The project's webhook deliveries, newest first, with their attempt logs: in one
    state or all; `q` finds an endpoint URL (part of it), an order (number or partner's
    number) or an event id."""
    qs = WebhookDelivery.objects.filter(project=project)
    if state in DeliveryState.values:
        qs = qs.filter(state=state)
    q = q.strip()
    if q:
        found = Q(endpoint__url__icontains=q) | Q(change__order__external_id=q)
        if (number := _number(q)) is not None:
            found |= Q(change__order_id=number) | Q(event_id=number)
        qs = qs.filter(found)
    attempts = Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("at", "id"))
    return qs.select_related("endpoint", "change__order").prefetch_related(attempts).order_by("-id")


def message_get(*, message_id: int, actor) -> OutboxMessage:
    """One message for its page: NotFound unless the user works in its project (X-1);
    Forbidden for a role that does not read the project's orders (an integration)."""
    message = (
        OutboxMessage.objects.select_related("project", "order", "created_by")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise NotFound()
    ensure_can(actor, message.project, READ)
    return message


def allowed_variables_help() -> str:
    names = [f"{{{{ {name} }}}}" for name in CONTEXT if name != "items"]
    loop = "{% for item in items %}" + ", ".join(f"{{{{ item.{k} }}}}" for k in ITEM)
    return " ".join(names) + " " + loop + "{% endfor %}"


@dataclass(frozen=True)
class Preview:
    order_id: int
    order_number: str
    subject: str
    body_text: str
    body_html: str


def latest_order(project) -> Order | None:
    return (
        Order.objects.filter(project=project)
        .select_related("project", "customer")
        .order_by("-created_at", "-id")
        .first()
    )


def template_preview(template: MessageTemplate) -> Preview | None:
    """The template rendered on the project's latest order (a bonus offer at its fixed
    percent or the lowest allowed), or None when the project has no order yet."""
    order = latest_order(template.project)
    if order is None:
        return None
    bonus = offered_bonus(template, bonus_percents(template.project)[0][0])
    context = message_context(
        order,
        mail_settings=MailSettings.objects.filter(project=template.project).first(),
        bonus_percent=bonus,
    )
    shown = render(template, context)
    return Preview(
        order.pk, context["order_number"], shown.subject, shown.body_text, shown.body_html
    )
