"""The facts an outcome's rules read are the order's own (X-7): the service loads them
from the database before the pure rules of tests/rules judge them. Each test here holds
one fact the service hands over (calls since the last result, the calls' times, the
order's status, the customer's other orders, items and goods total, values stored on the
order) and the order fields a result sets, checked as an edit checks them. The rules
themselves are proven once, without a database, in tests/rules/test_cod_outcomes.py and
tests/rules/test_shop_outcomes.py."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dozvon.core.errors import RuleViolations
from dozvon.customers.services import CustomerInput
from dozvon.history.models import TimelineEntry
from dozvon.orders.models import Order, OrderItem
from dozvon.orders.services import ItemInput, order_apply_outcome, order_intake, order_update
from dozvon.orders.services.calling import call_attempt_record

MSK = ZoneInfo("Europe/Moscow")
MOSCOW = {"region": "Москва", "city": "Москва", "street": "Тверская", "house": "1"}


def _state(order_id: int) -> tuple:
    """What a refused save must leave as it was."""
    order = Order.objects.get(pk=order_id)
    lines = TimelineEntry.objects.filter(order_id=order_id).count()
    return (order.status, order.problem, order.version, order.paid_amount, lines)


def _refused(order, actor, code, now, **kw) -> set[tuple[str, str]]:
    before = _state(order.pk)
    with pytest.raises(RuleViolations) as refused:
        order_apply_outcome(order_id=order.pk, actor=actor, code=code, now=now, **kw)
    assert _state(order.pk) == before
    return {(v.rule, v.field) for v in refused.value.violations}


def _saved(order, actor, code, now, **kw) -> Order:
    return order_apply_outcome(order_id=order.pk, actor=actor, code=code, now=now, **kw)


def _call(world, order, result, at):
    call_attempt_record(order_id=order.pk, actor=world.operator, result=result, now=at)


def _intake(world, now, phone, *items, payment_method=""):
    order, _ = order_intake(
        project=world.project,
        actor=world.partner,
        external_id=None,
        customer=CustomerInput(name="Петров Пётр Петрович", phone=phone),
        items=list(items) or [ItemInput(world.products[0].sku)],
        payment_method=payment_method,
        now=now,
    )
    return order


def _at(now: datetime, days_ago: int, hour: int, minute: int = 0) -> datetime:
    """A Moscow wall-clock moment `days_ago` days before `now`'s Moscow day."""
    day = now.astimezone(MSK).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=MSK)


def test_a_call_made_before_the_previous_result_does_not_count_for_the_next_cod_15(cod, now):
    # given an order saved as "no answer" after a failed call
    order = cod.intake(now=now - timedelta(hours=1))
    _call(cod, order, "no_answer", now - timedelta(minutes=10))
    _saved(
        order,
        cod.operator,
        "no_answer",
        now - timedelta(minutes=9),
        problem="no_answer",
        comment="не берёт",
    )
    # when the operator confirms it without calling again
    found = _refused(order, cod.operator, "confirm", now)
    # then the service hands the rule the time of the previous result: a fresh call is needed
    assert found == {("COD-15", "calls")}
    # and after a new answered call the same save is accepted
    _call(cod, order, "answered", now)
    assert _saved(order, cod.operator, "confirm", now + timedelta(minutes=1)).status == "confirmed"


def test_the_customers_other_orders_decide_whether_feedback_is_invalid_cod_19b(cod, now):
    # given a customer with one order, reached by phone
    first = cod.intake(phone="+79161234567", skus=["cod-big"], now=now - timedelta(hours=2))
    _call(cod, first, "answered", now - timedelta(hours=1))
    # when it is saved as feedback, then it is refused: no earlier order of theirs
    found = _refused(first, cod.operator, "invalid", now, problem="feedback", comment="отзыв")
    assert found == {("COD-19", "problem")}
    # given the same customer's second form, the phone typed another way
    second = cod.intake(phone="8 916 123-45-67", now=now - timedelta(minutes=30))
    _call(cod, second, "answered", now - timedelta(minutes=5))
    # when it is saved as feedback, then the earlier order counts and it is Invalid
    saved = _saved(second, cod.operator, "invalid", now, problem="feedback", comment="отзыв")
    assert (saved.status, saved.problem) == ("invalid", "feedback")


def test_no_answer_reads_the_recorded_times_of_the_calls_shop_5(shop, now):
    # given two orders that arrived three days ago
    spread = shop.intake(created_at=_at(now, 3, 9))
    close = shop.intake(phone="+79161234568", created_at=_at(now, 3, 9))
    # and three failed calls each: yesterday over six hours, the day before within five
    for hour in (8, 11, 14):
        _call(shop, spread, "no_answer", _at(now, 1, hour))
    for hour, minute in ((10, 0), (12, 0), (14, 59)):
        _call(shop, close, "busy", _at(now, 2, hour, minute))
    # when both are cancelled as "no answer"
    # then the service hands the rule the calls as recorded, at their own times
    assert _refused(spread, shop.operator, "no_answer", now) == {("SHOP-5", "calls")}
    assert _saved(close, shop.operator, "no_answer", now).status == "no_answer"


