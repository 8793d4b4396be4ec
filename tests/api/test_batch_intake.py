"""Issue 18 batch intake (X-10): up to 100 intake bodies, each taken in by the same rules,
idempotent by external_id; one bad order never blocks the others."""

from dozvon.orders.models import Order
from tests.api.support import intake_body


def _batch(cod, n=100, bad=10):
    bodies = [intake_body(cod) for _ in range(n)]
    for i in range(bad):
        body = bodies[i * 10]
        if i % 3 == 0:
            body["items"][0]["sku"] = "NO-SUCH-SKU"  # a rule refuses it
        elif i % 3 == 1:
            del body["customer"]["phone"]  # malformed: refused as input
        else:
            body["items"][0]["discount_percent"] = "90"  # over the product's cap (COD-11)
    return bodies


def test_100_orders_with_10_bad_give_90_created_and_10_refused_then_90_existing(cod, api_for):
    api = api_for(cod.partner)
    bodies = _batch(cod)
    first = api.post("/projects/cod/orders/batch", bodies)
    assert first.status_code == 200, first.data
    results = [item["result"] for item in first.data["items"]]
    assert results.count("created") == 90 and results.count("refused") == 10
    refused = [item for item in first.data["items"] if item["result"] == "refused"]
    assert all(item["errors"] and item["errors"][0]["rule"] for item in refused)
    assert {e["rule"] for item in refused for e in item["errors"]} >= {"input", "X-5", "COD-11"}
    assert Order.objects.filter(project=cod.project).count() == 90
    # the same batch again: nothing duplicated
    again = api.post("/projects/cod/orders/batch", bodies)
    results = [item["result"] for item in again.data["items"]]
    assert results.count("existing") == 90 and results.count("refused") == 10
    assert Order.objects.filter(project=cod.project).count() == 90
    created = {i["order"]["id"] for i in first.data["items"] if i["result"] == "created"}
    existing = {i["order"]["id"] for i in again.data["items"] if i["result"] == "existing"}
    assert created == existing


def test_a_batch_over_100_or_empty_is_refused_whole(cod, api_for):
    api = api_for(cod.partner)
    for batch in ([intake_body(cod) for _ in range(101)], []):
        # when a batch of 101 or of no orders is sent
        response = api.post("/projects/cod/orders/batch", batch)
        # then the body is refused as malformed input, saying how many it may hold
        assert response.status_code == 422, response.data
        assert [(e["rule"], e["field"]) for e in response.data["errors"]] == [("input", "body")]
        assert "100" in response.data["errors"][0]["message"]
    # and none of the 101 was taken in
    assert not Order.objects.filter(project=cod.project).exists()


def test_an_operator_cannot_take_in_a_batch_and_another_project_is_404(cod, shop, api_for):
    assert (
        api_for(cod.operator).post("/projects/cod/orders/batch", [intake_body(cod)]).status_code
        == 403
    )
    assert (
        api_for(shop.partner).post("/projects/cod/orders/batch", [intake_body(cod)]).status_code
        == 404
    )


def test_a_batch_reads_the_catalogue_and_the_webhook_endpoints_once(cod, api_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dozvon.webhooks.models import WebhookDelivery, WebhookEndpoint

    WebhookEndpoint.objects.create(
        project=cod.project, url="http://127.0.0.1:9/hook", kinds=["created"]
    )
    bodies = [intake_body(cod) for _ in range(5)]
    with CaptureQueriesContext(connection) as ctx:
        response = api_for(cod.partner).post("/projects/cod/orders/batch", bodies)
    assert [i["result"] for i in response.data["items"]] == ["created"] * 5
    sql = [q["sql"] for q in ctx.captured_queries]
    assert sum('FROM "catalog_product"' in q for q in sql) == 1
    assert sum('FROM "webhooks_webhookendpoint"' in q for q in sql) == 1
    # every order still queued its delivery, and the answer carries items and phones
    assert WebhookDelivery.objects.filter(project=cod.project).count() == 5
    assert sum('FROM "orders_orderitem"' in q for q in sql) == 1
    assert all(i["order"]["items"] and i["order"]["customer"]["id"] for i in response.data["items"])
