"""`GET/POST /api/v1/orders/{id}/messages` (API.md round 2, X-9): wiring — access, the
claim (COD-9), 202 queued / 200 the same email still queued, 404 outside the projects."""

from __future__ import annotations

from dozvon.messaging.demo import seed_demo_templates
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.tasks import send_message
from tests.factories import MembershipFactory, UserFactory
from tests.messaging.conftest import order_with_email


def test_an_operator_sends_a_template_and_lists_the_orders_messages(shop_world, api_for, smtp):
    # given an order of a customer with an address
    order = order_with_email(shop_world)
    api = api_for(shop_world.operator)
    url, offer = f"/orders/{order.pk}/messages", {"template": "bonus_offer", "bonus_percent": 25}
    # when the operator sends the bonus offer at 25 %
    first = api.post(url, offer)
    # then it is queued (202) with its Message-ID
    assert first.status_code == 202, first.data
    body = first.data
    assert (body["template"], body["state"], body["attempts"], body["to"]) == (
        "bonus_offer",
        "queued",
        0,
        "ivanov@example.com",
    )
    assert body["message_id"].startswith("<") and body["sent_at"] is None
    assert body["subject"] == "Бонус 25 % за оплату заказа № SHOP-1000"
    # the same request while it is queued answers 200 with the same message
    again = api.post(url, offer)
    assert again.status_code == 200 and again.data["id"] == body["id"]
    assert OutboxMessage.objects.count() == 1
    # once it is sent, the list shows it sent; the same request is a new email
    smtp.start()
    assert send_message.call(body["id"]) == "sent"
    listed = api.get(url)
    assert listed.status_code == 200
    (shown,) = listed.data
    assert (shown["id"], shown["state"], shown["attempts"]) == (body["id"], "sent", 1)
    assert shown["sent_at"] and shown["message_id"] == body["message_id"]
    later = api.post(url, offer)
    assert later.status_code == 202 and later.data["id"] != body["id"]


def test_refusals_name_the_rule_and_field(shop_world, api_for):
    api = api_for(shop_world.operator)
    no_email = order_with_email(shop_world, email="", n=1)
    order = order_with_email(shop_world, n=2)
    cases = [
        (no_email.pk, {"template": "bank_details"}, ("X-9", "customer.email")),
        (order.pk, {"template": "nope"}, ("X-9", "template")),
        (order.pk, {"template": "bonus_offer"}, ("DUN-2", "bonus_percent")),
        (order.pk, {"template": "bonus_offer", "bonus_percent": 40}, ("DUN-2", "bonus_percent")),
        (order.pk, {"template": "bank_details", "cc": "x@y.z"}, ("input", "cc")),
    ]
    for order_id, payload, (rule, field) in cases:
        response = api.post(f"/orders/{order_id}/messages", payload)
        assert response.status_code == 422, (payload, response.data)
        assert (rule, field) in {(e["rule"], e["field"]) for e in response.data["errors"]}
    assert OutboxMessage.objects.count() == 0


def test_another_projects_order_is_not_found_and_roles_are_respected_x_1(shop_world, shop, api_for):
    # given an order of the SHOP project, which the COD operator is no member of
    seed_demo_templates(shop.project)
    foreign = order_with_email(shop, n=3)
    cod_api = api_for(shop_world.operator)
    # then he can neither list its messages nor send one
    assert cod_api.get(f"/orders/{foreign.pk}/messages").status_code == 404
    sent = cod_api.post(f"/orders/{foreign.pk}/messages", {"template": "bank_details"})
    assert sent.status_code == 404
    # and in his own project the integration (intake) may not, the delivery role only reads
    order = order_with_email(shop_world, n=4)
    bank = {"template": "bank_details"}
    partner = api_for(shop_world.partner)
    assert partner.post(f"/orders/{order.pk}/messages", bank).status_code == 403
    delivery = api_for(shop_world.delivery)
    assert delivery.get(f"/orders/{order.pk}/messages").status_code == 200
    denied = delivery.post(f"/orders/{order.pk}/messages", {"template": "bank_details"})
    assert denied.status_code == 403
    assert OutboxMessage.objects.count() == 0


def test_an_order_another_operator_holds_is_refused_cod_9(shop_world, api_for):
    # given an order op1 has taken from the queue
    order = order_with_email(shop_world)
    holder = api_for(shop_world.operator)
    assert holder.post("/projects/cod/queues/new/next").data["id"] == order.pk
    other_user = UserFactory(username="cod-operator-2")
    MembershipFactory(user=other_user, project=shop_world.project, role="operator")
    # when another operator sends it an email, it is refused; the holder may
    refused = api_for(other_user).post(f"/orders/{order.pk}/messages", {"template": "bank_details"})
    assert refused.status_code == 422
    assert refused.data["errors"][0]["field"] == "claimed_by"
    accepted = holder.post(f"/orders/{order.pk}/messages", {"template": "bank_details"})
    assert accepted.status_code == 202
