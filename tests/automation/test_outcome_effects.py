"""An outcome's declared effects are applied with it, in its transaction (issue 11): each
with its timeline line; a refused outcome applies none (DUN-5, X-6, X-7)."""

from datetime import datetime, timedelta

import pytest
from django.db import transaction

from dozvon.audit.models import AuditEntry
from dozvon.core.errors import RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.orders.services import order_apply_outcome
from dozvon.orders.services.effects import effects_apply
from dozvon.playbooks.automation_def import EffectDef
from tests.automation.support import MSK, automatic_lines, dun_world, fresh, pending_order

CREATED = datetime(2026, 11, 2, 10, tzinfo=MSK)
AT = datetime(2026, 11, 9, 15, 30, tzinfo=MSK)


@pytest.fixture
def dun(db, tmp_path, now):
    return dun_world(tmp_path, now)


def _snapshot(order):
    order = fresh(order)
    return (
        order.version,
        order.status,
        order.bucket,
        order.due_at,
        order.extra.get("marks"),
        TimelineEntry.objects.filter(order=order).count(),
        AuditEntry.objects.filter(target_id=str(order.pk)).count(),
    )


def test_already_paid_asks_for_proof_and_comes_back_in_three_days_dun_5(dun):
    # given a pending order
    order = pending_order(dun, CREATED)
    # when the operator saves "already paid" with a comment
    order_apply_outcome(
        order_id=order.pk,
        actor=dun.operator,
        code="already_paid",
        comment="Говорит, оплатил",
        now=AT,
    )
    # then the outcome's effects are applied: marked, due in 3 days, message placeholder
    order = fresh(order)
    assert order.extra["marks"] == {"proof_requested": AT.isoformat()}
    assert (order.bucket, order.due_at) == ("worklist", AT + timedelta(days=3))
    lines = automatic_lines(order, outcome="already_paid")
    assert [line.data["effect"] for line in lines] == ["mark", "set_due", "send_message"]
    assert all(line.actor == dun.operator and line.data["rule"] == "DUN-5" for line in lines)
    assert lines[1].data["due"] == "12.11.2026 15:30"  # project time zone
    assert AuditEntry.objects.filter(target_id=str(order.pk), action="order.effect").count() == 1


def test_an_outcome_refused_by_its_rules_applies_no_effect_dun_5(dun):
    # given a pending order
    order = pending_order(dun, CREATED)
    before = _snapshot(order)
    # when the operator saves "already paid" without the required comment
    with pytest.raises(RuleViolations) as refused:
        order_apply_outcome(order_id=order.pk, actor=dun.operator, code="already_paid", now=AT)
    # then it is refused and none of its effects was applied
    assert {(v.rule, v.field) for v in refused.value.violations} == {("DUN-5", "comment")}
    assert _snapshot(order) == before
    assert automatic_lines(order, outcome="already_paid") == []


def test_effects_write_a_line_only_for_what_they_changed_x_6(dun):
    # given an order already marked
    order = pending_order(dun, CREATED)
    effects = (EffectDef("mark", flag="proof_requested"), EffectDef("route", bucket=""))
    with transaction.atomic():
        effects_apply(order=fresh(order), effects=effects[:1], reason="DUN-5", now=AT)
    before = _snapshot(order)
    # when the same mark and a "leave the queue" (it is in none) are applied again
    with transaction.atomic():
        lines = effects_apply(order=fresh(order), effects=effects, reason="DUN-5", now=AT)
    # then nothing changed, so nothing was written
    assert lines == [] and _snapshot(order) == before
