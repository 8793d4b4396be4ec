"""Demo emails (X-9, DUN-4) for `dozvon demo`: `seed_demo_templates(project)` gives a
project its public sender (name and From address), bank details and four Russian
templates — `bank_details`, `bonus_offer` (at the chosen percent), `final_bonus_offer`
(DUN-8: +25 %) and `order_confirmed`. Running it again changes nothing. With
`dozvon mailsink` running, what the worker sends lands in var/mail/.

`seed_demo_outbox(project, now=…)`, once the project has orders, gives its outbox a
history: a few emails queued over the last hours and sent, and one the customer's mail
server refused (failed, "Retry" on the supervisor's outbox page) — queued and sent
through the outbox's own code, with a stand-in mail server, so they need no sink."""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta

from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from dozvon.core import clock
from dozvon.core.errors import RuleViolations
from dozvon.messaging.models import MailSettings, OutboxMessage
from dozvon.messaging.sending import outbox_send
from dozvon.messaging.services import MANUAL, message_queue, template_for, template_save
from dozvon.orders.models import Order
from dozvon.projects.models import Membership

BANK_DETAILS = """Получатель: ООО «Дозвон-Демо»
ИНН 7701234567, КПП 770101001
Р/с 40702810900000012345 в ПАО «Демобанк», г. Москва
К/с 30101810400000000225, БИК 044525225
Назначение платежа: оплата заказа № {{ order_number }}"""

_ITEMS_TEXT = (
    "{% for item in items %}{{ forloop.counter }}. {{ item.name }} — {{ item.quantity }} × "
    "{{ item.price }}{% if item.gift %} (подарок){% endif %} = {{ item.line_total }}\n"
    "{% endfor %}Доставка: {{ delivery_cost }}\nИтого: {{ total }}\n"
)
_ITEMS_HTML = (
    '<table cellpadding="4" style="border-collapse:collapse">'
    "{% for item in items %}<tr><td>{{ item.name }}</td><td>{{ item.quantity }} × "
    "{{ item.price }}</td><td>{{ item.line_total }}</td></tr>{% endfor %}"
    "<tr><td>Доставка</td><td></td><td>{{ delivery_cost }}</td></tr>"
    "<tr><th>Итого</th><td></td><th>{{ total }}</th></tr></table>"
)
_SIGN_TEXT = "\nС уважением,\n{{ shop_name }}\n"
_SIGN_HTML = "<p>С уважением,<br>{{ shop_name }}</p>"


def _bonus(code: str, name: str, headline: str, fixed: int | None = None) -> dict:
    """DUN-2/4: an offer of extra units for paying now (at the operator's % or `fixed`)."""
    offer = (
        "Оплатите заказ № {{ order_number }} на сумму {{ total }}, и мы добавим к нему "
        "{{ bonus_units }} уп. в подарок (бонус {{ bonus_percent }} %)"
        "{% if bonus_product %}: «{{ bonus_product }}»{% endif %} — вместо "
        "{{ order_units }} уп. вы получите {{ units_with_bonus }} уп. за ту же сумму."
    )
    return {
        "code": code,
        "name": name,
        "bonus_percent": fixed,
        "subject": headline + " за оплату заказа № {{ order_number }}",
        "body_text": (
            "Здравствуйте, {{ customer_name }}!\n\n" + offer + "\n\n"
            "Реквизиты для оплаты:\n{{ bank_details }}\n" + _SIGN_TEXT
        ),
        "body_html": (
            "<p>Здравствуйте, {{ customer_name }}!</p><p>" + offer + "</p>"
            "<p><strong>Реквизиты для оплаты:</strong><br>{{ bank_details|linebreaksbr }}</p>"
            + _SIGN_HTML
        ),
    }


