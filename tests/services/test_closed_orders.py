"""Issue 12 "closed orders stay closed" (X-7): an order in a final status (COD confirmed,
rejected, invalid; SHOP done, cancelled) takes no result, item or edit until a supervisor
reopens it, with a reason, back to the initial status and queue."""

from datetime import timedelta

import pytest

from dozvon.core.errors import Forbidden, RuleViolations
from dozvon.orders.models import Order
from dozvon.orders.services import order_add_item, order_apply_outcome, order_update
from dozvon.orders.services.calling import call_attempt_record
from dozvon.orders.services.outcomes import order_reopen


def _confirmed(cod, now):
    order = cod.intake(created_at=now - timedelta(minutes=30))
    call_attempt_record(order_id=order.pk, actor=cod.operator, result="answered", now=now)
    return order_apply_outcome(order_id=order.pk, actor=cod.operator, code="confirm", now=now)


def test_a_confirmed_order_takes_no_other_result_item_or_edit_x_7(cod, now):
    order = _confirmed(cod, now)
    with pytest.raises(RuleViolations) as refused:
        order_apply_outcome(
            order_id=order.pk,
            actor=cod.operator,
            code="reject",
            problem="changed_mind",
            comment="23.11 передумал",
            now=now,
        )
    assert ("X-7", "status") in {(v.rule, v.field) for v in refused.value.violations}
    with pytest.raises(RuleViolations):
        order_add_item(
            order_id=order.pk, actor=cod.operator, sku=cod.products[1].sku, quantity=1, now=now
        )
    with pytest.raises(RuleViolations):
        order_update(
            order_id=order.pk,
            actor=cod.operator,
            version=order.version,
            fields={"delivery_note": "x"},
            now=now,
        )
    assert Order.objects.get(pk=order.pk).version == order.version  # nothing written


def test_a_supervisor_reopens_a_closed_order_with_a_reason_x_7(cod, now):
    order = _confirmed(cod, now)
    with pytest.raises(Forbidden):
        order_reopen(order_id=order.pk, actor=cod.operator, comment="ошибка", now=now)
    with pytest.raises(RuleViolations):
        order_reopen(order_id=order.pk, actor=cod.supervisor, comment="", now=now)
    reopened = order_reopen(
        order_id=order.pk, actor=cod.supervisor, comment="клиент передумал, перезвонить", now=now
    )
    assert (reopened.status, reopened.bucket) == ("new", "new")
    # now an operator may save another result
    call_attempt_record(order_id=order.pk, actor=cod.operator, result="answered", now=now)
    saved = order_apply_outcome(
        order_id=order.pk,
        actor=cod.operator,
        code="reject",
        problem="changed_mind",
        comment="23.11 передумал",
        now=now,
    )
    assert saved.status == "rejected"


def test_an_open_order_cannot_be_reopened(cod, now):
    order = cod.intake(created_at=now - timedelta(minutes=30))
    with pytest.raises(RuleViolations):
        order_reopen(order_id=order.pk, actor=cod.supervisor, comment="зачем", now=now)
