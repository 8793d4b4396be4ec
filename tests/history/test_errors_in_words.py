"""X-7: a refusal explains in the operator's language which field to fill and how — the
field by its label ("Поле «Причина» обязательно"), a day typed wrong with the format
expected (дд.мм.гггг) — and the rule ID is shown small beside the message."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from dozvon.core import clock
from dozvon.core.errors import violation
from dozvon.orders.models import Order
from dozvon.playbooks.fields import BY_NAME
from dozvon.web.forms import error_parts, form_values, parse_fields
from tests.web.test_dun_card import AFTERNOON, worked_today
from tests.web.test_dun_worklist import entered


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("reason", "«Причина»"),
        ("callback_at", "«Дата, когда перезвонить»"),
        ("customer.phone", "«Основной телефон»"),
    ],
)
def test_a_required_field_is_named_in_words_x_7(field, label):
    # given a result's rule refusing an empty field
    refusal = violation("DUN-4", field, "This field is required for this result.")
    # when it is shown in Russian
    with translation.override("ru"):
        text = refusal.render()
    # then the message names the field by its label
    assert text.startswith("Поле «") and text.endswith("» обязательно.")
    assert label in text


def test_a_badly_typed_day_says_the_format_expected_x_7():
    # given a form with the promised date typed as "31/12"
    fields, found = parse_fields({"promised_on": "31/12"}, [BY_NAME["promised_on"]])
    # when the refusal is shown in Russian
    with translation.override("ru"):
        (text,) = [v.render() for v in found]
    # then it names the field and the format дд.мм.гггг
    assert fields == {}
    assert text.startswith("Поле «Обещал оплатить к дате»")
    assert "дд.мм.гггг" in text


def test_a_badly_typed_time_and_amount_say_their_formats_x_7():
    # given a time and an amount that do not parse
    _, found = parse_fields(
        {"delivery_time_from": "10 утра", "paid_amount": "много"},
        [BY_NAME["delivery_time_from"], BY_NAME["paid_amount"]],
    )
    with translation.override("ru"):
        texts = sorted(v.render() for v in found)
    # then each says what to type
    assert any("чч:мм" in t for t in texts)
    assert any("350,50" in t for t in texts)


def test_an_amount_is_shown_in_the_form_as_it_is_typed_x_5():
    # given an order that paid 350.00
    order = Order(paid_amount=Decimal("350.00"), delivery_cost=Decimal("0"))
    # when the delivery form shows it
    values = form_values(order, [BY_NAME["paid_amount"], BY_NAME["delivery_cost"]])
    # then with a comma, as the operator types it (and as it parses back)
    assert values == {"paid_amount": "350,00", "delivery_cost": "0,00"}
    fields, found = parse_fields(values, [BY_NAME["paid_amount"]])
    assert (fields, found) == ({"paid_amount": Decimal("350.00")}, [])


def test_the_rule_id_is_apart_from_the_message_x_7():
    # given the card's refusal texts, the rule ID last
    # then the field shows the message and the ID apart; "input" is not a rule to show
    assert error_parts("Поле «Причина» обязательно. (DUN-4)") == {
        "text": "Поле «Причина» обязательно.",
        "rule": "DUN-4",
    }
    assert error_parts("Введите дату. (input)") == {"text": "Введите дату.", "rule": ""}
    assert error_parts("Без правила") == {"text": "Без правила", "rule": ""}


@pytest.fixture
def _afternoon():
    with time_machine.travel(AFTERNOON, tick=False):
        yield


@pytest.mark.usefixtures("_afternoon")
def test_cancel_without_a_reason_names_the_field_and_shows_the_rule_small_dun_4(client, dun):
    # given a worked order of the DUN worklist
    order = entered(dun, at=clock.now() - timedelta(days=2), n=1)
    worked_today(dun, order)
    client.force_login(dun.operator)
    order.refresh_from_db()
    # when the operator cancels without a reason
    response = client.post(
        f"/orders/{order.pk}/outcome",
        {"code": "cancel", "version": order.version, "comment": "Клиент отказался"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    # then the reason field says, in words, that it is required, the rule ID small beside
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    form = re.search(r'data-outcome-form="cancel">.*?</form>', page, re.S).group(0)
    field = re.search(r'data-field="reason">.*?</div>', form, re.S).group(0)
    error = re.search(r'<p class="error" role="alert">(.*?)</p>', field, re.S).group(1)
    assert error.startswith("Поле «Причина» обязательно.")
    assert re.search(r'<small class="rule"[^>]*>\(DUN-4\)</small>', error)
    # and the form's title is the result's name, not a rule
    title = re.search(r"<h3>(.*?)</h3>", form, re.S).group(1)
    assert not title.strip().startswith("DUN-")
    assert Order.objects.get(pk=order.pk).status == order.status
