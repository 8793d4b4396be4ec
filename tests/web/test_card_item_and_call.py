"""Issue 23, COD on the card: a refused "add item" keeps the product, quantity and
discount the operator chose (COD-11), and a call starts when the operator started it, not
when the result was saved (X-8)."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine

from dozvon.calls.models import CallAttempt
from dozvon.orders.models import OrderItem
from dozvon.orders.services.calling import call_attempt_record
from tests.conftest import NOW


def test_a_refused_item_keeps_the_product_and_discount_chosen_cod_11(client, cod):
    # given a new order and its operator on the card
    order = cod.intake(created_at=NOW - timedelta(minutes=5))
    client.force_login(cod.operator)
    # when the operator adds the big product (at most 10 % off) with 30 % off
    with time_machine.travel(NOW, tick=False):
        refused = client.post(
            f"/orders/{order.pk}/items",
            {"sku": "cod-big", "quantity": "2", "discount_percent": "30"},
        )
        page = client.get(refused["Location"]).content.decode()
    # then it is refused, nothing added, and the form still holds that product, 2 and 30
    assert refused.status_code == 303
    assert not OrderItem.objects.filter(order=order, product__sku="cod-big").exists()
    form = re.search(r'class="add-item">.*?</form>', page, re.S).group(0)
    assert re.search(r'<option value="cod-big" selected', form)
    assert len(re.findall(r"<option [^>]*selected", form)) == 1
    assert 'name="quantity" type="number" min="1" value="2"' in form
    assert 'step="0.01" value="30"' in form
    assert re.search(r'role="alert">[^<]+\((?:X-5|COD-11)\)<', form)
    # and resubmitting with the discount fixed adds that product, not another
    with time_machine.travel(NOW, tick=False):
        client.post(
            f"/orders/{order.pk}/items",
            {"sku": "cod-big", "quantity": "2", "discount_percent": "10"},
        )
    added = OrderItem.objects.get(order=order, is_main=False)
    assert (added.product.sku, added.quantity, added.discount_percent) == ("cod-big", 2, 10)


def test_a_call_starts_when_its_timer_started_not_when_saved_x_8(cod):
    # given an order, and a call the operator saves 95 s after clicking the phone
    order = cod.intake(created_at=NOW - timedelta(hours=1))
    saved_at = NOW + timedelta(minutes=10)
    # when the attempt is recorded with its measured duration
    call = call_attempt_record(
        order_id=order.pk, actor=cod.operator, result="no_answer", duration_s=95, now=saved_at
    )
    # then it started 95 s before it was saved
    assert call.started_at == saved_at - timedelta(seconds=95)


def test_the_card_records_the_start_of_the_call_from_its_timer_x_8(client, cod):
    # given an operator on the card of an order
    order = cod.intake(created_at=NOW - timedelta(hours=1))
    client.force_login(cod.operator)
    # when the card sends a call of 2 minutes (the timer ran from the click on the phone)
    with time_machine.travel(NOW, tick=False):
        client.post(f"/orders/{order.pk}/call", {"result": "answered", "duration_s": "120"})
    # then the call started two minutes before the save
    call = CallAttempt.objects.get(order=order)
    assert (call.started_at, call.duration_s) == (NOW - timedelta(minutes=2), 120)


def test_a_call_never_starts_before_its_order_x_8(cod):
    # given an order that arrived a minute ago
    order = cod.intake(created_at=NOW - timedelta(minutes=1))
    # when a five-minute call is saved now (the card's timer ran on before the order came)
    call = call_attempt_record(
        order_id=order.pk, actor=cod.operator, result="answered", duration_s=300, now=NOW
    )
    # then it starts with the order, not before it (which X-8 would refuse)
    assert call.started_at == order.created_at
