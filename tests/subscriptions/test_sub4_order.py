"""SUB-4: an order for remaining issues placed during the call cancels the subscription."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dozvon.core.errors import Forbidden, NotFound, RuleViolations
from dozvon.orders.models import Order
from dozvon.subscriptions.models import Subscription
from dozvon.subscriptions.ordering import subscription_order_remaining
from tests.conftest import Api, _world
from tests.subscriptions.conftest import written
from tests.subscriptions.test_promo_support import TWELVE, twelve_left


def test_order_for_all_remaining_issues_cancels_the_subscription_SUB_4(sub, now):
    # given a subscription with 12 remaining issues at 999
    s = twelve_left(sub)
    # when the operator orders all of them during the call
    order = subscription_order_remaining(
        subscription_id=s.pk, issues=TWELVE, actor=sub.operator, now=now, payment_method="cod"
    )
    # then one shop order of one unit per issue, and the subscription cancelled
    items = list(order.items.order_by("id"))
    assert [i.sku for i in items] == [f"IM-{n:03d}" for n in TWELVE]
    assert {i.quantity for i in items} == {1}
    assert order.total == Decimal("11988.00")
    assert order.customer_id == s.customer_id and order.payment_method == "cod"
    s.refresh_from_db()
    assert s.status == "cancelled" and s.cancelled_at == now


def test_delivery_fields_are_written_with_the_order_SUB_4(sub, now):
    s = twelve_left(sub)
    order = subscription_order_remaining(
        subscription_id=s.pk,
        issues=[89, 90],
        actor=sub.operator,
        now=now,
        delivery={"delivery_note": "после 18:00"},
    )
    assert Order.objects.get(pk=order.pk).delivery_note == "после 18:00"


@pytest.mark.parametrize("issues", [[], [88], [89, 89], [101]])
def test_issues_not_remaining_are_refused_and_nothing_written_SUB_4(sub, now, issues):
    s = twelve_left(sub)
    before = (*written(), Order.objects.count())
    with pytest.raises(RuleViolations) as refused:
        subscription_order_remaining(
            subscription_id=s.pk, issues=issues, actor=sub.operator, now=now
        )
    assert {(v.rule, v.field) for v in refused.value.violations} == {("SUB-4", "issues")}
    assert (*written(), Order.objects.count()) == before
    assert Subscription.objects.get(pk=s.pk).status == "active"


def test_issues_ordered_before_cannot_be_ordered_again_SUB_4(sub, now):
    s = twelve_left(sub)
    subscription_order_remaining(subscription_id=s.pk, issues=[89], actor=sub.operator, now=now)
    with pytest.raises(RuleViolations):
        subscription_order_remaining(subscription_id=s.pk, issues=[89], actor=sub.operator, now=now)
    order = subscription_order_remaining(
        subscription_id=s.pk, issues=[90], actor=sub.operator, now=now
    )
    assert [i.sku for i in order.items.all()] == ["IM-090"]


def test_a_bad_payment_method_refuses_the_whole_order_SUB_4(sub, now):
    s = twelve_left(sub)
    with pytest.raises(RuleViolations) as refused:
        subscription_order_remaining(
            subscription_id=s.pk, issues=[89], actor=sub.operator, now=now, payment_method="gold"
        )
    assert [v.field for v in refused.value.violations] == ["payment_method"]
    assert Order.objects.count() == 0
    assert Subscription.objects.get(pk=s.pk).status == "active"


def test_integration_may_not_place_it_and_other_projects_do_not_see_it_SUB_4(sub, now):
    s = twelve_left(sub)
    with pytest.raises(Forbidden):
        subscription_order_remaining(subscription_id=s.pk, issues=[89], actor=sub.partner, now=now)
    stranger = _world("sub", "sub-other").operator
    with pytest.raises(NotFound):
        subscription_order_remaining(subscription_id=s.pk, issues=[89], actor=stranger, now=now)


def test_api_places_the_order_201_and_refuses_422_SUB_4(sub, now):
    s = twelve_left(sub)
    api = Api(sub.operator, lang="en")
    refused = api.post(f"/subscriptions/{s.pk}/order", {"issues": [5]})
    assert refused.status_code == 422
    assert refused.data["errors"][0]["rule"] == "SUB-4"
    assert refused.data["errors"][0]["field"] == "issues"
    r = api.post(f"/subscriptions/{s.pk}/order", {"issues": TWELVE, "payment_method": "card"})
    assert r.status_code == 201, r.data
    assert r.data["total"] == "11988.00" and len(r.data["items"]) == 12
    assert r.data["special_discount"] is False
    assert api.get(f"/subscriptions/{s.pk}").data["status"] == "cancelled"
    stranger = Api(_world("sub", "sub-other").operator)
    assert stranger.post(f"/subscriptions/{s.pk}/order", {"issues": [89]}).status_code == 404
    assert (
        Api(sub.partner).post(f"/subscriptions/{s.pk}/order", {"issues": [89]}).status_code == 403
    )
