"""Intake through the API (X-10): idempotency, phones in E.164 (X-4), money and totals
(X-5), refusals of bad orders, and the automatic invalidation of COD-19 a, c, d."""

from __future__ import annotations

from tests.api.support import (
    assert_error_shape,
    assert_refused,
    intake,
    intake_body,
    unique_phone,
)


def test_intake_creates_an_order_with_201_and_the_contract_fields_x_10(cod, api_for):
    # given a partner of the COD project
    api = api_for(cod.partner)
    # when a new order arrives
    response = api.post("/projects/cod/orders", intake_body(cod, external_id="SITE-1"))
    # then it is created in status New, queue New, with the fields API.md promises
    assert response.status_code == 201, response.data
    order = response.data
    for key in (
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
    ):
        assert key in order, key
    assert order["project"] == "cod"
    assert order["external_id"] == "SITE-1"
    assert (order["status"], order["status_group"], order["queue"]) == ("new", "new", "new")
    assert order["responsible"] is None
    assert order["failed_calls"] == 0
    assert "+" in order["created_at"][10:] or order["created_at"].endswith("Z")


def test_same_external_id_twice_gives_200_and_duplicates_nothing_x_10(cod, api_for):
    # given an order already taken in from a partner site
    partner, operator = api_for(cod.partner), api_for(cod.operator)
    body = intake_body(cod, external_id="DUP-7", skus=["cod-main", "cod-gift"])
    first = partner.post("/projects/cod/orders", body)
    assert first.status_code == 201, first.data
    # when the partner retries the very same order (and once more with changed content)
    second = partner.post("/projects/cod/orders", body)
    changed = dict(body, items=[{"sku": "cod-big", "quantity": 3}])
    third = partner.post("/projects/cod/orders", changed)
    # then the same order comes back with 200; the changed one is a 409 naming it;
    # its items and history untouched
    assert second.status_code == 200, second.data
    assert third.status_code == 409, third.data
    assert first.data["id"] == second.data["id"] == third.data["id"]
    assert len(second.data["items"]) == 2
    assert second.data["goods_total"] == first.data["goods_total"]
    assert second.data["version"] == first.data["version"]
    listed = operator.get("/projects/cod/orders")
    assert listed.data["count"] == 1
    timeline = operator.get(f"/orders/{first.data['id']}/timeline")
    assert len(timeline.data) == 1
    assert timeline.data[0]["kind"] == "auto"


def test_same_external_id_in_two_projects_gives_two_orders_x_10(cod, shop, api_for):
    # given partners of two projects that happen to use the same order id
    cod_partner, shop_partner = api_for(cod.partner), api_for(shop.partner)
    # when each sends order "42"
    a = cod_partner.post("/projects/cod/orders", intake_body(cod, external_id="42"))
    b = shop_partner.post("/projects/shop/orders", intake_body(shop, external_id="42"))
    # then each project has its own order
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.data["id"] != b.data["id"]


def test_phone_in_any_common_format_is_returned_in_e164_x_4(cod, api_for):
    api = api_for(cod.partner)
    for typed in ("8 916 555-01-02", "+7 (916) 555-01-03", "79165550104", "9165550105"):
        # when a partner sends the phone as a person would type it
        body = intake_body(cod)
        body["customer"]["phone"] = typed
        response = api.post("/projects/cod/orders", body)
        # then it comes back in E.164
        assert response.status_code == 201, response.data
        digits = "".join(ch for ch in typed if ch.isdigit())[-10:]
        assert response.data["customer"]["phone"] == "+7" + digits
        assert response.data["phone"] == "+7" + digits


def test_money_is_decimal_strings_and_totals_add_up_x_5(cod, api_for):
    # given a partner of the COD project (main 1000.00, gift 300.00)
    api = api_for(cod.partner)
    body = intake_body(cod)
    body["items"] = [
        {"sku": "cod-main", "quantity": 2, "discount_percent": "10"},
        {"sku": "cod-gift", "quantity": 1, "discount_percent": 100},
        {"sku": "cod-big", "quantity": 1, "price": "2499.99"},
    ]
    # when the order is taken in
    response = api.post("/projects/cod/orders", body)
    # then each line and the totals are decimal strings with kopecks
    assert response.status_code == 201, response.data
    order = response.data
    lines = {i["sku"]: i for i in order["items"]}
    assert lines["cod-main"]["price"] == "1000.00"
    assert lines["cod-main"]["line_total"] == "1800.00"
    assert lines["cod-main"]["is_main"] is True
    assert lines["cod-gift"]["line_total"] == "0.00"
    assert lines["cod-gift"]["gift"] is True
    assert lines["cod-big"]["price"] == "2499.99"
    assert order["goods_total"] == "4299.99"
    assert order["delivery_cost"] == "0.00"
    assert order["total"] == "4299.99"
    assert order["currency"] == "RUB"


def test_intake_with_an_unknown_sku_is_refused_naming_the_item_x_5(cod, api_for):
    # given a partner of the COD project
    api = api_for(cod.partner)
    body = intake_body(cod)
    body["items"] = [{"sku": "cod-main", "quantity": 1}, {"sku": "NOPE", "quantity": 1}]
    # when an order with a product the project does not sell arrives
    response = api.post("/projects/cod/orders", body)
    # then it is refused, naming the line, and nothing is created
    assert_refused(response, "X-5", "items[1].sku")
    assert api_for(cod.operator).get("/projects/cod/orders").data["count"] == 0


