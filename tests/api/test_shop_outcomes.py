"""Saving a SHOP order in a status through the API (SHOP-1…7): every rule both refused
(422 naming the rule and field, nothing changed) and accepted (200, status changed).

Time-dependent rules (SHOP-5 "no answer") are fed calls with explicit past `started_at`
on an order that arrived three days ago, because the API runs on the real clock."""

from __future__ import annotations

from datetime import timedelta

from dozvon.orders.models import OrderItem
from tests.api.support import (
    assert_refused,
    call,
    intake,
    local_day,
    outcome,
    parse,
    real_now,
    snapshot,
)

TULA = {"region": "Тульская область", "city": "Тула", "street": "Ленина", "house": "32"}
MOSCOW_ADDRESS = {"city": "Москва", "street": "Ленина", "house": "32", "apartment": "5"}


def _order(shop, api_for, **overrides) -> int:
    return intake(api_for(shop.partner), shop, **overrides)["id"]


def _old_order(shop, api_for, **overrides) -> int:
    """An order that arrived three days ago at 09:00 Moscow time."""
    return _order(shop, api_for, created_at=local_day(3, 9).isoformat(), **overrides)


def _delivery(date_offset_days: int = 1, start: str = "10:00", end: str = "14:00") -> dict:
    day = (real_now() + timedelta(days=date_offset_days)).date().isoformat()
    return {
        "delivery_address": MOSCOW_ADDRESS,
        "delivery_date": day,
        "delivery_time_from": start,
        "delivery_time_to": end,
    }


# --- SHOP-1 negotiation -----------------------------------------------------------------


def test_awaiting_prepayment_without_payment_method_is_refused_naming_shop_1(shop, api_for):
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "awaiting_prepayment")
    assert_refused(response, "SHOP-1", "payment_method")
    assert snapshot(api, order_id) == before


def test_awaiting_prepayment_with_cash_is_refused_naming_shop_1(shop, api_for):
    # given a new order
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    before = snapshot(api, order_id)
    # when the operator waits for a prepayment that is paid in cash on delivery
    response = outcome(api, order_id, "awaiting_prepayment", payment_method="cash")
    # then only invoice or card qualify, and nothing changed
    assert_refused(response, "SHOP-1", "payment_method")
    assert snapshot(api, order_id) == before


def test_awaiting_prepayment_by_invoice_or_card_is_saved_shop_1(shop, api_for):
    api = api_for(shop.operator)
    for method in ("invoice", "card"):
        order_id = _order(shop, api_for)
        response = outcome(api, order_id, "awaiting_prepayment", payment_method=method)
        assert response.status_code == 200, response.data
        order = response.data
        assert (order["status"], order["status_group"]) == ("awaiting_prepayment", "negotiation")
        assert order["payment_method"] == method


def test_payment_method_given_at_intake_satisfies_awaiting_prepayment_shop_1(shop, api_for):
    order_id = _order(shop, api_for, payment_method="invoice")
    response = outcome(api_for(shop.operator), order_id, "awaiting_prepayment")
    assert response.status_code == 200, response.data
    assert response.data["status"] == "awaiting_prepayment"


def test_call_back_without_a_date_sets_a_callback_in_two_days_shop_1(shop, api_for):
    # given a new order after a substantive consultation
    order_id = _order(shop, api_for)
    # when the operator saves "call back" without picking a time
    started = real_now()
    response = outcome(api_for(shop.operator), order_id, "call_back", comment="Думает, перезвонить")
    # then a callback is set two days ahead and the order waits in the Call back queue
    assert response.status_code == 200, response.data
    order = response.data
    assert (order["status"], order["status_group"]) == ("call_back", "negotiation")
    callback = parse(order["callback_at"])
    assert started + timedelta(days=2) - timedelta(minutes=1) <= callback
    assert callback <= real_now() + timedelta(days=2)
    assert order["queue"] == "call_back"


def test_call_back_keeps_the_time_the_operator_picked_shop_1(shop, api_for):
    order_id = _order(shop, api_for)
    when = (real_now() + timedelta(hours=5)).replace(microsecond=0)
    response = outcome(api_for(shop.operator), order_id, "call_back", callback_at=when.isoformat())
    assert response.status_code == 200, response.data
    assert parse(response.data["callback_at"]) == when


def test_call_back_in_the_past_is_refused_naming_shop_1(shop, api_for):
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    before = snapshot(api, order_id)
    response = outcome(
        api, order_id, "call_back", callback_at=(real_now() - timedelta(hours=1)).isoformat()
    )
    assert_refused(response, "SHOP-1", "callback_at")
    assert snapshot(api, order_id) == before


