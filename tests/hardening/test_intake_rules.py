"""Issue 10, defect 6: intake refuses what the rules refuse elsewhere (X-10, X-5, COD-11,
SHOP-7), and an `external_id` is an idempotency key: the same payload again → 200 with the
same order, a different payload → 409 naming the existing order."""

from __future__ import annotations

from datetime import timedelta

from dozvon.orders.models import Order
from tests.api.support import assert_refused, intake_body, real_now


def _post(api, world, body):
    return api.post(f"/projects/{world.project.slug}/orders", body)


def test_discount_above_the_products_cap_is_refused_on_intake_cod_11(cod, api_for):
    body = intake_body(cod)
    body["items"][0]["discount_percent"] = "60"  # the product allows 50 %
    response = _post(api_for(cod.partner), cod, body)
    assert_refused(response, "COD-11", "items[0].discount_percent")
    assert not Order.objects.filter(project=cod.project).exists()


def test_discount_within_the_cap_is_accepted_on_intake(cod, api_for):
    body = intake_body(cod)
    body["items"][0]["discount_percent"] = "50"
    assert _post(api_for(cod.partner), cod, body).status_code == 201


def test_payment_method_unknown_to_the_playbook_is_refused_on_intake(cod, shop, api_for):
    body = intake_body(cod, payment_method="bitcoin")
    assert_refused(_post(api_for(cod.partner), cod, body), "X-5", "payment_method")
    body = intake_body(shop, payment_method="bitcoin")
    assert_refused(_post(api_for(shop.partner), shop, body), "SHOP-7", "payment_method")
    assert not Order.objects.exists()


def test_payment_method_of_the_playbook_is_accepted_on_intake(shop, api_for):
    response = _post(api_for(shop.partner), shop, intake_body(shop, payment_method="invoice"))
    assert response.status_code == 201, response.data
    assert response.data["payment_method"] == "invoice"


def test_created_at_in_the_future_is_refused_x_10(cod, api_for):
    body = intake_body(cod, created_at=(real_now() + timedelta(days=1)).isoformat())
    assert_refused(_post(api_for(cod.partner), cod, body), "X-10", "created_at")


def test_created_at_a_minute_ahead_is_clock_skew_and_accepted(cod, api_for):
    body = intake_body(cod, created_at=(real_now() + timedelta(minutes=1)).isoformat())
    assert _post(api_for(cod.partner), cod, body).status_code == 201


def test_same_external_id_and_payload_again_is_200_with_the_same_order(cod, api_for):
    api = api_for(cod.partner)
    body = intake_body(cod)
    first = _post(api, cod, body)
    again = _post(api, cod, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.data["id"] == first.data["id"]
    assert Order.objects.filter(project=cod.project).count() == 1


def test_same_external_id_with_another_payload_is_409_naming_the_order(cod, api_for):
    api = api_for(cod.partner)
    body = intake_body(cod)
    first = _post(api, cod, body)
    changed = {**body, "items": [{"sku": cod.products[2].sku, "quantity": 2}]}
    response = _post(api, cod, changed)
    assert response.status_code == 409, response.data
    assert response.data["id"] == first.data["id"]
    assert response.data["detail"]
    assert Order.objects.filter(project=cod.project).count() == 1


def test_payment_method_outside_the_playbook_is_refused_on_patch_and_outcome_shop_7(shop, api_for):
    created = _post(api_for(shop.partner), shop, intake_body(shop))
    operator = api_for(shop.operator)
    response = operator.patch(
        f"/orders/{created.data['id']}",
        {"version": created.data["version"], "payment_method": "barter"},
    )
    assert_refused(response, "SHOP-7", "payment_method")
    response = operator.post(
        f"/orders/{created.data['id']}/outcome",
        {"code": "awaiting_prepayment", "payment_method": "barter"},
    )
    assert_refused(response, "SHOP-7", "payment_method")