def test_intake_of_another_projects_sku_is_refused_x_5(cod, shop, api_for):
    # when a COD partner sends a SHOP product
    response = api_for(cod.partner).post(
        "/projects/cod/orders", intake_body(cod, skus=["shop-main"])
    )
    # then the product is unknown in this project
    assert_refused(response, "X-5", "items[0].sku")


def test_intake_without_items_is_refused_x_10(cod, api_for):
    # when an order without items arrives
    response = api_for(cod.partner).post("/projects/cod/orders", intake_body(cod, items=[]))
    # then it is refused naming the items
    assert_refused(response, "X-10", "items")
    assert api_for(cod.operator).get("/projects/cod/orders").data["count"] == 0


def test_intake_with_zero_quantity_or_discount_over_100_is_refused_x_5(cod, api_for):
    api = api_for(cod.partner)
    body = intake_body(cod)
    body["items"] = [
        {"sku": "cod-main", "quantity": 0},
        {"sku": "cod-gift", "quantity": 1, "discount_percent": "150"},
    ]
    # when the lines make no sense
    response = api.post("/projects/cod/orders", body)
    # then every broken line is named at once
    assert_refused(response, "X-5", "items[0].quantity")
    assert_refused(response, "X-5", "items[1].discount_percent")


def test_intake_without_phone_or_with_bad_email_is_refused_x_3_x_4(cod, api_for):
    body = intake_body(cod)
    body["customer"] = {"name": "Петров Пётр", "phone": "  ", "email": "not-an-email"}
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    assert_refused(response, "X-4", "customer.phone")
    assert_refused(response, "X-3", "customer.email")


def test_intake_with_unknown_customer_type_is_refused_x_3(cod, api_for):
    body = intake_body(cod)
    body["customer"]["type"] = "alien"
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    assert_refused(response, "X-3", "customer.type")


def test_government_customer_becomes_vip_automatically_x_3(cod, api_for):
    body = intake_body(cod)
    body["customer"]["type"] = "government"
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    assert response.status_code == 201, response.data
    assert response.data["customer"]["vip"] is True


def test_supervisor_may_intake_but_gets_the_same_idempotency_x_10(cod, api_for):
    api = api_for(cod.supervisor)
    body = intake_body(cod, external_id="SUP-1")
    assert api.post("/projects/cod/orders", body).status_code == 201
    assert api.post("/projects/cod/orders", body).status_code == 200


def test_intake_keeps_an_explicit_created_at_x_10(cod, api_for):
    # when a partner sends the time the order was placed on the site
    order = intake(api_for(cod.partner), cod, created_at="2026-01-05T10:30:00+03:00")
    # then that time is kept and returned with an offset
    assert order["created_at"] == "2026-01-05T10:30:00+03:00"


def test_fake_phone_is_invalidated_automatically_on_intake_cod_19a(cod, api_for):
    # given a partner of the COD project
    body = intake_body(cod)
    body["customer"]["phone"] = "70000000000"
    # when an order with an obviously fake number arrives
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    # then it is taken in, but already Invalid with problem "invalid number" (API.md intake)
    assert response.status_code == 201, response.data
    assert response.data["customer"]["phone_valid"] is False
    assert (response.data["status"], response.data["problem"]) == ("invalid", "invalid_number")
    assert response.data["queue"] is None


def test_wrong_digit_count_is_invalidated_automatically_on_intake_cod_19a(cod, api_for):
    body = intake_body(cod)
    body["customer"]["phone"] = "+7 916 123 45"
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    assert response.status_code == 201, response.data
    assert (response.data["status"], response.data["problem"]) == ("invalid", "invalid_number")


def test_obscene_name_is_invalidated_as_spam_on_intake_cod_19c(cod, api_for):
    body = intake_body(cod)
    body["customer"]["name"] = "Хуй Тестовый"
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    assert response.status_code == 201, response.data
    assert (response.data["status"], response.data["problem"]) == ("invalid", "spam")


def test_second_identical_new_order_is_invalidated_as_duplicate_cod_19d(cod, api_for):
    # given a new order of a customer
    api = api_for(cod.partner)
    phone = unique_phone()
    first = intake_body(cod)
    first["customer"] = {"name": "Сидоров Сидор Сидорович", "phone": phone}
    assert api.post("/projects/cod/orders", first).status_code == 201
    # when the same person orders the same product again (phone typed differently)
    second = intake_body(cod)
    second["customer"] = {"name": "Сидоров Сидор Сидорович", "phone": "8" + phone[2:]}
    response = api.post("/projects/cod/orders", second)
    # then the second order is Invalid as a duplicate and only one stays in New
    assert response.status_code == 201, response.data
    assert (response.data["status"], response.data["problem"]) == ("invalid", "duplicate")
    listed = api_for(cod.operator).get("/projects/cod/orders", status="new")
    assert listed.data["count"] == 1


def test_intake_refusal_has_the_error_shape_and_is_translated(cod, api_for):
    body = intake_body(cod, items=[])
    ru = api_for(cod.partner).post("/projects/cod/orders", body)
    en = api_for(cod.partner, lang="en").post("/projects/cod/orders", body)
    assert_error_shape(ru)
    assert_error_shape(en)
    assert any("а" <= ch <= "я" for ch in ru.data["errors"][0]["message"].lower())
    assert en.data["errors"][0]["message"].isascii()
    assert ru.data["errors"][0]["message"] != en.data["errors"][0]["message"]