# --- SHOP-2 picking ---------------------------------------------------------------------


def test_hand_to_courier_outside_moscow_is_refused_naming_shop_2(shop, api_for):
    # given a new order
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    before = snapshot(api, order_id)
    # when the operator hands a Tula delivery to the courier service
    response = outcome(api, order_id, "hand_to_courier", delivery_address=TULA)
    # then it is refused: other regions go straight to "handed to delivery"
    assert_refused(response, "SHOP-2", "delivery_address")
    assert snapshot(api, order_id) == before


def test_hand_to_courier_without_an_address_is_refused_naming_shop_2(shop, api_for):
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "hand_to_courier")
    assert_refused(response, "SHOP-2", "delivery_address")
    assert snapshot(api, order_id) == before


def test_hand_to_courier_in_moscow_or_moscow_region_is_saved_shop_2(shop, api_for):
    api = api_for(shop.operator)
    for address in (MOSCOW_ADDRESS, {"region": "Московская область", "city": "Химки"}):
        order_id = _order(shop, api_for)
        response = outcome(api, order_id, "hand_to_courier", delivery_address=address)
        assert response.status_code == 200, response.data
        order = response.data
        assert (order["status"], order["status_group"]) == ("hand_to_courier", "picking")
        assert order["delivery_address"] == address


# --- SHOP-3 delivery and SHOP-7 delivery data -------------------------------------------


def test_handed_to_delivery_without_delivery_data_is_refused_naming_shop_3(shop, api_for):
    # given a new order with no delivery data
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    before = snapshot(api, order_id)
    # when the operator hands it to delivery
    response = outcome(api, order_id, "handed_to_delivery")
    # then the address, day and time window are all required
    for field in ("delivery_address", "delivery_date", "delivery_time_from", "delivery_time_to"):
        assert_refused(response, "SHOP-3", field)
    assert snapshot(api, order_id) == before


def test_handed_to_delivery_with_a_window_under_3_hours_is_refused_naming_shop_7(shop, api_for):
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "handed_to_delivery", **_delivery(start="10:00", end="12:30"))
    assert_refused(response, "SHOP-7", "delivery_time_to")
    assert snapshot(api, order_id) == before


def test_handed_to_delivery_with_a_3_hour_window_is_saved_with_a_red_flag_shop_3(shop, api_for):
    # given a new order whose delivery was agreed
    order_id = _order(shop, api_for)
    data = _delivery(start="10:00", end="13:00")
    # when the operator hands it to delivery with a note
    response = outcome(
        api_for(shop.operator),
        order_id,
        "handed_to_delivery",
        delivery_note="Позвонить за час",
        **data,
    )
    # then it is in the Delivery group with the agreed data and a red flag for the department
    assert response.status_code == 200, response.data
    order = response.data
    assert (order["status"], order["status_group"]) == ("handed_to_delivery", "delivery")
    assert order["delivery_date"] == data["delivery_date"]
    assert (order["delivery_time_from"], order["delivery_time_to"]) == ("10:00", "13:00")
    assert order["delivery_flag"] is True


def test_delivery_data_saved_earlier_by_patch_satisfies_shop_3(shop, api_for):
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    version = api.get(f"/orders/{order_id}").data["version"]
    patched = api.patch(f"/orders/{order_id}", {"version": version, **_delivery()})
    assert patched.status_code == 200, patched.data
    response = outcome(api, order_id, "handed_to_delivery")
    assert response.status_code == 200, response.data


def test_short_window_approved_by_the_delivery_department_is_accepted_shop_7(shop, api_for):
    # given an order whose short window the delivery department approved on the order
    order_id = _order(shop, api_for)
    delivery = api_for(shop.delivery)
    version = delivery.get(f"/orders/{order_id}").data["version"]
    approved = delivery.patch(
        f"/orders/{order_id}", {"version": version, "delivery_window_approved": True}
    )
    assert approved.status_code == 200, approved.data
    assert approved.data["delivery_window_approved"] is True
    # when the operator hands it to delivery with a two-hour window
    response = outcome(
        api_for(shop.operator), order_id, "handed_to_delivery", **_delivery(end="12:00")
    )
    # then it is accepted
    assert response.status_code == 200, response.data
    assert response.data["status"] == "handed_to_delivery"


