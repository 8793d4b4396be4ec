"""Demo emails (X-9, DUN-4) for `dozvon demo`: `seed_demo_templates(project)` gives a
project its sender name, bank details and four Russian templates — `bank_details`,
`bonus_offer` (at the chosen percent), `final_bonus_offer` (DUN-8: +25 %) and
`order_confirmed`. Running it again changes nothing. With `dozvon mailsink` running,
what the worker sends lands in var/mail/."""

from __future__ import annotations

from dozvon.core import clock
from dozvon.messaging.models import MailSettings
from dozvon.messaging.services import template_save

BANK_DETAILS = """Получатель: ООО «Дозвон-Демо»
ИНН 7701234567, КПП 770101001
Р/с 40702810900000012345 в ПАО «Демобанк», г. Москва
К/с 30101810400000000225, БИК 044525225"""

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
        "{{ bonus_units }} уп. в подарок (бонус {{ bonus_percent }} %)."
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


def seed_demo_templates(project, *, sender_name: str = "") -> int:
    """The project's demo mail settings and templates; how many templates it has."""
    MailSettings.objects.get_or_create(
        project=project,
        defaults={
            "sender_name": sender_name or project.name,
            "bank_details": BANK_DETAILS,
        },
    )
    now = clock.now()
    for spec in TEMPLATES:
        template_save(project=project, language="ru", actor=None, now=now, **spec)
    return len(TEMPLATES)
