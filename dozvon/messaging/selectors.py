"""X-9 messages, the reads: an order's messages, a template shown on a real order."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from dozvon.messaging.models import MailSettings, MessageTemplate, OutboxMessage
from dozvon.messaging.rendering import CONTEXT, ITEM, message_context, render
from dozvon.orders.models import Order


def order_messages(order: Order) -> QuerySet[OutboxMessage]:
    """The order's messages, newest first (`outbox_order`)."""
    return OutboxMessage.objects.filter(order=order).order_by("-id")


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
    from dozvon.messaging.services import bonus_percents, offered_bonus

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