def test_short_window_approved_by_a_supervisor_is_accepted_shop_7(shop, api_for):
    order_id = _order(shop, api_for)
    supervisor = api_for(shop.supervisor)
    version = supervisor.get(f"/orders/{order_id}").data["version"]
    approved = supervisor.patch(
        f"/orders/{order_id}", {"version": version, "delivery_window_approved": True}
    )
    assert approved.status_code == 200, approved.data
    response = outcome(
        api_for(shop.operator), order_id, "handed_to_delivery", **_delivery(end="11:00")
    )
    assert response.status_code == 200, response.data


def test_operator_cannot_approve_a_short_window_by_patch_shop_7(shop, api_for):
    # given a new order
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    version = api.get(f"/orders/{order_id}").data["version"]
    before = snapshot(api, order_id)
    # when the operator tries to approve the short window themself
    response = api.patch(
        f"/orders/{order_id}", {"version": version, "delivery_window_approved": True}
    )
    # then it is refused and nothing changed
    assert_refused(response, "SHOP-7", "delivery_window_approved")
    assert snapshot(api, order_id) == before


def test_operator_cannot_approve_a_short_window_inside_the_outcome_shop_7(shop, api_for):
    # given a new order nobody from delivery approved anything on
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    before = snapshot(api, order_id)
    # when the operator saves "handed to delivery" with a 1-hour window and the approval
    # flag set in the same request
    response = outcome(
        api,
        order_id,
        "handed_to_delivery",
        delivery_window_approved=True,
        **_delivery(start="10:00", end="11:00"),
    )
    # then the save is refused (only the delivery department may approve) and nothing changed
    assert response.status_code == 422, response.data
    assert "SHOP-7" in {e["rule"] for e in response.data["errors"]}
    assert snapshot(api, order_id) == before


def test_pickup_is_saved_shop_3(shop, api_for):
    order_id = _order(shop, api_for)
    response = outcome(api_for(shop.operator), order_id, "pickup")
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["status_group"]) == ("pickup", "delivery")


def test_delivery_department_marks_taken_by_courier_and_done_shop_3_shop_4(shop, api_for):
    # given an order handed to the courier service by an operator
    order_id = _order(shop, api_for)
    handed = outcome(
        api_for(shop.operator), order_id, "hand_to_courier", delivery_address=MOSCOW_ADDRESS
    )
    assert handed.status_code == 200, handed.data
    delivery = api_for(shop.delivery)
    # when the delivery department records the courier pick-up, then the delivery
    taken = outcome(delivery, order_id, "taken_by_courier")
    done = outcome(delivery, order_id, "done")
    # then the order moves through Delivery to Done
    assert taken.status_code == 200, taken.data
    assert (taken.data["status"], taken.data["status_group"]) == ("taken_by_courier", "delivery")
    assert done.status_code == 200, done.data
    assert (done.data["status"], done.data["status_group"]) == ("done", "done")


# --- SHOP-5 cancelled: no answer --------------------------------------------------------


def test_no_answer_with_fewer_than_three_failed_calls_is_refused_naming_shop_5(shop, api_for):
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    call(api, order_id, "no_answer")
    call(api, order_id, "busy")
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "no_answer")
    assert_refused(response, "SHOP-5", "calls")
    assert snapshot(api, order_id) == before


def test_no_answer_after_three_failed_calls_in_a_row_is_saved_shop_5(shop, api_for):
    # given an order called three times without an answer just now
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    for result in ("no_answer", "busy", "voicemail"):
        call(api, order_id, result)
    # when the operator cancels it as "no answer"
    response = outcome(api, order_id, "no_answer")
    # then it is cancelled
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["status_group"]) == ("no_answer", "cancelled")


def test_no_answer_with_three_calls_spread_over_more_than_5_hours_is_refused_shop_5(shop, api_for):
    # given three failed calls yesterday at 08:00, 11:00 and 14:00 (a six-hour span)
    order_id = _old_order(shop, api_for)
    api = api_for(shop.operator)
    for hour in (8, 11, 14):
        call(api, order_id, "no_answer", started_at=local_day(1, hour))
    before = snapshot(api, order_id)
    # when the operator cancels it as "no answer"
    response = outcome(api, order_id, "no_answer")
    # then three calls within five hours are missing
    assert_refused(response, "SHOP-5", "calls")
    assert snapshot(api, order_id) == before


def test_no_answer_with_three_calls_within_5_hours_of_one_past_day_is_saved_shop_5(shop, api_for):
    order_id = _old_order(shop, api_for)
    api = api_for(shop.operator)
    for hour, minute in ((10, 0), (12, 0), (14, 59)):
        call(api, order_id, "no_answer", started_at=local_day(2, hour, minute))
    response = outcome(api, order_id, "no_answer")
    assert response.status_code == 200, response.data
    assert response.data["status"] == "no_answer"


