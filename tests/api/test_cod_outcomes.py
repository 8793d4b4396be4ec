"""Saving a COD order with a result through the API (COD-15…19): every rule both refused
(422 naming the rule and field, nothing changed) and accepted (200, status changed)."""

from __future__ import annotations

from datetime import timedelta

from tests.api.support import (
    MOSCOW,
    assert_refused,
    call,
    intake,
    intake_body,
    outcome,
    parse,
    real_now,
    snapshot,
)


def _new_order(cod, api_for) -> int:
    return intake(api_for(cod.partner), cod)["id"]


def _future(hours: float = 2) -> str:
    return (real_now() + timedelta(hours=hours)).isoformat()


# --- COD-15 confirm → buffer ------------------------------------------------------------


def test_confirm_without_a_call_is_refused_naming_cod_15(cod, api_for):
    # given a new order nobody has called yet
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order_id)
    # when the operator confirms it
    response = outcome(api, order_id, "confirm")
    # then the save is refused for the missing call, and nothing changed
    assert_refused(response, "COD-15", "calls")
    assert snapshot(api, order_id) == before


def test_confirm_with_a_callback_date_is_refused_naming_cod_15(cod, api_for):
    # given an order with an answered call
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    # when the operator confirms it but leaves a callback date
    response = outcome(api, order_id, "confirm", callback_at=_future())
    # then the callback date must be empty
    assert_refused(response, "COD-15", "callback_at")
    assert snapshot(api, order_id) == before


def test_confirm_with_a_problem_is_refused_naming_cod_15(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    # when the operator confirms with a problem set
    response = outcome(api, order_id, "confirm", problem="need_callback")
    # then the problem must be empty
    assert_refused(response, "COD-15", "problem")
    assert snapshot(api, order_id) == before


def test_confirm_after_a_call_moves_the_order_to_the_buffer_cod_15(cod, api_for):
    # given an order with an answered call
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = api.get(f"/orders/{order_id}").data
    # when the operator confirms it with a comment
    response = outcome(api, order_id, "confirm", comment="Подтвердил, ждёт курьера")
    # then it is confirmed (in the buffer), out of the queues, with the operator responsible
    assert response.status_code == 200, response.data
    order = response.data
    assert (order["status"], order["status_group"]) == ("confirmed", "confirmed")
    assert order["queue"] is None
    assert order["problem"] == ""
    assert order["callback_at"] is None
    assert order["responsible"] == cod.operator.username
    assert order["version"] > before["version"]
    assert order["last_comment"] == "Подтвердил, ждёт курьера"
    timeline = api.get(f"/orders/{order_id}/timeline").data
    assert [e["kind"] for e in timeline][-2:] == ["comment", "status"]
    assert timeline[-1]["data"]["from"] == "new"
    assert timeline[-1]["data"]["to"] == "confirmed"


def test_a_call_before_the_previous_result_does_not_count_for_confirm_cod_15(cod, api_for):
    # given an order saved as "no answer" after a failed call
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "no_answer")
    saved = outcome(api, order_id, "no_answer", problem="no_answer", comment="Не берёт трубку")
    assert saved.status_code == 200, saved.data
    # when the operator confirms it without calling again
    response = outcome(api, order_id, "confirm")
    # then a fresh call is required
    assert_refused(response, "COD-15", "calls")


# --- COD-16 callback → in work ----------------------------------------------------------


def test_callback_without_a_call_is_refused_naming_cod_16(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order_id)
    response = outcome(
        api,
        order_id,
        "callback",
        problem="need_callback",
        callback_at=_future(),
        comment="Просил перезвонить вечером",
    )
    assert_refused(response, "COD-16", "calls")
    assert snapshot(api, order_id) == before


def test_callback_without_date_is_refused_naming_cod_16(cod, api_for):
    # given an order with an answered call
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    # when the operator saves "call back" without a date
    response = outcome(
        api, order_id, "callback", problem="need_callback", comment="Просил перезвонить"
    )
    # then the callback date is required and nothing changed
    assert_refused(response, "COD-16", "callback_at")
    assert snapshot(api, order_id) == before


