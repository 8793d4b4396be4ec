"""Issue 23 item 11: the DUN emails say what the customer needs to act — the bank-details
email fills the order number into the purpose of payment (it said "оплата заказа №
(номер заказа)"), and a bonus offer states the bonus units, of which product, and what
the customer gets for the same money (DUN-2), not a bare percent."""

from __future__ import annotations

import pytest

from dozvon.dunning.demo_data import BANK_DETAILS_RU, _templates
from dozvon.dunning.emails import dun_email_send
from dozvon.messaging.models import MailSettings
from dozvon.messaging.rendering import bank_details_text
from dozvon.messaging.services import template_save
from tests.dunning.support import at, call, comment, in_worklist

ENTERED = at(10, 0, 30)
SENT_AT = at(12, 12, 45)


@pytest.fixture
def pharmacy(dun):
    """The DUN project with the pharmacy demo's bank details and templates, and an order
    of 4 units the operator called twice and commented on today (DUN-7)."""
    MailSettings.objects.create(
        project=dun.project, sender_name="Аптека-Демо", bank_details=BANK_DETAILS_RU
    )
    for spec in _templates():
        template_save(project=dun.project, actor=dun.supervisor, now=ENTERED, **spec)
    order = in_worklist(dun, entered=ENTERED, n=7)
    call(dun, order, at(12, 10), "skype")
    call(dun, order, at(12, 12, 30), "magna", result="busy")
    comment(dun, order, at(12, 12, 40))
    return dun, order


def _send(world, order, template, percent=None):
    message, queued = dun_email_send(
        order_id=order.pk,
        template=template,
        bonus_percent=percent,
        actor=world.operator,
        now=SENT_AT,
    )
    assert queued
    return message


def test_the_bank_details_email_names_the_order_in_the_purpose_of_payment(pharmacy):
    world, order = pharmacy
    # when the operator sends the bank details
    message = _send(world, order, "bank_details")
    # then the purpose of payment carries the order's number, not a placeholder
    assert f"Назначение платежа: оплата заказа № {order.external_id}" in message.body_text
    assert "(номер заказа)" not in message.body_text
    assert "{{" not in message.body_text


def test_a_bonus_offer_states_the_units_the_product_and_what_the_customer_gets_dun_2(pharmacy):
    world, order = pharmacy
    product = world.products[0].name
    # when the operator sends a 25 % bonus offer on 4 units
    message = _send(world, order, "bonus_offer", 25)
    # then the subject and the text state the bonus in units of the product (4 × 25 % = 1)
    assert message.subject == f"1 шт. в подарок к заказу № {order.external_id}"
    assert f"ещё 1 шт. «{product}» бесплатно" in message.body_text
    assert "вместо 4 шт. вы получите 5 шт. за ту же сумму" in message.body_text
    # and the purpose of payment in its bank details names the order too
    assert f"оплата заказа № {order.external_id}" in message.body_text


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Назначение: заказ № {{ order_number }}", "Назначение: заказ № A-1"),
        ("Сумма {{ total }}, {{ customer_name }}", "Сумма 100 ₽, Иванов"),
        # anything else is shown as written: nothing beyond those values reaches an email
        ("{{ shop_name }} {{ order_number }}", "{{ shop_name }} {{ order_number }}"),
        ("{% debug %}", "{% debug %}"),
        ("{% if %}", "{% if %}"),
        ("IBAN UA00 {без переменных}", "IBAN UA00 {без переменных}"),
    ],
)
def test_bank_details_fill_in_only_the_order_s_own_values(written, shown):
    values = {"order_number": "A-1", "total": "100 ₽", "customer_name": "Иванов"}
    assert bank_details_text(written, values) == shown
