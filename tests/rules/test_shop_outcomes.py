"""SHOP outcomes (SPEC SHOP-1…7) evaluated against the shipped shop.toml, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from dozvon.playbooks.engine import evaluate
from tests.rules.support import NOW, call, calls, context, msk, outcome, pairs

pytestmark = pytest.mark.nodb

MOSCOW = {"region": "Москва", "city": "Москва", "street": "Тверская", "house": "1"}


# --- SHOP-1 Awaiting prepayment ------------------------------------------------------------


@pytest.mark.parametrize("method", ["invoice", "card"])
def test_awaiting_prepayment_by_invoice_or_online_card_is_accepted_shop_1(method):
    # given an order paid by invoice or online
    out = outcome("shop", "awaiting_prepayment")
    # when it is saved as awaiting prepayment
    found = evaluate(out, context(out, {"payment_method": method}))
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize("method", [None, "", "cash", "barter"])
def test_awaiting_prepayment_without_invoice_or_card_is_refused_shop_1(method):
    # given no payment method, or one that is not a prepayment (cash on delivery)
    out = outcome("shop", "awaiting_prepayment")
    # when it is saved as awaiting prepayment
    found = evaluate(out, context(out, {"payment_method": method}))
    # then the payment method is refused under SHOP-1
    assert pairs(found) == {("SHOP-1", "payment_method")}


# --- SHOP-1 Call back -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "callback_at", [None, NOW + timedelta(hours=3)], ids=["default-in-2-days", "chosen"]
)
def test_call_back_with_no_or_a_future_time_is_accepted_shop_1(callback_at):
    # given a substantive consultation and no callback time or a future one
    out = outcome("shop", "call_back")
    # when the operator saves "call back"
    found = evaluate(
        out, context(out, {"callback_at": callback_at}, calls=(call(NOW, "answered"),))
    )
    # then nothing is refused (the 2-day default is a routing matter)
    assert found == []


def test_call_back_at_a_past_time_is_refused_shop_1():
    # given a callback time already gone
    out = outcome("shop", "call_back")
    # when the operator saves "call back"
    found = evaluate(out, context(out, {"callback_at": NOW - timedelta(hours=1)}))
    # then the time is refused
    assert pairs(found) == {("SHOP-1", "callback_at")}


# --- SHOP-2 Hand to courier service ---------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        MOSCOW,
        {"region": "Московская область", "city": "Химки"},
        {"region": "Moscow Oblast", "city": "Khimki"},
        {"region": "", "city": "Москва"},
        {"region": "г. Москва", "city": "Зеленоград"},
    ],
    ids=["moscow", "moscow-region", "english", "city-only", "zelenograd"],
)
def test_hand_to_courier_within_moscow_and_moscow_region_is_accepted_shop_2(address):
    # given a delivery address in Moscow or the Moscow region
    out = outcome("shop", "hand_to_courier")
    # when the order is handed to the courier service
    found = evaluate(out, context(out, {"delivery_address": address}))
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize(
    "address",
    [
        {"region": "Санкт-Петербург", "city": "Санкт-Петербург"},
        {"region": "Тверская область", "city": "Тверь"},
        {"region": "Краснодарский край", "city": "Сочи"},
    ],
    ids=["spb", "tver", "sochi"],
)
def test_hand_to_courier_outside_moscow_region_is_refused_shop_2(address):
    # given a delivery to another region (goes by transport company instead)
    out = outcome("shop", "hand_to_courier")
    # when the order is handed to the courier service
    found = evaluate(out, context(out, {"delivery_address": address}))
    # then the address is refused under SHOP-2
    assert pairs(found) == {("SHOP-2", "delivery_address")}


def test_hand_to_courier_without_address_is_refused_shop_2():
    # given no delivery address at all
    out = outcome("shop", "hand_to_courier")
    # when the order is handed to the courier service
    found = evaluate(out, context(out, {"delivery_address": {}}))
    # then the address is required (and cannot be shown to be in Moscow)
    assert pairs(found) == {("SHOP-2", "delivery_address")}


# --- SHOP-3 Handed to delivery, SHOP-7 delivery data ---------------------------------------


def _delivery(**overrides):
    return {
        "delivery_address": MOSCOW,
        "delivery_date": date(2026, 11, 25),
        "delivery_time_from": time(10, 0),
        "delivery_time_to": time(13, 0),
        **overrides,
    }


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"delivery_time_from": time(9, 30), "delivery_time_to": time(18, 0)},
        {"delivery_time_to": time(12, 0), "delivery_window_approved": True},
        {"delivery_time_to": time(10, 30), "delivery_window_approved": True},
    ],
    ids=["exactly-3h", "all-day", "2h-approved", "30min-approved"],
)
def test_handed_to_delivery_with_full_data_and_allowed_window_is_accepted_shop_3_shop_7(
    overrides,
):
    # given day, time window and address agreed (a short window only with approval)
    out = outcome("shop", "handed_to_delivery")
    # when the order is handed to delivery
    found = evaluate(out, context(out, _delivery(**overrides)))
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize(
    "missing", ["delivery_address", "delivery_date", "delivery_time_from", "delivery_time_to"]
)
def test_handed_to_delivery_without_required_field_is_refused_shop_3(missing):
    # given the delivery data with one field missing
    out = outcome("shop", "handed_to_delivery")
    values = _delivery(**{missing: None})
    # when the order is handed to delivery
    found = evaluate(out, context(out, values))
    # then that field is required under SHOP-3
    assert pairs(found) == {("SHOP-3", missing)}


@pytest.mark.parametrize(
    "overrides",
    [
        {"delivery_time_to": time(12, 0)},
        {"delivery_time_to": time(12, 59)},
        {"delivery_time_to": time(12, 0), "delivery_window_approved": False},
        {"delivery_time_from": time(15, 0), "delivery_time_to": time(14, 0)},
    ],
    ids=["2h", "2h59m", "2h-not-approved", "end-before-start"],
)
def test_handed_to_delivery_with_window_under_3_hours_unapproved_is_refused_shop_7(overrides):
    # given a delivery window shorter than 3 hours and no approval recorded
    out = outcome("shop", "handed_to_delivery")
    # when the order is handed to delivery
    found = evaluate(out, context(out, _delivery(**overrides)))
    # then the window is refused under SHOP-7
    assert pairs(found) == {("SHOP-7", "delivery_time_to")}


# --- SHOP-5 No answer -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "moments",
    [
        (msk(23, 9), msk(23, 11), msk(23, 14)),
        (msk(23, 7), msk(23, 9), msk(23, 12)),  # exactly 5 hours from first to third
        (msk(22, 9), msk(23, 8), msk(23, 9), msk(23, 10)),
        (msk(23, 9), msk(23, 9, 1), msk(23, 9, 2)),
    ],
    ids=["spread", "exactly-5h", "other-day-plus-three", "three-in-a-row"],
)
def test_no_answer_after_three_failed_calls_within_5_hours_of_one_day_is_accepted_shop_5(
    moments,
):
    # given at least 3 failed calls within 5 hours of one day and no earlier conversation
    out = outcome("shop", "no_answer")
    ctx = context(out, {}, status="new", calls=calls(*moments))
    # when the order is cancelled as "no answer"
    found = evaluate(out, ctx)
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize("results", [("busy", "voicemail", "no_answer"), ("invalid_number",) * 3])
def test_no_answer_counts_busy_and_voicemail_as_failed_calls_shop_5(results):
    # given three failed attempts of different kinds in one morning
    out = outcome("shop", "no_answer")
    moments = (msk(23, 9), msk(23, 10), msk(23, 11))
    facts = tuple(call(m, r) for m, r in zip(moments, results, strict=True))
    # when the order is cancelled as "no answer"
    found = evaluate(out, context(out, {}, calls=facts))
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize(
    "moments",
    [
        (),
        (msk(23, 9), msk(23, 11)),
        (msk(23, 7), msk(23, 9), msk(23, 12, 1)),
        (msk(22, 10), msk(23, 10), msk(24, 10)),
        (msk(22, 22), msk(22, 23), msk(23, 0, 30)),  # 2.5 hours, but across midnight
    ],
    ids=["none", "two", "just-over-5h", "one-a-day", "across-midnight"],
)
def test_no_answer_without_three_calls_within_5_hours_of_one_day_is_refused_shop_5(moments):
    # given too few failed calls, or calls spread too wide or over two days
    out = outcome("shop", "no_answer")
    ctx = context(out, {}, status="new", calls=calls(*moments))
    # when the order is cancelled as "no answer"
    found = evaluate(out, ctx)
    # then the calls are refused under SHOP-5
    assert pairs(found) == {("SHOP-5", "calls")}


def test_no_answer_uses_the_project_day_not_the_utc_day_shop_5():
    # given 3 calls on one UTC day (19:00, 20:00, 21:30 UTC) that span midnight in Moscow
    out = outcome("shop", "no_answer")
    moments = tuple(
        datetime(2026, 11, 22, h, m, tzinfo=UTC) for h, m in [(19, 0), (20, 0), (21, 30)]
    )
    # when the order is cancelled as "no answer"
    found = evaluate(out, context(out, {}, calls=calls(*moments)))
    # then the Moscow day boundary splits them and the save is refused
    assert pairs(found) == {("SHOP-5", "calls")}


def _after_conversation(*days_of_calls):
    """An answered call on 20 Nov, then failed calls."""
    failed = tuple(call(m) for m in days_of_calls)
    return (call(msk(20, 15), "answered"), *failed)


@pytest.mark.parametrize(
    "moments",
    [
        (msk(21, 10), msk(21, 11), msk(21, 12), msk(22, 10), msk(22, 11), msk(22, 12)),
        (
            msk(21, 9),
            msk(21, 9, 30),
            msk(21, 11),
            msk(21, 17),
            msk(22, 8),
            msk(22, 13),
            msk(22, 20),
        ),
        (msk(21, 10), msk(22, 10), msk(22, 11), msk(22, 12), msk(23, 9), msk(23, 10), msk(23, 11)),
    ],
    ids=["two-days", "uneven-but-spaced", "later-pair-of-days"],
)
def test_no_answer_after_conversation_with_two_days_of_three_spaced_calls_is_accepted_shop_5(
    moments,
):
    # given an earlier conversation, then 2 consecutive days of >=3 calls at least 1 h apart
    out = outcome("shop", "no_answer")
    ctx = context(out, {}, status="new", calls=_after_conversation(*moments))
    # when the order is cancelled as "no answer"
    found = evaluate(out, ctx)
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize(
    "moments",
    [
        (msk(21, 9), msk(21, 10), msk(21, 11)),
        (msk(21, 10), msk(21, 11), msk(21, 12), msk(23, 10), msk(23, 11), msk(23, 12)),
        (msk(21, 10), msk(21, 10, 30), msk(21, 11), msk(22, 10), msk(22, 11), msk(22, 12)),
        (msk(21, 10), msk(21, 11), msk(22, 10), msk(22, 11)),
    ],
    ids=["one-day-only", "days-not-consecutive", "calls-under-1h-apart", "two-calls-a-day"],
)
def test_no_answer_after_conversation_without_two_days_of_spaced_calls_is_refused_shop_5(
    moments,
):
    # given an earlier conversation and fewer than 2 consecutive qualifying days
    out = outcome("shop", "no_answer")
    ctx = context(out, {}, status="new", calls=_after_conversation(*moments))
    # when the order is cancelled as "no answer"
    found = evaluate(out, ctx)
    # then the calls are refused under SHOP-5
    assert pairs(found) == {("SHOP-5", "calls")}


def test_no_answer_ignores_failed_calls_made_before_the_conversation_shop_5():
    # given two good days of failed calls, then a conversation, then nothing
    out = outcome("shop", "no_answer")
    before = calls(msk(18, 10), msk(18, 11), msk(18, 12), msk(19, 10), msk(19, 11), msk(19, 12))
    ctx = context(out, {}, calls=(*before, call(msk(20, 15), "answered")))
    # when the order is cancelled as "no answer"
    found = evaluate(out, ctx)
    # then the attempts before the conversation do not count
    assert pairs(found) == {("SHOP-5", "calls")}


@pytest.mark.parametrize(
    "history",
    [
        calls(msk(23, 9), msk(23, 10), msk(23, 11)),
        _after_conversation(
            msk(21, 10), msk(21, 11), msk(21, 12), msk(22, 10), msk(22, 11), msk(22, 12)
        ),
    ],
    ids=["enough-calls-without-conversation", "enough-calls-after-conversation"],
)
def test_no_answer_from_status_call_back_is_refused_shop_5(history):
    # given an order being called back after a substantive talk, with enough failed calls
    out = outcome("shop", "no_answer")
    ctx = context(out, {}, status="call_back", calls=history)
    # when the operator tries "no answer"
    found = evaluate(out, ctx)
    # then the status itself is refused (use "consultation" instead)
    assert pairs(found) == {("SHOP-5", "code")}


def test_no_answer_from_call_back_without_calls_reports_status_and_calls_shop_5():
    # given an order in "call back" and no calls
    out = outcome("shop", "no_answer")
    # when the operator tries "no answer"
    found = evaluate(out, context(out, {}, status="call_back"))
    # then both the status and the calls are refused at once
    assert pairs(found) == {("SHOP-5", "code"), ("SHOP-5", "calls")}


# --- SHOP-5 Out of stock, Needs showroom ----------------------------------------------------


@pytest.mark.parametrize("code", ["out_of_stock", "needs_showroom"])
def test_out_of_stock_and_needs_showroom_with_items_are_accepted_shop_5(code):
    # given an order with items filled
    out = outcome("shop", code)
    # when it is cancelled with this reason
    found = evaluate(out, context(out, {"comment": "Makita 6271"}, items_count=2))
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize("code", ["out_of_stock", "needs_showroom"])
def test_out_of_stock_and_needs_showroom_without_items_are_refused_shop_5(code):
    # given an order with no items
    out = outcome("shop", code)
    # when it is cancelled with this reason
    found = evaluate(out, context(out, {}, items_count=0))
    # then the items are required under SHOP-5
    assert pairs(found) == {("SHOP-5", "items")}


# --- SHOP-5 Not profitable ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("problem", "goods_total"),
    [
        ("wrong_price", Decimal("150000")),
        ("wrong_price", Decimal("500")),
        ("small_order", Decimal("1999.99")),
        ("small_order", Decimal("0")),
    ],
)
def test_not_profitable_with_a_reason_that_fits_is_accepted_shop_5(problem, goods_total):
    # given a wrong-price order of any size, or a small order under 2,000 RUB
    out = outcome("shop", "not_profitable")
    ctx = context(out, {"problem": problem}, goods_total=goods_total, items_count=1)
    # when it is cancelled as not profitable
    found = evaluate(out, ctx)
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize(
    ("problem", "goods_total"),
    [
        ("", Decimal("100")),
        ("changed_mind", Decimal("100")),
        ("small_order", Decimal("2000")),
        ("small_order", Decimal("2000.01")),
        ("small_order", Decimal("35000")),
    ],
    ids=["no-problem", "unknown-problem", "exactly-2000", "just-over-2000", "big-order"],
)
def test_not_profitable_without_a_fitting_reason_is_refused_shop_5(problem, goods_total):
    # given no reason, a foreign reason, or "small order" on an order of 2,000 RUB or more
    out = outcome("shop", "not_profitable")
    ctx = context(out, {"problem": problem}, goods_total=goods_total, items_count=1)
    # when it is cancelled as not profitable
    found = evaluate(out, ctx)
    # then the problem is refused under SHOP-5
    assert pairs(found) == {("SHOP-5", "problem")}


# --- SHOP-5 Cancelled -----------------------------------------------------------------------


def test_cancelled_with_a_reason_comment_is_accepted_shop_5():
    # given a reason that fits none of the listed statuses, written down
    out = outcome("shop", "cancelled")
    # when the order is cancelled
    found = evaluate(out, context(out, {"comment": "Заказ оформлен по ошибке"}))
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize("comment", [None, "", "   "])
def test_cancelled_without_a_comment_is_refused_shop_5(comment):
    # given no reason comment
    out = outcome("shop", "cancelled")
    # when the order is cancelled
    found = evaluate(out, context(out, {"comment": comment}))
    # then the comment is required under SHOP-5
    assert pairs(found) == {("SHOP-5", "comment")}


# --- statuses without extra rules -----------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "pickup",
        "taken_by_courier",
        "done",
        "bought_elsewhere",
        "delivery_not_suitable",
        "price_not_suitable",
        "discontinued",
        "consultation",
    ],
)
def test_statuses_without_extra_rules_accept_a_bare_save_shop_3_shop_4_shop_5(code):
    # given an order with nothing filled in
    out = outcome("shop", code)
    # when it is saved in a status that has no extra rule
    found = evaluate(out, context(out, {}, status="call_back"))
    # then nothing is refused
    assert found == []
