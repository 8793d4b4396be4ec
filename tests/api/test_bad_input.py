"""Bad input never gives a 500 (API.md "Conventions"): malformed or wrong-typed bodies,
huge strings, unknown codes and fields, out-of-range pagination and numbers are all 422
with {"errors": [{"rule", "field", "message"}]}; `rule` is "input" for malformed input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.support import (
    MOSCOW,
    assert_error_shape,
    assert_refused,
    call,
    errors_of,
    intake,
    intake_body,
    outcome,
    real_now,
    snapshot,
)

HUGE = "Я" * 100_000


def _order(cod, api_for) -> int:
    return intake(api_for(cod.partner), cod)["id"]


def _input_error(response, field: str | None = None) -> None:
    assert_error_shape(response)
    rules = {e["rule"] for e in response.data["errors"]}
    assert rules == {"input"}, response.data
    if field is not None:
        assert field in {e["field"] for e in response.data["errors"]}, response.data


# --- malformed bodies -------------------------------------------------------------------


def test_malformed_json_is_422_input_everywhere(cod, api_for):
    # given an order and users allowed to write
    order_id = _order(cod, api_for)
    partner, operator = api_for(cod.partner), api_for(cod.operator)
    before = snapshot(operator, order_id)
    for api, method, path in (
        (partner, "post", "/projects/cod/orders"),
        (operator, "post", f"/orders/{order_id}/outcome"),
        (operator, "post", f"/orders/{order_id}/calls"),
        (operator, "post", f"/orders/{order_id}/comments"),
        (operator, "post", f"/orders/{order_id}/items"),
        (operator, "patch", f"/orders/{order_id}"),
    ):
        # when the body is not JSON at all
        response = getattr(api, method)(path, raw='{"code": "confirm",')
        # then it is 422 "input" naming the body
        _input_error(response, "body")
    assert snapshot(operator, order_id) == before


def test_non_object_json_bodies_are_422_input(cod, api_for):
    order_id = _order(cod, api_for)
    operator = api_for(cod.operator)
    for raw in ("[]", '"confirm"', "42", "null", "true"):
        response = operator.post(f"/orders/{order_id}/outcome", raw=raw)
        _input_error(response)
        response = api_for(cod.partner).post("/projects/cod/orders", raw=raw)
        _input_error(response)


def test_empty_body_is_422_input(cod, api_for):
    order_id = _order(cod, api_for)
    response = api_for(cod.operator).post(f"/orders/{order_id}/outcome", raw="")
    _input_error(response)


def test_intake_with_wrong_types_is_422_input_naming_the_field(cod, api_for):
    api = api_for(cod.partner)
    cases = [
        ({"items": [{"sku": "cod-main", "quantity": "abc"}]}, "items[0].quantity"),
        ({"items": [{"sku": "cod-main", "quantity": 1.5}]}, "items[0].quantity"),
        ({"items": [{"sku": "cod-main", "quantity": 10**30}]}, "items[0].quantity"),
        ({"items": "cod-main"}, "items"),
        ({"items": {"sku": "cod-main"}}, "items"),
        ({"items": [{"quantity": 1}]}, "items[0].sku"),
        ({"items": [{"sku": "cod-main", "price": "NaN"}]}, "items[0].price"),
        ({"items": [{"sku": "cod-main", "price": "Infinity"}]}, "items[0].price"),
        ({"items": [{"sku": "cod-main", "price": "1e400"}]}, "items[0].price"),
        ({"items": [{"sku": "cod-main", "discount_percent": "ten"}]}, "items[0].discount_percent"),
        ({"customer": "Иванов"}, None),
        ({"customer": {"name": "Иванов"}}, "customer.phone"),
        ({"customer": {"name": ["Иванов"], "phone": "+79161234567"}}, "customer.name"),
        ({"created_at": "вчера"}, "created_at"),
        ({"external_id": {"id": 1}}, "external_id"),
    ]
    for override, field in cases:
        # when a field has the wrong type
        response = api.post("/projects/cod/orders", intake_body(cod, **override))
        # then it is 422 "input" naming that field
        _input_error(response, field)
    assert api_for(cod.operator).get("/projects/cod/orders").data["count"] == 0


def test_intake_with_100k_char_strings_is_422_not_500(cod, api_for):
    api = api_for(cod.partner)
    for override, field in (
        ({"customer": {"name": HUGE, "phone": "+79161234567"}}, "customer.name"),
        ({"customer": {"name": "Иван", "phone": HUGE}}, "customer.phone"),
        ({"customer": {"name": "Иван", "phone": "+79161234567", "email": HUGE}}, "customer.email"),
        ({"external_id": HUGE}, "external_id"),
        ({"items": [{"sku": HUGE, "quantity": 1}]}, "items[0].sku"),
        ({"payment_method": HUGE}, "payment_method"),
    ):
        response = api.post("/projects/cod/orders", intake_body(cod, **override))
        _input_error(response, field)


def test_intake_with_thousands_of_items_is_422_not_500(cod, api_for):
    body = intake_body(cod, items=[{"sku": "cod-main", "quantity": 1}] * 5000)
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    _input_error(response, "items")


def test_intake_with_a_nul_character_does_not_500(cod, api_for):
    body = intake_body(cod)
    body["customer"]["name"] = "Иван\x00ов"
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    # PostgreSQL text cannot hold a NUL: malformed input naming the field, nothing taken in
    _input_error(response, "customer.name")
    assert api_for(cod.operator).get("/projects/cod/orders").data["count"] == 0


@pytest.mark.parametrize(
    "raw",
    [
        '[{"external_id": "\\ud800", "customer": {}}]',  # a lone surrogate in a value
        '[{"\\udfff": 1}]',  # … or in a key
    ],
)
def test_a_batch_with_a_lone_surrogate_is_422_not_500(cod, api_for, raw):
    response = api_for(cod.partner).post("/projects/cod/orders/batch", raw=raw)
    assert response.status_code == 422, response.status_code
    assert_error_shape(response)


def test_intake_with_an_absurd_created_at_is_422_not_500(cod, api_for):
    api = api_for(cod.partner)
    for created_at in ("0001-01-01T00:00:00", "9999-12-31T23:59:59+00:00"):
        # when the partner sends a date at the edge of the calendar
        response = api.post("/projects/cod/orders", intake_body(cod, created_at=created_at))
        # then it is refused, not a server error
        assert_error_shape(response)
        assert "created_at" in {e["field"] for e in response.data["errors"]}, response.data


# --- outcomes ---------------------------------------------------------------------------


def test_unknown_outcome_code_is_422_naming_the_code_x_7(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order_id)
    for code in ("approve", "", "CONFIRM", "awaiting_prepayment"):
        response = outcome(api, order_id, code)
        assert_refused(response, "X-7", "code")
    assert snapshot(api, order_id) == before


def test_unknown_problem_code_is_422_naming_the_problem(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "reject", problem="bored", comment="Отказ")
    assert_refused(response, "COD-18", "problem")
    assert snapshot(api, order_id) == before


def test_unknown_fields_in_an_outcome_body_are_422_input(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    for extra in ({"status": "confirmed"}, {"failed_calls": 0}, {"responsible": "boss"}):
        response = outcome(api, order_id, "confirm", **extra)
        _input_error(response, next(iter(extra)))
    assert snapshot(api, order_id) == before


def test_outcome_with_wrong_types_is_422_input(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    cases = [
        ({"code": 1}, "code"),
        ({"code": ["confirm"]}, "code"),
        ({"code": "callback", "callback_at": "завтра"}, "callback_at"),
        ({"code": "confirm", "version": "one"}, "version"),
        ({"code": "confirm", "comment": {"text": "x"}}, "comment"),
        ({"code": "confirm", "delivery_date": "31.12.2026"}, "delivery_date"),
        ({"code": "confirm", "delivery_time_from": "25:00"}, "delivery_time_from"),
        ({"code": "confirm", "delivery_address": "Москва"}, "delivery_address"),
        ({"code": "confirm", "delivery_address": {"city": {"nested": "x"}}}, None),
        ({"code": "confirm", "paid_amount": "lots"}, "paid_amount"),
        ({"code": "confirm", "delivery_window_approved": "maybe"}, "delivery_window_approved"),
        ({"comment": "без кода"}, "code"),
    ]
    for body, field in cases:
        response = api.post(f"/orders/{order_id}/outcome", body)
        _input_error(response, field)
    assert snapshot(api, order_id) == before


def test_outcome_with_a_100k_char_comment_is_422_not_500(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    response = outcome(api, order_id, "reject", problem="other", comment=HUGE)
    assert_error_shape(response)
    assert "comment" in {e["field"] for e in response.data["errors"]}
    response = outcome(api, order_id, "reject", problem="x" * 100_000, comment="Отказ")
    assert_error_shape(response)
    assert snapshot(api, order_id) == before


def test_callback_at_at_the_end_of_the_calendar_is_422_not_500_cod_16(cod, api_for):
    # given an order with an answered call
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    before = snapshot(api, order_id)
    # when the callback date is the very last moment representable
    response = outcome(
        api,
        order_id,
        "callback",
        problem="need_callback",
        callback_at="9999-12-31T23:59:59+00:00",
        comment="Перезвонить когда-нибудь",
    )
    # then it is refused naming the date, not a server error, and nothing changed
    assert_error_shape(response)
    assert "callback_at" in {e["field"] for e in response.data["errors"]}, response.data
    assert snapshot(api, order_id) == before


def test_naive_callback_at_is_read_in_the_project_time_zone_cod_16(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    local = (real_now() + timedelta(days=2)).astimezone(MOSCOW)
    naive = local.replace(tzinfo=None, microsecond=0).isoformat()
    response = outcome(
        api, order_id, "callback", problem="need_callback", callback_at=naive, comment="Позже"
    )
    assert response.status_code == 200, response.data
    assert response.data["callback_at"] == naive + "+03:00"


# --- calls, items, comments -------------------------------------------------------------


def test_unknown_call_result_is_422_naming_the_result_x_8(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order_id)
    response = api.post(f"/orders/{order_id}/calls", {"result": "picked_up"})
    assert_refused(response, "X-8", "result")
    assert snapshot(api, order_id) == before


def test_calls_with_bad_values_are_422_not_500_x_8(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order_id)
    cases = [
        ({"result": "answered", "duration_s": -5}, "X-8", "duration_s"),
        ({"result": "answered", "duration_s": 10**12}, "input", "duration_s"),
        ({"result": "answered", "duration_s": "long"}, "input", "duration_s"),
        ({"result": "answered", "started_at": "0001-01-01T00:00:00"}, None, "started_at"),
        ({"result": "answered", "started_at": "9999-12-31T23:59:59+00:00"}, None, "started_at"),
        ({"result": "answered", "started_at": "yesterday"}, "input", "started_at"),
        ({"result": "answered", "started_at": "2000-01-01T10:00:00+03:00"}, "X-8", "started_at"),
        ({"result": "a" * 100_000}, "input", "result"),
        ({"duration_s": 10}, "input", "result"),
    ]
    for body, rule, field in cases:
        response = api.post(f"/orders/{order_id}/calls", body)
        assert_error_shape(response)
        assert field in {e["field"] for e in response.data["errors"]}, (body, response.data)
        if rule is not None:
            assert (rule, field) in errors_of(response), (body, response.data)
    assert snapshot(api, order_id) == before


def test_a_call_in_the_future_is_refused_x_8(cod, api_for):
    order_id = _order(cod, api_for)
    when = (real_now() + timedelta(hours=1)).isoformat()
    response = api_for(cod.operator).post(
        f"/orders/{order_id}/calls", {"result": "answered", "started_at": when}
    )
    assert_refused(response, "X-8", "started_at")


def test_items_with_bad_values_are_422_not_500(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order_id)
    cases = [
        ({"sku": "cod-gift", "quantity": "abc"}, "input", "quantity"),
        ({"sku": "cod-gift", "quantity": 0}, "COD-11", "quantity"),
        ({"sku": "cod-gift", "quantity": 10**6}, "COD-11", "quantity"),
        ({"sku": "cod-gift", "quantity": 10**30}, "input", "quantity"),
        ({"sku": "nope", "quantity": 1}, "COD-11", "sku"),
        ({"sku": "cod-gift", "discount_percent": "-1"}, "COD-11", "discount_percent"),
        ({"sku": "cod-gift", "discount_percent": "NaN"}, "input", "discount_percent"),
        ({"sku": HUGE}, "input", "sku"),
        ({"quantity": 1}, "input", "sku"),
    ]
    for body, rule, field in cases:
        response = api.post(f"/orders/{order_id}/items", body)
        assert_refused(response, rule, field)
    assert snapshot(api, order_id) == before


def test_comments_empty_or_huge_are_422_not_500_x_6(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order_id)
    assert_refused(api.post(f"/orders/{order_id}/comments", {"text": "   "}), "X-6", "text")
    _input_error(api.post(f"/orders/{order_id}/comments", {"text": HUGE}), "text")
    _input_error(api.post(f"/orders/{order_id}/comments", {"text": ["a"]}), "text")
    _input_error(api.post(f"/orders/{order_id}/comments", {}), "text")
    assert snapshot(api, order_id) == before


# --- PATCH ------------------------------------------------------------------------------


def test_unknown_fields_in_a_patch_body_are_422_input(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    version = api.get(f"/orders/{order_id}").data["version"]
    before = snapshot(api, order_id)
    for body in (
        {"version": version, "status": "confirmed"},
        {"version": version, "total": "1.00"},
        {"version": version, "customer": {"password": "x"}},
        {"version": version, "customer": {"surname": "Петров", "nickname": "Пётр"}},
    ):
        response = api.patch(f"/orders/{order_id}", body)
        _input_error(response)
    assert snapshot(api, order_id) == before


def test_patch_with_wrong_types_or_huge_strings_is_422_not_500(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    version = api.get(f"/orders/{order_id}").data["version"]
    before = snapshot(api, order_id)
    cases = [
        ({}, "version"),
        ({"version": "latest"}, "version"),
        ({"version": version, "customer": "Петров"}, "customer"),
        ({"version": version, "customer": {"surname": HUGE}}, "customer.surname"),
        ({"version": version, "customer": {"operator_comment": HUGE}}, "customer.operator_comment"),
        ({"version": version, "customer": {"extra_phones": "+79031234567"}}, None),
        ({"version": version, "customer": {"extra_phones": ["+7903"] * 50}}, None),
        ({"version": version, "delivery_cost": "free"}, "delivery_cost"),
        ({"version": version, "delivery_cost": "1e20"}, "delivery_cost"),
        ({"version": version, "delivery_date": "2026-02-30"}, "delivery_date"),
        ({"version": version, "delivery_address": {"k" * 100: "v"}}, None),
        ({"version": version, "delivery_note": HUGE}, "delivery_note"),
    ]
    for body, field in cases:
        response = api.patch(f"/orders/{order_id}", body)
        _input_error(response, field)
    assert snapshot(api, order_id) == before


def test_patch_with_a_huge_version_number_is_422_input_not_500(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order_id)
    response = api.patch(f"/orders/{order_id}", {"version": 10**30, "delivery_note": "x"})
    # a version no order can have is malformed input (Version fits a 32-bit column)
    _input_error(response, "version")
    assert snapshot(api, order_id) == before


def test_patch_with_invalid_values_is_refused_naming_the_rule(cod, api_for):
    order_id = _order(cod, api_for)
    api = api_for(cod.operator)
    version = api.get(f"/orders/{order_id}").data["version"]
    before = snapshot(api, order_id)
    cases = [
        ({"customer": {"phone": "12345"}}, "X-4", "customer.phone"),
        ({"customer": {"phone": "+7 000 000-00-00"}}, "X-4", "customer.phone"),
        ({"customer": {"extra_phones": ["nope"]}}, "X-4", "customer.extra_phones[0]"),
        ({"customer": {"email": "a@"}}, "X-3", "customer.email"),
        ({"customer": {"gender": "robot"}}, "X-3", "customer.gender"),
        ({"customer": {"type": "alien"}}, "X-3", "customer.type"),
        ({"delivery_cost": "-1.00"}, "X-5", "delivery_cost"),
        ({"paid_amount": "-1.00"}, "X-5", "paid_amount"),
    ]
    for body, rule, field in cases:
        response = api.patch(f"/orders/{order_id}", {"version": version, **body})
        assert_refused(response, rule, field)
    assert snapshot(api, order_id) == before


# --- lists and paths --------------------------------------------------------------------


def test_page_size_over_100_is_422_input(cod, api_for):
    response = api_for(cod.operator).get("/projects/cod/orders", page_size=1000)
    _input_error(response, "page_size")


def test_bad_pagination_values_are_422_input(cod, api_for):
    api = api_for(cod.operator)
    for params, field in (
        ({"page": -1}, "page"),
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"page": 10**30}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": -20}, "page_size"),
        ({"page_size": "all"}, "page_size"),
    ):
        response = api.get("/projects/cod/orders", **params)
        _input_error(response, field)


def test_huge_or_unknown_list_filters_are_422_not_500(cod, api_for):
    api = api_for(cod.operator)
    _input_error(api.get("/projects/cod/orders", q="x" * 100_000), "q")
    _input_error(api.get("/projects/cod/orders", phone="9" * 100_000), "phone")
    _input_error(api.get("/projects/cod/orders", queue="nope"), "queue")


def test_odd_filter_values_give_empty_lists_not_errors(cod, api_for):
    _order(cod, api_for)
    api = api_for(cod.operator)
    for params in ({"phone": "abc"}, {"status": "no_such_status"}, {"q": "'; DROP TABLE --"}):
        response = api.get("/projects/cod/orders", **params)
        assert response.status_code == 200, (params, response.data)
        assert response.data["count"] == 0, params


def test_order_ids_no_order_can_have_are_404_and_non_integers_422_not_500(cod, api_for):
    api = api_for(cod.operator)
    # an integer no order has, however large or small: not found (API.md)
    for order_id in ("99999999999999999999", "9223372036854775808", "0", "-1"):
        response = api.get(f"/orders/{order_id}")
        assert response.status_code == 404, (order_id, response.status_code)
        assert response.data["detail"], order_id
    # not an integer at all: malformed input naming the path parameter
    for order_id in ("abc", "1.5"):
        _input_error(api.get(f"/orders/{order_id}"), "order_id")


def test_unknown_queue_for_next_is_404_not_500(cod, api_for):
    api = api_for(cod.operator)
    response = api.post("/projects/cod/queues/" + "q" * 1000 + "/next")
    assert response.status_code == 404, response.status_code
    assert response.data["detail"]