TEMPLATES = [
    {
        "code": "bank_details",
        "name": "Реквизиты для оплаты",
        "subject": "Реквизиты для оплаты заказа № {{ order_number }}",
        "body_text": (
            "Здравствуйте, {{ customer_name }}!\n\n"
            "Спасибо за заказ № {{ order_number }} от {{ order_date }}.\n\n"
            + _ITEMS_TEXT
            + "{% if due_date %}\nПросим оплатить заказ до {{ due_date }}.\n{% endif %}"
            "\nРеквизиты для оплаты:\n{{ bank_details }}\n\n"
            "В назначении платежа укажите номер заказа {{ order_number }}.\n" + _SIGN_TEXT
        ),
        "body_html": (
            "<p>Здравствуйте, {{ customer_name }}!</p>"
            "<p>Спасибо за заказ № {{ order_number }} от {{ order_date }}.</p>"
            + _ITEMS_HTML
            + "{% if due_date %}<p>Просим оплатить заказ до {{ due_date }}.</p>{% endif %}"
            "<p><strong>Реквизиты для оплаты:</strong><br>{{ bank_details|linebreaksbr }}</p>"
            "<p>В назначении платежа укажите номер заказа {{ order_number }}.</p>" + _SIGN_HTML
        ),
    },
    _bonus("bonus_offer", "Бонусное предложение", "Бонус {{ bonus_percent }} %"),
    # DUN-8: the final offer at a fixed +25 % (the playbook's `exhausted` trigger sends it)
    _bonus("final_bonus_offer", "Последнее предложение", "Последнее предложение: +25 %", 25),
    {
        "code": "order_confirmed",
        "name": "Заказ подтверждён",
        "subject": "Заказ № {{ order_number }} подтверждён",
        "body_text": (
            "Здравствуйте, {{ customer_name }}!\n\n"
            "Ваш заказ № {{ order_number }} подтверждён и передан в доставку.\n\n"
            + _ITEMS_TEXT
            + _SIGN_TEXT
        ),
        "body_html": (
            "<p>Здравствуйте, {{ customer_name }}!</p>"
            "<p>Ваш заказ № {{ order_number }} подтверждён и передан в доставку.</p>"
            + _ITEMS_HTML
            + _SIGN_HTML
        ),
    },
]


def seed_demo_templates(project, *, sender_name: str = "", from_email: str = "") -> int:
    """The project's demo mail settings — the public sender customers know (issue 24
    item 4: never the internal "… (демо)" name) — and templates; how many templates it
    has."""
    MailSettings.objects.get_or_create(
        project=project,
        defaults={
            "sender_name": sender_name,
            "from_email": from_email,
            "bank_details": BANK_DETAILS,
        },
    )
    now = clock.now()
    for spec in TEMPLATES:
        template_save(project=project, language="ru", actor=None, now=now, **spec)
    return len(TEMPLATES)


class _DemoServer(BaseEmailBackend):
    """A stand-in mail server for the seeded history: accepts every email (keeping
    nothing) but for the `refused` addresses, which it refuses for good, as a server does
    a mailbox that does not exist."""

    def __init__(self, refused=(), **kwargs):
        super().__init__(**kwargs)
        self.refused = set(refused)

    def send_messages(self, email_messages):
        for email in email_messages:
            refused = {r: (550, b"5.1.1 Mailbox unavailable") for r in email.recipients()}
            refused = {r: answer for r, answer in refused.items() if r in self.refused}
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
        return len(email_messages)


# (template, sent by an operator?, hours ago); the last one is refused
DEMO_OUTBOX = (
    ("order_confirmed", False, 30),
    ("bank_details", True, 26),
    ("order_confirmed", False, 7),
    ("bank_details", True, 3),
    ("order_confirmed", False, 2),
)


def seed_demo_outbox(project, *, now: datetime) -> int:
    """Emails of the project's latest orders whose customers have an address: sent, and
    the last one failed; how many were queued. Nothing when the project has no such
    templates or orders, or has emails already."""
    if OutboxMessage.objects.filter(project=project).exists():
        return 0
    operator = (
        Membership.objects.filter(project=project, role="operator")
        .select_related("user")
        .order_by("id")
        .first()
    )
    orders = list(
        Order.objects.filter(project=project, customer__email__contains="@")
        .select_related("project", "customer")
        .order_by("-created_at", "-id")[: len(DEMO_OUTBOX)]
    )
    queued: list[tuple[OutboxMessage, datetime]] = []
    for order, (code, manual, hours) in zip(orders, DEMO_OUTBOX, strict=False):
        if template_for(project, code) is None:
            continue
        actor = operator.user if manual and operator else None
        reason = f"{MANUAL}1" if actor else "demo:outcome"
        at = now - timedelta(hours=hours)
        try:
            with transaction.atomic():
                message, _ = message_queue(
                    order=order, template=code, reason=reason, actor=actor, now=at
                )
        except RuleViolations:
            continue
        queued.append((message, at))
    refused = {queued[-1][0].to} if len(queued) > 1 else set()
    server = _DemoServer(refused=refused)
    for message, at in queued:  # the worker's code, a minute after each was queued
        outbox_send(message_id=message.pk, connection=server, now=at + timedelta(minutes=1))
    return len(queued)