def test_no_answer_with_calls_close_in_time_but_on_two_days_is_refused_shop_5(shop, api_for):
    # given failed calls at 23:00, then 00:30 and 01:00 the next day (two hours, two days)
    order_id = _old_order(shop, api_for)
    api = api_for(shop.operator)
    call(api, order_id, "no_answer", started_at=local_day(2, 23))
    call(api, order_id, "no_answer", started_at=local_day(1, 0, 30))
    call(api, order_id, "no_answer", started_at=local_day(1, 1))
    # when the operator cancels it as "no answer"
    response = outcome(api, order_id, "no_answer")
    # then it is refused: the three calls must fall on one day
    assert_refused(response, "SHOP-5", "calls")


def test_no_answer_after_a_conversation_needs_two_days_of_calls_shop_5(shop, api_for):
    # given a customer who talked to us (a quote) three days ago, then stopped answering:
    # three calls an hour and a half apart yesterday only
    order_id = _old_order(shop, api_for)
    api = api_for(shop.operator)
    call(api, order_id, "answered", started_at=local_day(3, 10))
    for hour, minute in ((10, 0), (11, 30), (13, 0)):
        call(api, order_id, "no_answer", started_at=local_day(1, hour, minute))
    before = snapshot(api, order_id)
    # when the operator cancels it as "no answer"
    response = outcome(api, order_id, "no_answer")
    # then two consecutive days of calls are required
    assert_refused(response, "SHOP-5", "calls")
    assert snapshot(api, order_id) == before


def test_no_answer_after_a_conversation_needs_calls_an_hour_apart_shop_5(shop, api_for):
    # given a conversation, then three calls half an hour apart the day before yesterday and
    # three calls an hour and a half apart yesterday
    order_id = _old_order(shop, api_for)
    api = api_for(shop.operator)
    call(api, order_id, "answered", started_at=local_day(3, 10))
    for hour, minute in ((10, 0), (10, 30), (11, 0)):
        call(api, order_id, "no_answer", started_at=local_day(2, hour, minute))
    for hour, minute in ((10, 0), (11, 30), (13, 0)):
        call(api, order_id, "no_answer", started_at=local_day(1, hour, minute))
    # when the operator cancels it as "no answer"
    response = outcome(api, order_id, "no_answer")
    # then the crowded day does not count
    assert_refused(response, "SHOP-5", "calls")


def test_no_answer_after_a_conversation_and_two_days_of_calls_is_saved_shop_5(shop, api_for):
    # given a conversation, then two consecutive days of three calls at least an hour apart
    order_id = _old_order(shop, api_for)
    api = api_for(shop.operator)
    call(api, order_id, "answered", started_at=local_day(3, 10))
    for days_ago in (2, 1):
        for hour, minute in ((10, 0), (11, 0), (12, 30)):
            call(api, order_id, "busy", started_at=local_day(days_ago, hour, minute))
    # when the operator cancels it as "no answer"
    response = outcome(api, order_id, "no_answer")
    # then it is cancelled
    assert response.status_code == 200, response.data
    assert response.data["status"] == "no_answer"


def test_no_answer_is_forbidden_after_call_back_use_consultation_shop_5(shop, api_for):
    # given an order the operator promised to call back after a substantive talk
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    call(api, order_id, "answered")
    saved = outcome(api, order_id, "call_back", comment="Выбирает модель")
    assert saved.status_code == 200, saved.data
    for result in ("no_answer", "no_answer", "busy"):
        call(api, order_id, result)
    before = snapshot(api, order_id)
    # when the customer is unreachable and the operator cancels as "no answer"
    response = outcome(api, order_id, "no_answer")
    # then it is refused, pointing at the status code, and nothing changed
    assert_refused(response, "SHOP-5", "code")
    assert snapshot(api, order_id) == before
    # and "consultation" is the accepted way to close it
    closed = outcome(api, order_id, "consultation", comment="Не дозвонились после перезвона")
    assert closed.status_code == 200, closed.data
    assert (closed.data["status"], closed.data["status_group"]) == ("consultation", "cancelled")


# --- SHOP-5 cancelled: the other reasons ------------------------------------------------