def test_no_answer_reads_the_orders_status_call_back_shop_5(shop, now):
    # given an order the operator promised to call back after a talk three days ago, then
    # two days of three failed calls (enough for "no answer" after a conversation)
    order = shop.intake(created_at=_at(now, 4, 9))
    _call(shop, order, "answered", _at(now, 3, 10))
    _saved(order, shop.operator, "call_back", _at(now, 3, 10, 5), comment="Выбирает")
    for days_ago in (2, 1):
        for hour, minute in ((10, 0), (11, 0), (12, 30)):
            _call(shop, order, "no_answer", _at(now, days_ago, hour, minute))
    # when it is cancelled as "no answer", then the status itself is refused
    assert _refused(order, shop.operator, "no_answer", now) == {("SHOP-5", "code")}
    # and "consultation" closes it
    assert _saved(order, shop.operator, "consultation", now).status == "consultation"


def test_items_and_the_goods_total_are_the_orders_shop_5(shop, now):
    # given an order whose items were removed behind the service's back
    empty = shop.intake(now=now - timedelta(hours=1))
    OrderItem.objects.filter(order=empty).delete()
    # then "out of stock" is refused for the missing items
    found = _refused(empty, shop.operator, "out_of_stock", now, comment="нет")
    assert found == {("SHOP-5", "items")}
    # given orders for 2 × 1000.00 and 1 × 1000.00
    two = _intake(shop, now, "+79161234568", ItemInput("shop-main", 2))
    one = _intake(shop, now, "+79161234569", ItemInput("shop-main", 1))
    assert (two.goods_total, one.goods_total) == (Decimal("2000.00"), Decimal("1000.00"))
    # then "small order" is refused at 2000 and saved under it
    found = _refused(two, shop.operator, "not_profitable", now, problem="small_order")
    assert found == {("SHOP-5", "problem")}
    saved = _saved(one, shop.operator, "not_profitable", now, problem="small_order")
    assert (saved.status, saved.problem) == ("not_profitable", "small_order")


def test_values_stored_on_the_order_count_for_a_result_shop_1_shop_3_shop_7(shop, now):
    # given a payment method given at intake
    prepaid = _intake(shop, now - timedelta(hours=1), "+79161234569", payment_method="invoice")
    # then "awaiting prepayment" needs no method in the save
    assert _saved(prepaid, shop.operator, "awaiting_prepayment", now).payment_method == "invoice"
    # given delivery data with a two-hour window saved by an edit, approved by the department
    order = shop.intake(phone="+79161234568", now=now - timedelta(hours=1))
    edited = order_update(
        order_id=order.pk,
        actor=shop.operator,
        version=order.version,
        fields={
            "delivery_address": MOSCOW,
            "delivery_date": (now + timedelta(days=1)).date(),
            "delivery_time_from": time(10),
            "delivery_time_to": time(12),
        },
        now=now,
    )
    found = _refused(edited, shop.operator, "handed_to_delivery", now)
    assert found == {("SHOP-7", "delivery_time_to")}
    order_update(
        order_id=order.pk,
        actor=shop.delivery,
        version=edited.version,
        fields={"delivery_window_approved": True},
        now=now,
    )
    # when the operator hands it to delivery without repeating them, then it is accepted
    saved = _saved(order, shop.operator, "handed_to_delivery", now)
    assert (saved.status, saved.delivery_time_to) == ("handed_to_delivery", time(12))


def test_the_order_fields_of_a_result_are_checked_as_an_edit_checks_them_shop_7_x_5(shop, now):
    # given a new order
    order = shop.intake(now=now - timedelta(hours=1))
    window = {
        "delivery_address": MOSCOW,
        "delivery_date": (now + timedelta(days=1)).date(),
        "delivery_time_from": time(10),
        "delivery_time_to": time(11),
    }
    # when the operator approves the short window inside the result, then SHOP-7 refuses it
    fields = {**window, "delivery_window_approved": True}
    found = _refused(order, shop.operator, "handed_to_delivery", now, fields=fields)
    assert found == {("SHOP-7", "delivery_window_approved")}
    # when a negative amount paid comes with a result, then X-5 refuses it
    fields = {"payment_method": "card", "paid_amount": Decimal("-500.00")}
    found = _refused(order, shop.operator, "awaiting_prepayment", now, fields=fields)
    assert found == {("X-5", "paid_amount")}


def test_a_note_to_delivery_saved_with_a_result_flags_the_order_red_shop_3(shop, now):
    # given a new order whose delivery was agreed for a three-hour window
    order = shop.intake(now=now - timedelta(hours=1))
    fields = {
        "delivery_address": MOSCOW,
        "delivery_date": (now + timedelta(days=1)).date(),
        "delivery_time_from": time(10),
        "delivery_time_to": time(13),
        "delivery_note": "Позвонить за час",
    }
    # when the operator hands it to delivery with a note to the department
    saved = _saved(order, shop.operator, "handed_to_delivery", now, fields=fields)
    # then it is in the Delivery group with the data and the red flag
    assert (saved.status, saved.status_group) == ("handed_to_delivery", "delivery")
    assert (saved.delivery_time_to, saved.delivery_flag) == (time(13), True)