def test_callback_in_the_past_is_refused_naming_cod_16(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    response = outcome(
        api,
        order_id,
        "callback",
        problem="need_callback",
        callback_at=(real_now() - timedelta(minutes=5)).isoformat(),
        comment="Просил перезвонить",
    )
    assert_refused(response, "COD-16", "callback_at")
    assert snapshot(api, order_id) == before


def test_callback_without_problem_or_comment_is_refused_naming_cod_16(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    # when both the problem and the comment are missing
    response = outcome(api, order_id, "callback", callback_at=_future())
    # then both are named at once
    assert_refused(response, "COD-16", "problem")
    assert_refused(response, "COD-16", "comment")
    assert snapshot(api, order_id) == before


def test_callback_with_a_wrong_problem_is_refused_naming_cod_16(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    response = outcome(
        api,
        order_id,
        "callback",
        problem="too_expensive",
        callback_at=_future(),
        comment="Перезвонить",
    )
    assert_refused(response, "COD-16", "problem")


def test_blank_comment_counts_as_missing_cod_16(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    response = outcome(
        api, order_id, "callback", problem="need_callback", callback_at=_future(), comment="   "
    )
    assert_refused(response, "COD-16", "comment")


def test_callback_with_everything_moves_the_order_to_in_work_cod_16(cod, api_for):
    # given an order with an answered call
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    when = (real_now() + timedelta(days=1)).astimezone(MOSCOW).replace(microsecond=0)
    # when the operator saves "call back" with problem, time and comment
    response = outcome(
        api,
        order_id,
        "callback",
        problem="need_callback",
        callback_at=when.isoformat(),
        comment="23.11: просил перезвонить завтра, на работе",
    )
    # then it waits in the In work queue for that time
    assert response.status_code == 200, response.data
    order = response.data
    assert (order["status"], order["status_group"]) == ("callback", "processing")
    assert order["problem"] == "need_callback"
    assert order["queue"] == "in_work"
    assert parse(order["callback_at"]) == when


# --- COD-17 no answer -------------------------------------------------------------------


def test_no_answer_without_any_call_is_refused_naming_cod_17(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "no_answer", problem="no_answer", comment="Не берёт")
    assert_refused(response, "COD-17", "calls")
    assert snapshot(api, order_id) == before


def test_no_answer_after_an_answered_call_is_refused_naming_cod_17(cod, api_for):
    # given an order whose latest call was answered
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    # when the operator saves "no answer"
    response = outcome(api, order_id, "no_answer", problem="no_answer", comment="Не берёт")
    # then a failed call is required
    assert_refused(response, "COD-17", "calls")
    assert snapshot(api, order_id) == before


def test_no_answer_without_problem_or_comment_is_refused_naming_cod_17(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "busy")
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "no_answer")
    assert_refused(response, "COD-17", "problem")
    assert_refused(response, "COD-17", "comment")
    assert snapshot(api, order_id) == before


def test_no_answer_with_another_problem_is_refused_naming_cod_17(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "no_answer")
    response = outcome(api, order_id, "no_answer", problem="need_callback", comment="Не берёт")
    assert_refused(response, "COD-17", "problem")


def test_no_answer_up_to_three_failed_calls_goes_to_quick_recall_cod_17(cod, api_for):
    # given a new order that arrived today
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    for attempt in range(1, 4):
        # when the operator fails to reach the customer and saves "no answer"
        call(api, order_id, "no_answer" if attempt != 2 else "voicemail")
        response = outcome(
            api, order_id, "no_answer", problem="no_answer", comment=f"Попытка {attempt}"
        )
        # then up to three failed calls keep it in Quick recall (COD-2)
        assert response.status_code == 200, response.data
        order = response.data
        assert (order["status"], order["status_group"]) == ("no_answer", "processing")
        assert order["problem"] == "no_answer"
        assert order["failed_calls"] == attempt
        assert order["queue"] == "quick_recall"


def test_no_answer_on_the_fourth_failed_call_goes_to_no_answer_today_cod_17(cod, api_for):
    # given an order that already had three failed calls saved as "no answer"
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    for attempt in range(1, 4):
        call(api, order_id, "no_answer")
        saved = outcome(api, order_id, "no_answer", problem="no_answer", comment=f"#{attempt}")
        assert saved.status_code == 200, saved.data
    # when the fourth attempt fails too
    call(api, order_id, "busy")
    response = outcome(api, order_id, "no_answer", problem="no_answer", comment="#4 занято")
    # then it moves to "No answer today" with a callback one hour from now, within today
    assert response.status_code == 200, response.data
    order = response.data
    assert order["failed_calls"] == 4
    assert order["queue"] == "no_answer_today"
    callback = parse(order["callback_at"])
    assert callback is not None
    now = real_now()
    end_of_day = now.astimezone(MOSCOW).replace(hour=23, minute=59, second=0, microsecond=0)
    expected = min(now + timedelta(hours=1), end_of_day)
    assert abs((callback - expected).total_seconds()) < 120
    assert callback.astimezone(MOSCOW).date() == now.astimezone(MOSCOW).date()


def test_four_failed_calls_saved_once_go_straight_to_no_answer_today_cod_17(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    for result in ("no_answer", "busy", "voicemail", "no_answer"):
        call(api, order_id, result)
    response = outcome(api, order_id, "no_answer", problem="no_answer", comment="4 попытки")
    assert response.status_code == 200, response.data
    assert response.data["queue"] == "no_answer_today"
    assert response.data["callback_at"] is not None


# --- COD-18 reject ----------------------------------------------------------------------


def test_reject_without_a_reason_is_refused_naming_cod_18(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "reject", comment="Отказался")
    assert_refused(response, "COD-18", "problem")
    assert snapshot(api, order_id) == before


def test_reject_with_a_non_cancellation_problem_is_refused_naming_cod_18(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "reject", problem="need_callback", comment="Отказался")
    assert_refused(response, "COD-18", "problem")
    assert snapshot(api, order_id) == before


def test_reject_without_a_comment_is_refused_naming_cod_18(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "reject", problem="changed_mind")
    assert_refused(response, "COD-18", "comment")
    assert snapshot(api, order_id) == before


def test_reject_with_each_cancellation_reason_and_comment_is_saved_cod_18(cod, api_for):
    api = api_for(cod.operator)
    for reason in ("changed_mind", "too_expensive", "other"):
        # given a reached customer who does not want the order
        order_id = _new_order(cod, api_for)
        call(api, order_id, "answered")
        # when the operator rejects it with the reason and a comment
        response = outcome(
            api, order_id, "reject", problem=reason, comment=f"23.11: отказ, {reason}"
        )
        # then it is Rejected with that reason
        assert response.status_code == 200, response.data
        order = response.data
        assert (order["status"], order["status_group"]) == ("rejected", "cancelled")
        assert order["problem"] == reason
        assert order["queue"] is None


# --- COD-19 invalid ---------------------------------------------------------------------


def test_invalid_without_a_problem_is_refused_naming_cod_19(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "invalid", comment="Невалид")
    assert_refused(response, "COD-19", "problem")
    assert snapshot(api, order_id) == before


def test_invalid_with_a_cancellation_problem_is_refused_naming_cod_19(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "invalid", problem="changed_mind", comment="Невалид")
    assert_refused(response, "COD-19", "problem")
    assert snapshot(api, order_id) == before


def test_invalid_without_a_comment_is_refused_naming_cod_19(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    response = outcome(api, order_id, "invalid", problem="invalid_number")
    assert_refused(response, "COD-19", "comment")


def test_invalid_number_needs_no_call_cod_19a(cod, api_for):
    # given a new order with a number that turns out to be wrong
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    # when the operator marks it invalid without calling
    response = outcome(
        api, order_id, "invalid", problem="invalid_number", comment="Неверное число цифр"
    )
    # then it is Invalid
    assert response.status_code == 200, response.data
    order = response.data
    assert (order["status"], order["status_group"]) == ("invalid", "cancelled")
    assert order["problem"] == "invalid_number"
    assert order["queue"] is None


def test_spam_is_saved_as_invalid_cod_19c(cod, api_for):
    order_id = _new_order(cod, api_for)
    response = outcome(api_for(cod.operator), order_id, "invalid", problem="spam", comment="Спам")
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["problem"]) == ("invalid", "spam")


def test_feedback_without_other_orders_of_the_customer_is_refused_cod_19b(cod, api_for):
    # given a customer with a single order, reached by phone
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    # when the operator saves it as feedback about an earlier order
    response = outcome(api, order_id, "invalid", problem="feedback", comment="feedback")
    # then it is refused: the customer's orders do not show an earlier one
    assert_refused(response, "COD-19", "problem")
    assert snapshot(api, order_id) == before


def _customer_with_two_orders(cod, api_for) -> tuple[int, int]:
    """Two orders of one customer: the phone typed differently, a different product."""
    partner = api_for(cod.partner)
    earlier = intake_body(cod, skus=["cod-big"])
    phone = earlier["customer"]["phone"]
    first = partner.post("/projects/cod/orders", earlier)
    assert first.status_code == 201, first.data
    later = intake_body(cod)
    later["customer"] = {"name": earlier["customer"]["name"], "phone": "8" + phone[2:]}
    second = partner.post("/projects/cod/orders", later)
    assert second.status_code == 201, second.data
    return first.data["id"], second.data["id"]


def test_feedback_needs_a_call_cod_19b(cod, api_for):
    # given a customer with an earlier order, not called about the new form
    _, order_id = _customer_with_two_orders(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order_id)
    # when the operator saves it as feedback without calling
    response = outcome(api, order_id, "invalid", problem="feedback", comment="feedback")
    # then a call is required
    assert_refused(response, "COD-19", "calls")
    assert snapshot(api, order_id) == before


def test_feedback_with_a_call_and_an_earlier_order_is_invalid_cod_19b(cod, api_for):
    # given a customer with an earlier order, reached by phone
    earlier_id, order_id = _customer_with_two_orders(cod, api_for)
    api = api_for(cod.operator)
    assert [o["id"] for o in api.get(f"/orders/{order_id}").data["other_orders"]] == [earlier_id]
    call(api, order_id, "answered")
    # when the operator saves it as feedback
    response = outcome(
        api, order_id, "invalid", problem="feedback", comment="feedback: про прошлый заказ"
    )
    # then it is Invalid
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["problem"]) == ("invalid", "feedback")


def test_duplicate_without_other_orders_of_the_customer_is_refused_cod_19d(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "invalid", problem="duplicate", comment="Уже заказывал")
    assert_refused(response, "COD-19", "problem")
    assert snapshot(api, order_id) == before


def test_duplicate_with_another_order_of_the_customer_is_invalid_cod_19d(cod, api_for):
    _, order_id = _customer_with_two_orders(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    response = outcome(api, order_id, "invalid", problem="duplicate", comment="Уже заказывал")
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["problem"]) == ("invalid", "duplicate")


# --- across outcomes --------------------------------------------------------------------


def test_every_violation_is_listed_at_once_x_7(cod, api_for):
    # given an order nobody called
    order_id = _new_order(cod, api_for)
    # when "call back" is saved with nothing filled in
    response = outcome(api_for(cod.operator), order_id, "callback")
    # then the call, problem, date and comment are all named in one answer
    assert_refused(response, "COD-16", "calls")
    assert_refused(response, "COD-16", "problem")
    assert_refused(response, "COD-16", "callback_at")
    assert_refused(response, "COD-16", "comment")


def test_outcome_with_a_stale_version_is_a_conflict(cod, api_for):
    # given an order the operator loaded, then someone commented on it
    order_id = _new_order(cod, api_for)
    api = api_for(cod.operator)
    loaded = api.get(f"/orders/{order_id}").data
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    # when the operator saves a result with the version they loaded
    response = outcome(api, order_id, "confirm", version=loaded["version"])
    # then it is a conflict and nothing changed
    assert response.status_code == 409, response.data
    assert snapshot(api, order_id) == before


def test_supervisor_may_save_results_too(cod, api_for):
    order_id = _new_order(cod, api_for)
    api = api_for(cod.supervisor)
    call(api, order_id, "answered")
    response = outcome(api, order_id, "confirm")
    assert response.status_code == 200, response.data
    assert response.data["status"] == "confirmed"
