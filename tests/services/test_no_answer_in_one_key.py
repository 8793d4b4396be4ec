"""Issue 12 "one-key call loop" (X-8, COD-17): no answer records the failed call and saves
the No answer result with its problem and a dated comment, together or not at all."""

from datetime import timedelta

import pytest

from dozvon.calls.models import CallAttempt
from dozvon.core.errors import RuleViolations
from dozvon.orders.models import Order
from dozvon.orders.services.calling import order_no_answer
from dozvon.queues.services import queue_take_next


def test_no_answer_records_the_call_and_saves_the_result_with_a_dated_comment_cod_17(cod, now):
    order = cod.intake(created_at=now - timedelta(minutes=5))
    queue_take_next(project=cod.project, queue_code="new", actor=cod.operator, now=now)
    saved = order_no_answer(order_id=order.pk, actor=cod.operator, duration_s=25, now=now)
    assert (saved.status, saved.problem) == ("no_answer", "no_answer")
    assert saved.last_comment == "23.11 12:00 — Недозвон"  # Moscow time
    call = CallAttempt.objects.get(order=order)
    assert (call.result, call.duration_s) == ("no_answer", 25)
    assert saved.claimed_by_id is None  # handed back: the next order can be taken


def test_no_answer_by_someone_not_holding_the_order_writes_nothing_cod_9(cod, now):
    from tests.factories import MembershipFactory, UserFactory

    order = cod.intake(created_at=now - timedelta(minutes=5))
    queue_take_next(project=cod.project, queue_code="new", actor=cod.operator, now=now)
    other = UserFactory(username="other-op")
    MembershipFactory(user=other, project=cod.project, role="operator")
    with pytest.raises(RuleViolations):
        order_no_answer(order_id=order.pk, actor=other, now=now)
    assert not CallAttempt.objects.filter(order=order).exists()
    assert Order.objects.get(pk=order.pk).status == "new"


def test_without_a_failed_call_result_only_the_call_is_recorded(shop, now):
    order = shop.intake(created_at=now - timedelta(minutes=5))
    saved = order_no_answer(order_id=order.pk, actor=shop.operator, now=now)
    assert saved.status == "new"
    assert CallAttempt.objects.filter(order=order, result="no_answer").count() == 1
