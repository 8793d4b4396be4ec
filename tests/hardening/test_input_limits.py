"""Issue 10, defect 1: no 500 for user input. Limits the API accepts fit the columns
(dozvon.core.limits), totals are checked before writing, NUL bytes in a path are refused."""

from __future__ import annotations

import pytest

from dozvon.core import limits
from tests.api.support import assert_error_shape, assert_refused, intake, intake_body, snapshot


@pytest.mark.parametrize("resource", ["playbook", "products", "orders", "queues"])
def test_nul_byte_in_a_path_segment_is_422_input(cod, api_for, resource):
    # when a project slug carries a NUL byte (PostgreSQL text cannot hold one)
    response = api_for(cod.operator).get(f"/projects/%00/{resource}")
    # then it is refused as malformed input, not a server error
    assert_refused(response, "input", "path")


def test_nul_byte_in_a_web_path_is_400_naming_the_path(cod, client):
    client.force_login(cod.operator)
    response = client.get("/p/%00/", HTTP_ACCEPT_LANGUAGE="ru")
    # then a small page refuses it in words, naming the path, before any view runs
    assert response.status_code == 400
    assert "Управляющие символы" in response.content.decode()
    assert "(path)" in response.content.decode()


@pytest.mark.parametrize("length", [limits.NAME + 1, 300])
def test_customer_name_longer_than_its_column_is_422_on_intake(cod, api_for, length):
    body = intake_body(cod)
    body["customer"]["name"] = "Я" * length
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    assert_refused(response, "input", "customer.name")


def test_customer_name_at_the_limit_is_stored_whole(cod, api_for):
    body = intake_body(cod)
    body["customer"]["name"] = "Я" * limits.NAME
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    assert response.status_code == 201, response.data
    assert response.data["customer_name"] == "Я" * limits.NAME


@pytest.mark.parametrize("field", ["surname", "first_name", "patronymic"])
def test_name_part_longer_than_its_column_is_422_on_patch(cod, api_for, field):
    order = intake(api_for(cod.partner), cod)
    operator = api_for(cod.operator)
    before = snapshot(operator, order["id"])
    response = operator.patch(
        f"/orders/{order['id']}",
        {"version": order["version"], "customer": {field: "Я" * (limits.NAME_PART + 1)}},
    )
    assert_refused(response, "input", f"customer.{field}")
    assert snapshot(operator, order["id"]) == before


def test_item_price_over_the_column_is_422(cod, api_for):
    body = intake_body(cod)
    body["items"][0]["price"] = "10000000000.00"
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    assert_error_shape(response)
    assert "items[0].price" in {e["field"] for e in response.data["errors"]}


def test_quantity_times_price_over_the_total_column_is_422_naming_x_5(cod, api_for):
    body = intake_body(cod)
    body["items"][0].update(price=str(limits.MAX_PRICE), quantity=limits.MAX_QUANTITY)
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    assert_refused(response, "X-5", "items[0].quantity")


def test_order_total_over_the_column_is_422_naming_x_5(cod, api_for):
    body = intake_body(cod)
    # each line fits; their sum does not
    body["items"] = [
        {"sku": cod.products[0].sku, "quantity": 60, "price": str(limits.MAX_PRICE)}
        for _ in range(2)
    ]
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    assert_refused(response, "X-5", "items")


def test_delivery_cost_that_overflows_the_total_is_422_naming_x_5(cod, api_for):
    order = intake(api_for(cod.partner), cod)
    operator = api_for(cod.operator)
    before = snapshot(operator, order["id"])
    response = operator.patch(
        f"/orders/{order['id']}",
        {"version": order["version"], "delivery_cost": str(limits.MAX_AMOUNT)},
    )
    assert_refused(response, "X-5", "delivery_cost")
    assert snapshot(operator, order["id"]) == before


def test_adding_an_item_that_overflows_the_total_is_refused(cod, api_for):
    order = intake(api_for(cod.partner), cod)
    operator = api_for(cod.operator)
    operator.patch(
        f"/orders/{order['id']}",
        {"version": order["version"], "delivery_cost": str(limits.MAX_AMOUNT - 1500)},
    )
    before = snapshot(operator, order["id"])
    response = operator.post(
        f"/orders/{order['id']}/items", {"sku": cod.products[0].sku, "quantity": 1}
    )
    assert_refused(response, "COD-11", "delivery_cost")
    assert snapshot(operator, order["id"]) == before


def test_null_clears_an_order_field_on_patch_instead_of_a_500(shop, api_for):
    # found by schemathesis: {"payment_status": null} hit a NOT NULL column
    order = intake(api_for(shop.partner), shop, payment_method="card")
    operator = api_for(shop.operator)
    response = operator.patch(
        f"/orders/{order['id']}",
        {
            "version": order["version"],
            "payment_status": None,
            "payment_method": None,
            "delivery_address": None,
            "paid_amount": None,
        },
    )
    assert response.status_code == 200, response.data
    assert response.data["payment_method"] == ""
    assert response.data["delivery_address"] == {}
    assert response.data["paid_amount"] == "0.00"


def test_a_delivery_time_with_a_time_zone_is_422_not_a_500(shop, api_for):
    # found by schemathesis on SQLite: "00:00:00Z" reached a TimeField that cannot hold it
    order = intake(api_for(shop.partner), shop)
    response = api_for(shop.operator).patch(
        f"/orders/{order['id']}",
        {"version": order["version"], "delivery_time_from": "00:00:00Z"},
    )
    assert_refused(response, "input", "delivery_time_from")
