"""`POST /api/v1/orders/{id}/outcome`, the contract (API.md): 200 with the order in its
documented shape, 422 naming the refused rule and field (X-7) with nothing changed, 409
with the current version for a stale one. Wiring only: each outcome's rules are proven
once, without a database, in tests/rules/test_cod_outcomes.py and
tests/rules/test_shop_outcomes.py; the facts the service loads for them in
tests/services/test_outcome_facts.py; who may save what in tests/api/test_security.py."""

from __future__ import annotations

from datetime import timedelta

from tests.api.support import (
    MOSCOW,
    assert_error_shape,
    call,
    errors_of,
    intake,
    outcome,
    parse,
    real_now,
    snapshot,
)

# API.md, GET /api/v1/orders/{id}: what every answer carrying an order holds
ORDER_FIELDS = {
    "id",
    "project",
    "external_id",
    "status",
    "status_group",
    "queue",
    "problem",
    "customer",
    "items",
    "goods_total",
    "delivery_cost",
    "total",
    "currency",
    "responsible",
    "callback_at",
    "failed_calls",
    "created_at",
    "version",
}


def test_outcome_answers_200_with_the_order_422_naming_rule_and_field_409_when_stale(cod, api_for):
    # given a new order the operator reached by phone
    order_id = intake(api_for(cod.partner), cod)["id"]
    api = api_for(cod.operator)
    loaded = api.get(f"/orders/{order_id}").data
    call(api, order_id, "answered")
    current = api.get(f"/orders/{order_id}").data["version"]
    before = snapshot(api, order_id)
    when = (real_now() + timedelta(days=1)).astimezone(MOSCOW).replace(microsecond=0)
    body = {"problem": "need_callback", "comment": "Просил перезвонить завтра"}

    # when "call back" is saved without its date
    refused = outcome(api, order_id, "callback", **body)
    # then 422 names the rule and the field, in Russian by default, and nothing changed
    assert_error_shape(refused)
    assert errors_of(refused) == {("COD-16", "callback_at")}
    assert any("а" <= ch <= "я" for ch in refused.data["errors"][0]["message"].lower())
    assert snapshot(api, order_id) == before

    # when it is saved with the version loaded before the call
    stale = outcome(
        api, order_id, "callback", callback_at=when.isoformat(), version=loaded["version"], **body
    )
    # then 409 tells the current version, and nothing changed
    assert stale.status_code == 409, stale.data
    assert stale.data["version"] == current and stale.data["detail"]
    assert snapshot(api, order_id) == before

    # when it is saved with the date and the current version
    saved = outcome(
        api, order_id, "callback", callback_at=when.isoformat(), version=current, **body
    )
    # then 200 answers with the order in the documented shape, saved as asked
    assert saved.status_code == 200, saved.data
    order = saved.data
    assert set(order) >= ORDER_FIELDS, ORDER_FIELDS - set(order)
    assert (order["id"], order["project"]) == (order_id, cod.project.slug)
    assert (order["status"], order["status_group"], order["queue"]) == (
        "callback",
        "processing",
        "in_work",
    )
    assert (order["problem"], order["responsible"]) == ("need_callback", cod.operator.username)
    assert parse(order["callback_at"]) == when  # ISO 8601 with an offset (aware)
    assert order["version"] > current
    assert api.get(f"/orders/{order_id}").data == order