def test_out_of_stock_and_needs_showroom_with_items_are_saved_shop_5(shop, api_for):
    api = api_for(shop.operator)
    for code in ("out_of_stock", "needs_showroom"):
        order_id = _order(shop, api_for)
        response = outcome(api, order_id, code, comment="Нет на складе / хочет посмотреть")
        assert response.status_code == 200, response.data
        assert (response.data["status"], response.data["status_group"]) == (code, "cancelled")


def test_out_of_stock_and_needs_showroom_without_items_are_refused_naming_shop_5(shop, api_for):
    # given an order whose items are empty (the API cannot produce one, so the items are
    # removed behind its back; the rule must still hold)
    api = api_for(shop.operator)
    for code in ("out_of_stock", "needs_showroom"):
        order_id = _order(shop, api_for)
        OrderItem.objects.filter(order_id=order_id).delete()
        before = snapshot(api, order_id)
        # when the operator cancels it for this reason
        response = outcome(api, order_id, code, comment="Нет")
        # then the items are required
        assert_refused(response, "SHOP-5", "items")
        assert snapshot(api, order_id) == before


def test_not_profitable_without_a_reason_is_refused_naming_shop_5(shop, api_for):
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "not_profitable")
    assert_refused(response, "SHOP-5", "problem")
    assert snapshot(api, order_id) == before


def test_not_profitable_small_order_from_2000_is_refused_naming_shop_5(shop, api_for):
    # given an order for 2500.00
    order_id = _order(shop, api_for, skus=["shop-big"])
    api = api_for(shop.operator)
    before = snapshot(api, order_id)
    # when the operator calls it a small order
    response = outcome(api, order_id, "not_profitable", problem="small_order")
    # then it is refused: small orders are under 2000
    assert_refused(response, "SHOP-5", "problem")
    assert snapshot(api, order_id) == before


def test_not_profitable_small_order_of_exactly_2000_is_refused_shop_5(shop, api_for):
    order_id = intake(
        api_for(shop.partner),
        shop,
        items=[{"sku": "shop-main", "quantity": 2}],
    )["id"]
    response = outcome(api_for(shop.operator), order_id, "not_profitable", problem="small_order")
    assert_refused(response, "SHOP-5", "problem")


def test_not_profitable_small_order_under_2000_is_saved_shop_5(shop, api_for):
    order_id = _order(shop, api_for, skus=["shop-main"])
    response = outcome(api_for(shop.operator), order_id, "not_profitable", problem="small_order")
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["problem"]) == ("not_profitable", "small_order")


def test_not_profitable_wrong_price_is_saved_at_any_total_shop_5(shop, api_for):
    order_id = _order(shop, api_for, skus=["shop-big"])
    response = outcome(api_for(shop.operator), order_id, "not_profitable", problem="wrong_price")
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["problem"]) == ("not_profitable", "wrong_price")


def test_cancelled_without_a_reason_comment_is_refused_naming_shop_5(shop, api_for):
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "cancelled", comment=" ")
    assert_refused(response, "SHOP-5", "comment")
    assert snapshot(api, order_id) == before


def test_cancelled_with_a_reason_comment_is_saved_shop_5(shop, api_for):
    order_id = _order(shop, api_for)
    response = outcome(api_for(shop.operator), order_id, "cancelled", comment="Передумал, уезжает")
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["status_group"]) == ("cancelled", "cancelled")
    assert response.data["last_comment"] == "Передумал, уезжает"


def test_the_plain_cancellation_reasons_are_saved_shop_5(shop, api_for):
    api = api_for(shop.operator)
    for code in (
        "bought_elsewhere",
        "delivery_not_suitable",
        "price_not_suitable",
        "discontinued",
        "consultation",
    ):
        order_id = _order(shop, api_for)
        response = outcome(api, order_id, code)
        assert response.status_code == 200, (code, response.data)
        assert (response.data["status"], response.data["status_group"]) == (code, "cancelled")


def test_shop_refuses_cod_outcome_codes_x_7(shop, api_for):
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "confirm")
    assert_refused(response, "X-7", "code")
    assert snapshot(api, order_id) == before


def test_negative_paid_amount_inside_an_outcome_is_refused_x_5(shop, api_for):
    # given a new order
    order_id = _order(shop, api_for)
    api = api_for(shop.operator)
    before = snapshot(api, order_id)
    # when the operator saves "awaiting prepayment" with a negative amount paid
    response = outcome(
        api, order_id, "awaiting_prepayment", payment_method="card", paid_amount="-500.00"
    )
    # then it is refused as PATCH refuses it, and nothing changed
    assert_refused(response, "X-5", "paid_amount")
    assert snapshot(api, order_id) == before
