"""The one write path: a refused outcome writes nothing; an accepted one writes status,
queue state, timeline and audit together (X-7, X-6, X-12, COD-15…17)."""

from datetime import timedelta

import pytest

from dozvon.audit.models import AuditEntry
from dozvon.core.errors import Conflict, Forbidden, NotFound, RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.orders.models import Order
from dozvon.orders.services import order_apply_outcome
from dozvon.orders.services.calling import call_attempt_record


def _snapshot(order_id):
    order = Order.objects.get(pk=order_id)
    return (
        order.status,
        order.version,
        order.bucket,
        order.problem,
        order.callback_at,
        TimelineEntry.objects.filter(order_id=order_id).count(),
        AuditEntry.objects.filter(target_id=str(order_id)).count(),
    )


def test_refused_callback_lists_every_violation_and_changes_nothing_cod_16(cod, now):
    # given a new order that nobody called yet
    order = cod.intake()
    before = _snapshot(order.pk)
    # when the operator saves "call back" with nothing filled in
    with pytest.raises(RuleViolations) as refused:
        order_apply_outcome(order_id=order.pk, actor=cod.operator, code="callback", now=now)
    # then every broken rule is named with its field, and nothing was written
    found = {(v.rule, v.field) for v in refused.value.violations}
    assert found == {
        ("COD-16", "problem"),
        ("COD-16", "callback_at"),
        ("COD-16", "comment"),
        ("COD-16", "calls"),
    }
    assert _snapshot(order.pk) == before


def test_confirm_after_a_call_writes_status_timeline_and_audit_together_cod_15(cod, now):
    # given an order the operator reached
    order = cod.intake()
    call_attempt_record(order_id=order.pk, actor=cod.operator, result="answered", now=now)
    # when they confirm it
    saved = order_apply_outcome(
        order_id=order.pk,
        actor=cod.operator,
        code="confirm",
        comment="Подтвердил",
        now=now + timedelta(minutes=3),
    )
    # then status, queue state, responsible, timeline and audit are all written
    assert (saved.status, saved.status_group, saved.bucket) == ("confirmed", "confirmed", "")
    assert saved.responsible == cod.operator
    kinds = list(TimelineEntry.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == ["auto", "call", "comment", "status"]
    assert AuditEntry.objects.filter(target_id=str(order.pk), action="order.outcome").exists()


def test_fourth_failed_call_sends_the_order_to_no_answer_today_an_hour_later_cod_17(cod, now):
    # given an order with three failed calls, each saved as "no answer"
    order = cod.intake(now=now - timedelta(hours=2))
    t = now - timedelta(hours=1)
    for _ in range(3):
        call_attempt_record(order_id=order.pk, actor=cod.operator, result="no_answer", now=t)
        saved = order_apply_outcome(
            order_id=order.pk,
            actor=cod.operator,
            code="no_answer",
            problem="no_answer",
            comment="не берёт",
            now=t,
        )
        assert saved.bucket == "unreached" and saved.due_at == t + timedelta(minutes=2)
        t += timedelta(minutes=5)
    # when the fourth failed call is saved
    call_attempt_record(order_id=order.pk, actor=cod.operator, result="busy", now=t)
    saved = order_apply_outcome(
        order_id=order.pk,
        actor=cod.operator,
        code="no_answer",
        problem="no_answer",
        comment="занято",
        now=t,
    )
    # then it waits an hour, with the callback time set
    assert saved.failed_calls == 4
    assert saved.callback_at == t + timedelta(hours=1) == saved.due_at


def test_stale_version_is_a_conflict_and_writes_nothing(cod, now):
    order = cod.intake()
    call_attempt_record(order_id=order.pk, actor=cod.operator, result="answered", now=now)
    before = _snapshot(order.pk)
    with pytest.raises(Conflict):
        order_apply_outcome(
            order_id=order.pk, actor=cod.operator, code="confirm", version=1, now=now
        )
    assert _snapshot(order.pk) == before


def test_operator_of_another_project_gets_not_found_and_integration_is_forbidden_x_2(
    cod, shop, now
):
    order = cod.intake()
    with pytest.raises(NotFound):
        order_apply_outcome(order_id=order.pk, actor=shop.operator, code="confirm", now=now)
    with pytest.raises(Forbidden):
        order_apply_outcome(order_id=order.pk, actor=cod.partner, code="confirm", now=now)
