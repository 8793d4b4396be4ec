"""SUB-5: an operator applies the operator-only promo code to the order of the call."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from dozvon.audit.models import AuditEntry
from dozvon.core.errors import Forbidden, NotFound, RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.orders.models import Order, OrderItem
from dozvon.subscriptions.ordering import subscription_order_remaining
from dozvon.subscriptions.promo import promo_apply
from tests.conftest import Api, _world
from tests.subscriptions.test_promo_support import (
    CODE,
    TWELVE,
    other_collection,
    promo,
    twelve_left,
)


def order_for(sub, now, issues=TWELVE):
    s = twelve_left(sub)
    return subscription_order_remaining(
        subscription_id=s.pk, issues=issues, actor=sub.operator, now=now
    )


def snapshot(order_id):
    order = Order.objects.get(pk=order_id)
    items = list(
        OrderItem.objects.filter(order_id=order_id).values_list("discount_amount", "line_total")
    )
    return (
        order.total,
        order.version,
        items,
        TimelineEntry.objects.count(),
        AuditEntry.objects.count(),
    )


def test_code_takes_447_off_every_issue_999_becomes_552_SUB_5(sub, now):
    sub.operator.first_name, sub.operator.last_name = "Ульяна", "Удержанова"
    sub.operator.save(update_fields=["first_name", "last_name"])
    order = order_for(sub, now)
    promo(sub)
    promo_apply(order_id=order.pk, code=" zelenka447 ", actor=sub.operator, now=now)
    order.refresh_from_db()
    items = list(order.items.all())
    assert {i.line_total for i in items} == {Decimal("552.00")}
    assert {i.discount_amount for i in items} == {Decimal("447.00")}
    assert order.goods_total == order.total == Decimal("552.00") * 12
    line = order.timeline.order_by("id").last()
    # the history names the operator as people read it (issue 24), never the code
    assert line.text % line.data == "Special discount applied by Ульяна Удержанова"


def test_applying_again_changes_nothing_SUB_5(sub, now):
    order = order_for(sub, now)
    promo(sub)
    promo_apply(order_id=order.pk, code=CODE, actor=sub.operator, now=now)
    before = snapshot(order.pk)
    promo_apply(order_id=order.pk, code=CODE, actor=sub.operator, now=now)
    assert snapshot(order.pk) == before


def test_code_after_its_end_date_is_refused_and_nothing_changes_SUB_5(sub, now):
    # the end date is 23.11.2026; at 00:30 Moscow on the 24th it has passed
    order = order_for(sub, now)
    promo(sub, valid_until=date(2026, 11, 23))
    promo_apply_ok = promo_apply  # the last day still counts
    late = datetime(2026, 11, 23, 21, 30, tzinfo=UTC)
    before = snapshot(order.pk)
    with pytest.raises(RuleViolations) as refused:
        promo_apply(order_id=order.pk, code=CODE, actor=sub.operator, now=late)
    assert [(v.rule, v.field) for v in refused.value.violations] == [("SUB-5", "code")]
    assert snapshot(order.pk) == before
    promo_apply_ok(order_id=order.pk, code=CODE, actor=sub.operator, now=now)
    assert Order.objects.get(pk=order.pk).total == Decimal("552.00") * 12


def test_code_on_another_collections_products_is_refused_SUB_5(sub, now):
    order = order_for(sub, now)
    promo(sub, collection=other_collection(sub, now))
    before = snapshot(order.pk)
    with pytest.raises(RuleViolations) as refused:
        promo_apply(order_id=order.pk, code=CODE, actor=sub.operator, now=now)
    assert [(v.rule, v.field) for v in refused.value.violations] == [("SUB-5", "code")]
    assert snapshot(order.pk) == before


def test_unknown_inactive_or_foreign_code_is_refused_SUB_5(sub, now):
    order = order_for(sub, now)
    promo(sub, active=False)
    other = _world("sub", "sub-other")
    other.collection = other_collection(other, now)
    promo(other, code="FOREIGN1", collection=other.collection)
    for code in (CODE, "FOREIGN1", "NOPE", "   "):
        with pytest.raises(RuleViolations) as refused:
            promo_apply(order_id=order.pk, code=code, actor=sub.operator, now=now)
        assert [(v.rule, v.field) for v in refused.value.violations] == [("SUB-5", "code")]


def test_only_an_operator_of_the_project_applies_it_SUB_5(sub, now):
    order = order_for(sub, now)
    promo(sub)
    for actor in (sub.partner, sub.delivery):
        with pytest.raises(Forbidden):
            promo_apply(order_id=order.pk, code=CODE, actor=actor, now=now)
    with pytest.raises(NotFound):
        promo_apply(order_id=order.pk, code=CODE, actor=_world("sub", "sub-x").operator, now=now)


def test_api_applies_the_code_200_and_refuses_with_sub_5_SUB_5(sub, now):
    order = order_for(sub, now)
    promo(sub)
    promo(sub, code="OLD447", valid_until=date(2020, 1, 1))
    api = Api(sub.operator, lang="en")
    expired = api.post(f"/orders/{order.pk}/promo", {"code": "OLD447"})
    assert expired.status_code == 422
    assert [(e["rule"], e["field"]) for e in expired.data["errors"]] == [("SUB-5", "code")]
    assert "OLD447" not in expired.content.decode()
    integration = Api(sub.partner).post(f"/orders/{order.pk}/promo", {"code": CODE})
    assert integration.status_code == 403
    stranger = Api(_world("sub", "sub-other").operator)
    assert stranger.post(f"/orders/{order.pk}/promo", {"code": CODE}).status_code == 404
    r = api.post(f"/orders/{order.pk}/promo", {"code": CODE})
    assert r.status_code == 200, r.data
    assert r.data["total"] == "6624.00"
    assert r.data["special_discount"] is True
    assert {
        (i["line_total"], i["discount_amount"], i["special_discount"]) for i in r.data["items"]
    } == {("552.00", "447.00", True)}
    assert CODE not in r.content.decode()
