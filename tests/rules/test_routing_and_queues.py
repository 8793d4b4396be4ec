"""Routing after an outcome and the tab an order shows in (SPEC COD-1…6, COD-15…17, SHOP-1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dozvon.playbooks.engine import created_day, queue_of, route
from tests.rules.support import MSK, NOW, TZ, msk, outcome, playbook

pytestmark = pytest.mark.nodb


def _route(pb: str, code: str, *, failed_calls: int = 0, now=NOW, callback_at=None):
    return route(
        outcome(pb, code), failed_calls=failed_calls, now=now, tz=TZ, callback_at=callback_at
    )


# --- COD-17 No answer -----------------------------------------------------------------------


@pytest.mark.parametrize("failed_calls", [0, 1, 2, 3])
def test_no_answer_with_up_to_3_failed_calls_is_due_again_in_2_minutes_cod_2_cod_17(
    failed_calls,
):
    # given an order with at most 3 failed calls
    # when it is saved as "no answer"
    decision = _route("cod", "no_answer", failed_calls=failed_calls)
    # then it waits in the unreached bucket (quick recall) and is due 2 minutes later
    assert decision.bucket == "unreached"
    assert decision.due_at == NOW + timedelta(minutes=2)
    assert decision.callback_at is None


@pytest.mark.parametrize("failed_calls", [4, 5, 12])
def test_no_answer_with_more_than_3_failed_calls_calls_back_in_an_hour_cod_17(failed_calls):
    # given an order with more than 3 failed calls, at noon
    # when it is saved as "no answer"
    decision = _route("cod", "no_answer", failed_calls=failed_calls)
    # then the callback is one hour from now and the order is due then
    assert decision.bucket == "unreached"
    assert decision.callback_at == NOW + timedelta(hours=1)
    assert decision.due_at == decision.callback_at


def test_no_answer_late_evening_clamps_the_callback_within_today_cod_17():
    # given more than 3 failed calls at 23:30 Moscow time
    now = msk(23, 23, 30)
    # when the order is saved as "no answer"
    decision = _route("cod", "no_answer", failed_calls=4, now=now)
    # then the callback is still today (not 00:30 tomorrow) and not before now
    local = decision.callback_at.astimezone(MSK)
    assert local.date() == now.date()
    assert now < decision.callback_at <= now + timedelta(hours=1)
    assert decision.due_at == decision.callback_at


def test_no_answer_late_evening_clamps_in_project_time_even_when_now_is_utc_cod_17():
    # given "now" passed in UTC: 20:30 UTC is 23:30 in Moscow
    now = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)
    # when the order is saved as "no answer" after 4 failed calls
    decision = _route("cod", "no_answer", failed_calls=4, now=now)
    # then the callback stays within the Moscow day
    assert decision.callback_at.astimezone(MSK).date() == now.astimezone(MSK).date()
    assert decision.callback_at > now


def test_no_answer_in_the_evening_is_not_clamped_when_the_hour_fits_today_cod_17():
    # given more than 3 failed calls at 22:58 Moscow time
    now = msk(23, 22, 58)
    # when the order is saved as "no answer"
    decision = _route("cod", "no_answer", failed_calls=4, now=now)
    # then the callback is exactly one hour later, still today
    assert decision.callback_at == msk(23, 23, 58)


def test_no_answer_in_the_last_minute_of_the_day_never_sets_a_past_callback_cod_17():
    # given more than 3 failed calls at 23:59:30 Moscow time
    now = msk(23, 23, 59) + timedelta(seconds=30)
    # when the order is saved as "no answer"
    decision = _route("cod", "no_answer", failed_calls=4, now=now)
    # then the callback is within today and not in the past
    assert decision.callback_at.astimezone(MSK).date() == now.date()
    assert decision.callback_at >= now


# --- COD-15, COD-16, COD-18, COD-19 --------------------------------------------------------


def test_callback_goes_to_in_work_due_at_the_agreed_time_cod_3_cod_16():
    # given a callback agreed for tomorrow 10:00
    agreed = msk(24, 10)
    # when the order is saved as "call back"
    decision = _route("cod", "callback", callback_at=agreed)
    # then it waits in "in work" and is due at that time
    assert (decision.bucket, decision.due_at, decision.callback_at) == ("in_work", agreed, agreed)


@pytest.mark.parametrize("code", ["confirm", "reject", "invalid"])
def test_final_outcomes_leave_every_calling_queue_cod_15_cod_18_cod_19(code):
    # given an order saved with a final result
    # when it is routed
    decision = _route("cod", code, failed_calls=5)
    # then it is in no bucket and never due
    assert (decision.bucket, decision.due_at, decision.callback_at) == ("", None, None)


# --- SHOP-1 Call back -----------------------------------------------------------------------


def test_shop_call_back_without_time_creates_a_task_in_2_days_shop_1():
    # given no callback time picked
    # when the order is saved as "call back"
    decision = _route("shop", "call_back")
    # then a callback task is due in 2 days
    assert decision.bucket == "call_back"
    assert decision.callback_at == NOW + timedelta(days=2)
    assert decision.due_at == decision.callback_at


def test_shop_call_back_keeps_the_time_the_operator_chose_shop_1():
    # given a callback time chosen by the operator
    chosen = msk(24, 16)
    # when the order is saved as "call back"
    decision = _route("shop", "call_back", callback_at=chosen)
    # then that time wins over the 2-day default
    assert (decision.bucket, decision.due_at, decision.callback_at) == ("call_back", chosen, chosen)


@pytest.mark.parametrize("code", ["handed_to_delivery", "no_answer", "cancelled", "done"])
def test_shop_outcomes_without_routes_leave_the_queues_shop_3_shop_5(code):
    # given any other SHOP result
    # when it is routed
    decision = _route("shop", code)
    # then the order waits in no queue
    assert (decision.bucket, decision.due_at) == ("", None)


# --- created_day and queue_of (COD-1…6) ----------------------------------------------------


@pytest.mark.parametrize(
    ("created_at", "expected"),
    [
        (msk(23, 0, 0), "today"),
        (msk(23, 11, 59), "today"),
        (msk(22, 23, 59), "yesterday"),
        (msk(22, 0, 0), "yesterday"),
        (msk(21, 12), "day_before"),
        (msk(20, 23, 59), "earlier"),
        (msk(1, 12), "earlier"),
        (NOW + timedelta(minutes=5), "today"),
        (datetime(2026, 11, 22, 21, 0, tzinfo=UTC), "today"),  # 00:00 Moscow on the 23rd
        (datetime(2026, 11, 22, 20, 59, tzinfo=UTC), "yesterday"),  # 23:59 Moscow on the 22nd
    ],
)
def test_arrival_day_is_counted_in_the_project_time_zone_cod_4_cod_5_cod_6(created_at, expected):
    # given an order's arrival time
    # when its arrival day is named relative to now
    # then local calendar days decide, not elapsed hours
    assert created_day(created_at, NOW, TZ) == expected


def test_arrival_shortly_before_midnight_is_yesterday_just_after_it_cod_5():
    # given an order that arrived at 23:50 and now is 00:10 next day
    # when its arrival day is named
    # then it is "yesterday" though only 20 minutes passed
    assert created_day(msk(22, 23, 50), msk(23, 0, 10), TZ) == "yesterday"


def _queue(bucket, created_at, failed_calls, pb="cod"):
    found = queue_of(
        playbook(pb),
        bucket=bucket,
        created_at=created_at,
        failed_calls=failed_calls,
        now=NOW,
        tz=TZ,
    )
    return found.code if found else None


@pytest.mark.parametrize(
    ("bucket", "created_at", "failed_calls", "expected"),
    [
        ("new", msk(23, 11), 0, "new"),
        ("new", msk(10, 11), 0, "new"),
        ("unreached", msk(23, 9), 0, "quick_recall"),
        ("unreached", msk(23, 9), 1, "quick_recall"),
        ("unreached", msk(23, 9), 3, "quick_recall"),
        ("unreached", msk(23, 9), 4, "no_answer_today"),
        ("unreached", msk(23, 9), 9, "no_answer_today"),
        ("unreached", msk(22, 9), 1, "no_answer_yesterday"),
        ("unreached", msk(22, 9), 7, "no_answer_yesterday"),
        ("unreached", msk(21, 9), 2, "no_answer_day_before"),
        ("unreached", msk(21, 9), 8, "no_answer_day_before"),
        ("unreached", msk(20, 9), 5, "no_answer_earlier"),
        ("unreached", msk(1, 9), 20, "no_answer_earlier"),
        ("in_work", msk(20, 9), 2, "in_work"),
        ("", msk(23, 9), 0, None),
        ("nowhere", msk(23, 9), 0, None),
    ],
)
def test_order_shows_in_the_tab_of_its_bucket_arrival_day_and_failed_calls_cod_1_to_6(
    bucket, created_at, failed_calls, expected
):
    # given an order's bucket, arrival time and failed calls
    # when its tab is chosen
    # then the COD tabs follow the arrival day and the number of failed calls
    assert _queue(bucket, created_at, failed_calls) == expected


def test_no_answer_earlier_is_listed_but_not_called_from_queues_cod_6():
    # given the COD queues
    queues = {q.code: q for q in playbook("cod").queues}
    # when looking at which are called from
    # then only "no answer earlier" is not callable
    assert [code for code, q in queues.items() if not q.callable] == ["no_answer_earlier"]


def test_new_is_taken_oldest_first_unassigned_only_others_in_list_order_cod_7_cod_8():
    # given the COD queues
    queues = {q.code: q for q in playbook("cod").queues}
    # when looking at how each is taken
    # then "new" is oldest first and only unassigned; the others in list order
    assert (queues["new"].take, queues["new"].unassigned_only) == ("oldest_first", True)
    assert {q.take for code, q in queues.items() if code != "new"} == {"list"}
    assert not any(q.unassigned_only for code, q in queues.items() if code != "new")


def test_routed_no_answer_order_lands_in_quick_recall_then_no_answer_today_cod_2_cod_4():
    # given an order that arrived this morning
    created = msk(23, 9)
    # when it is saved as "no answer" after 3 and after 4 failed calls
    third = _route("cod", "no_answer", failed_calls=3)
    fourth = _route("cod", "no_answer", failed_calls=4)
    # then it shows first in quick recall, then in "no answer today"
    assert _queue(third.bucket, created, 3) == "quick_recall"
    assert _queue(fourth.bucket, created, 4) == "no_answer_today"


def test_shop_call_back_bucket_shows_in_the_call_back_tab_shop_1():
    # given a SHOP order routed to call back
    decision = _route("shop", "call_back")
    # when its tab is chosen
    # then it is the call-back tab, whatever its age
    assert _queue(decision.bucket, msk(1, 9), 0, pb="shop") == "call_back"
