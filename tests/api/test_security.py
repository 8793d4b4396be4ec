"""Who may see and do what through the API (X-1, X-2; API.md "Conventions"):
401 without a valid token, 404 outside the caller's projects, 403 for a forbidden action."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from tests.api.support import (
    assert_refused,
    call,
    intake,
    intake_body,
    outcome,
    real_now,
    snapshot,
)
from tests.factories import MembershipFactory, UserFactory


def _shop_order(shop, api_for) -> int:
    return intake(api_for(shop.partner), shop)["id"]


# --- 401 --------------------------------------------------------------------------------


def test_requests_without_a_token_are_401(cod, api_for):
    order_id = intake(api_for(cod.partner), cod)["id"]
    anonymous = Client()
    for method, path in (
        ("get", "/api/v1/projects"),
        ("get", "/api/v1/projects/cod/orders"),
        ("get", f"/api/v1/orders/{order_id}"),
        ("get", f"/api/v1/orders/{order_id}/timeline"),
        ("post", "/api/v1/projects/cod/orders"),
        ("post", f"/api/v1/orders/{order_id}/outcome"),
        ("patch", f"/api/v1/orders/{order_id}"),
    ):
        response = getattr(anonymous, method)(path, content_type="application/json")
        assert response.status_code == 401, (method, path, response.status_code)


def test_a_bad_or_malformed_token_is_401(cod, api_for):
    intake(api_for(cod.partner), cod)
    for header in (
        "Bearer not-a-real-token",
        "Bearer ",
        "Bearer " + "x" * 5000,
        "Token " + api_for(cod.operator).token,
        api_for(cod.operator).token,
        "Basic dXNlcjpwYXNz",
    ):
        response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/projects/cod/orders")
        assert response.status_code == 401, (header[:30], response.status_code)


def test_a_token_of_an_inactive_user_is_401(cod, api_for):
    api = api_for(cod.operator)
    cod.operator.is_active = False
    cod.operator.save(update_fields=["is_active"])
    response = api.get("/projects")
    assert response.status_code == 401


# --- 404 outside the caller's projects --------------------------------------------------


def test_cod_token_gets_404_for_every_read_of_a_shop_order_x_1(cod, shop, api_for):
    # given an order of the SHOP project and a COD supervisor
    order_id = _shop_order(shop, api_for)
    api = api_for(cod.supervisor)
    # when they read it in any way
    for path in (
        f"/orders/{order_id}",
        f"/orders/{order_id}/timeline",
        "/projects/shop/orders",
        "/projects/shop/queues",
        "/projects/shop/products",
        "/projects/shop/playbook",
    ):
        response = api.get(path)
        # then it does not exist for them
        assert response.status_code == 404, (path, response.status_code, response.data)


def test_cod_token_gets_404_for_every_write_to_a_shop_order_x_1(cod, shop, api_for):
    # given an order of the SHOP project and a COD supervisor (who may write in COD)
    order_id = _shop_order(shop, api_for)
    api = api_for(cod.supervisor)
    before = snapshot(api_for(shop.supervisor), order_id)
    # when they try to change it in any way, with otherwise valid bodies
    writes = (
        ("post", f"/orders/{order_id}/outcome", {"code": "cancelled", "comment": "x"}),
        ("post", f"/orders/{order_id}/calls", {"result": "answered"}),
        ("post", f"/orders/{order_id}/items", {"sku": "shop-gift", "quantity": 1}),
        ("post", f"/orders/{order_id}/comments", {"text": "Привет"}),
        ("post", f"/orders/{order_id}/release", None),
        ("patch", f"/orders/{order_id}", {"version": 1, "delivery_note": "x"}),
        ("post", "/projects/shop/orders", intake_body(shop)),
        ("post", "/projects/shop/queues/new/next", None),
    )
    for method, path, body in writes:
        response = getattr(api, method)(path, body)
        # then it does not exist for them, and nothing changed
        assert response.status_code == 404, (path, response.status_code, response.data)
    assert snapshot(api_for(shop.supervisor), order_id) == before


def test_integration_token_of_cod_gets_404_for_shop_intake_x_1(cod, shop, api_for):
    response = api_for(cod.partner).post("/projects/shop/orders", intake_body(shop))
    assert response.status_code == 404
    assert api_for(shop.operator).get("/projects/shop/orders").data["count"] == 0


def test_404_for_a_foreign_order_looks_like_404_for_a_missing_one_x_1(cod, shop, api_for):
    # given a SHOP order and an order id that does not exist at all
    order_id = _shop_order(shop, api_for)
    api = api_for(cod.operator)
    # when a COD operator asks for both
    foreign = api.get(f"/orders/{order_id}")
    missing = api.get(f"/orders/{order_id + 100000}")
    # then the answers are the same (existence is not revealed)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.data == missing.data


def test_unknown_project_slug_is_404(cod, api_for):
    api = api_for(cod.operator)
    assert api.get("/projects/nope/orders").status_code == 404
    assert api.get("/projects/nope/queues").status_code == 404


def test_orders_list_of_a_project_shows_only_its_orders_x_1(cod, shop, api_for):
    # given one order in each project with the same phone
    phone = "+79165550777"
    cod_body, shop_body = intake_body(cod), intake_body(shop)
    cod_body["customer"]["phone"] = shop_body["customer"]["phone"] = phone
    assert api_for(cod.partner).post("/projects/cod/orders", cod_body).status_code == 201
    assert api_for(shop.partner).post("/projects/shop/orders", shop_body).status_code == 201
    # when a COD operator searches by that phone
    response = api_for(cod.operator).get("/projects/cod/orders", phone=phone)
    # then only the COD order is found
    assert response.data["count"] == 1
    assert {o["project"] for o in response.data["items"]} == {"cod"}


def test_operator_of_cod_sees_only_cod_in_projects_x_1(cod, shop, api_for):
    response = api_for(cod.operator).get("/projects")
    assert response.status_code == 200
    assert [p["slug"] for p in response.data] == ["cod"]
    assert response.data[0]["playbook"] == "cod"
    assert "name" in response.data[0]


def test_a_user_in_both_projects_sees_both_x_1(cod, shop, api_for):
    user = UserFactory(username="both")
    MembershipFactory(user=user, project=cod.project, role="operator")
    MembershipFactory(user=user, project=shop.project, role="operator")
    response = api_for(user).get("/projects")
    assert [(p["slug"], p["playbook"]) for p in response.data] == [
        ("cod", "cod"),
        ("shop", "shop"),
    ]


def test_a_user_without_projects_sees_none_and_gets_404s(cod, api_for):
    order_id = intake(api_for(cod.partner), cod)["id"]
    stranger = api_for(UserFactory(username="stranger"))
    assert stranger.get("/projects").data == []
    assert stranger.get(f"/orders/{order_id}").status_code == 404
    assert stranger.get("/projects/cod/orders").status_code == 404


def test_administrator_sees_every_project_x_2(cod, shop, api_for):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    api = api_for(admin)
    assert [p["slug"] for p in api.get("/projects").data] == ["cod", "shop"]
    order_id = _shop_order(shop, api_for)
    assert api.get(f"/orders/{order_id}").status_code == 200


# --- 403 inside the project -------------------------------------------------------------


def test_integration_role_can_intake_but_cannot_apply_outcomes_x_2(cod, api_for):
    # given a partner token that took an order in
    partner, supervisor = api_for(cod.partner), api_for(cod.supervisor)
    order_id = intake(partner, cod)["id"]
    call(api_for(cod.operator), order_id, "answered")
    before = snapshot(supervisor, order_id)  # the partner may not read orders
    # when the partner tries to confirm it
    response = outcome(partner, order_id, "confirm")
    # then it is forbidden and nothing changed
    assert response.status_code == 403, response.data
    assert snapshot(supervisor, order_id) == before


def test_integration_role_cannot_call_comment_add_items_or_edit_x_2(cod, api_for):
    partner, supervisor = api_for(cod.partner), api_for(cod.supervisor)
    order_id = intake(partner, cod)["id"]
    version = supervisor.get(f"/orders/{order_id}").data["version"]
    before = snapshot(supervisor, order_id)  # the partner may not read orders
    for method, path, body in (
        ("post", f"/orders/{order_id}/calls", {"result": "answered"}),
        ("post", f"/orders/{order_id}/comments", {"text": "Привет"}),
        ("post", f"/orders/{order_id}/items", {"sku": "cod-gift", "quantity": 1}),
        ("patch", f"/orders/{order_id}", {"version": version, "customer": {"gender": "male"}}),
    ):
        response = getattr(partner, method)(path, body)
        assert response.status_code == 403, (path, response.status_code, response.data)
    assert snapshot(supervisor, order_id) == before


def test_operator_cannot_intake_x_2(cod, api_for):
    # when an operator posts an order
    response = api_for(cod.operator).post("/projects/cod/orders", intake_body(cod))
    # then it is forbidden and nothing is created
    assert response.status_code == 403, response.data
    assert api_for(cod.operator).get("/projects/cod/orders").data["count"] == 0


def test_delivery_role_cannot_intake_x_2(shop, api_for):
    response = api_for(shop.delivery).post("/projects/shop/orders", intake_body(shop))
    assert response.status_code == 403, response.data


def test_delivery_may_apply_taken_by_courier_and_done_only_x_2(shop, api_for):
    # given an order in the SHOP project
    delivery = api_for(shop.delivery)
    for code, fields in (
        ("awaiting_prepayment", {"payment_method": "card"}),
        ("call_back", {}),
        ("hand_to_courier", {"delivery_address": {"city": "Москва"}}),
        ("pickup", {}),
        ("cancelled", {"comment": "Отмена"}),
        ("consultation", {}),
    ):
        order_id = _shop_order(shop, api_for)
        before = snapshot(delivery, order_id)
        # when the delivery department saves a negotiation/cancellation status
        response = outcome(delivery, order_id, code, **fields)
        # then it is forbidden and nothing changed
        assert response.status_code == 403, (code, response.status_code, response.data)
        assert snapshot(delivery, order_id) == before
    # while the courier pick-up and the delivery itself are theirs to record
    order_id = _shop_order(shop, api_for)
    assert outcome(delivery, order_id, "taken_by_courier").status_code == 200
    assert outcome(delivery, order_id, "done").status_code == 200


def test_delivery_cannot_confirm_a_cod_order_x_2(cod, api_for):
    order_id = intake(api_for(cod.partner), cod)["id"]
    call(api_for(cod.operator), order_id, "answered")
    delivery = api_for(cod.delivery)
    before = snapshot(delivery, order_id)
    response = outcome(delivery, order_id, "confirm")
    assert response.status_code == 403, response.data
    assert snapshot(delivery, order_id) == before


def test_delivery_can_read_but_cannot_record_calls_or_edit_customers_x_2(shop, api_for):
    order_id = _shop_order(shop, api_for)
    delivery = api_for(shop.delivery)
    order = delivery.get(f"/orders/{order_id}")
    assert order.status_code == 200
    assert delivery.get(f"/orders/{order_id}/timeline").status_code == 200
    assert delivery.post(f"/orders/{order_id}/calls", {"result": "answered"}).status_code == 403
    edit = delivery.patch(
        f"/orders/{order_id}",
        {"version": order.data["version"], "customer": {"surname": "Другой"}},
    )
    assert edit.status_code == 403, edit.data


def test_operator_cannot_mark_a_vip_x_3(cod, api_for):
    order_id = intake(api_for(cod.partner), cod)["id"]
    api = api_for(cod.operator)
    version = api.get(f"/orders/{order_id}").data["version"]
    before = snapshot(api, order_id)
    response = api.patch(f"/orders/{order_id}", {"version": version, "customer": {"vip": True}})
    # the operator may edit the customer, not this field: refused naming X-3 and the field
    assert_refused(response, "X-3", "customer.vip")
    assert snapshot(api, order_id) == before


def test_supervisor_can_mark_a_vip_x_3(cod, api_for):
    order_id = intake(api_for(cod.partner), cod)["id"]
    api = api_for(cod.supervisor)
    version = api.get(f"/orders/{order_id}").data["version"]
    response = api.patch(f"/orders/{order_id}", {"version": version, "customer": {"vip": True}})
    assert response.status_code == 200, response.data
    assert response.data["customer"]["vip"] is True


def test_outcome_forbidden_to_delivery_is_403_even_with_invalid_fields(cod, api_for):
    # a forbidden caller learns nothing about the rules: 403 comes before validation
    order_id = intake(api_for(cod.partner), cod)["id"]
    response = outcome(
        api_for(cod.delivery),
        order_id,
        "callback",
        callback_at=(real_now() - timedelta(days=1)).isoformat(),
    )
    assert response.status_code == 403, response.data
