"""API.md round 2: every order change a partner cares about writes one feed row, through
`events.record`, in the change's own transaction; comments, calls, releases, interactions
and automatic actions that leave the status alone write none."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import transaction

from dozvon.changes.models import Change
from dozvon.core.errors import RuleViolations
from dozvon.interactions.services import interaction_add_comment, interaction_start
from dozvon.orders import services as svc
from dozvon.orders.services.calling import call_attempt_record
from dozvon.orders.services.effects import effects_apply
from dozvon.orders.services.events import Event
from dozvon.orders.services.outcomes import order_reopen
from dozvon.playbooks.automation_def import EffectDef
from dozvon.queues.services import order_release, queue_take_next
from tests.automation.support import MSK, dun_world, fresh, pending_order
from tests.changes.support import changes_of, count

pytestmark = pytest.mark.django_db


def _answered(world, order, now):
    call_attempt_record(order_id=order.pk, actor=world.operator, result="answered", now=now)


def test_intake_writes_one_created_row_with_the_new_status(cod, now):
    # when an order arrives
    order = cod.intake(phone="+79160000101")
    # then the feed has one `created` row with its status after intake
    assert changes_of(order) == [("created", "new", "new")]
    row = Change.objects.get(order_id=order.pk)
    assert (row.project_id, row.at) == (cod.project.pk, now)


def test_automatic_invalidation_on_intake_is_a_status_row_after_created_cod_19a(cod):
    order = cod.intake(phone="70000000000")
    assert changes_of(order) == [
        ("created", "new", "new"),
        ("status", "invalid", order.status_group),
    ]


def test_outcome_writes_one_status_row(cod, now):
    # given an order called once
    order = cod.intake(phone="+79160000102")
    _answered(cod, order, now)
    before = count()
    # when the operator saves "call back"
    svc.order_apply_outcome(
        order_id=order.pk,
        actor=cod.operator,
        code="callback",
        problem="need_callback",
        comment="Перезвонить завтра",
        callback_at=now + timedelta(days=1),
        now=now,
    )
    # then one row: the status after the outcome
    assert count() == before + 1
    assert changes_of(order)[-1] == ("status", "callback", fresh(order).status_group)


def test_reopening_writes_one_status_row_x_7(cod, now):
    # given a confirmed (closed) order
    order = cod.intake(phone="+79160000103")
    _answered(cod, order, now)
    svc.order_apply_outcome(order_id=order.pk, actor=cod.operator, code="confirm", now=now)
    before = count()
    # when a supervisor reopens it
    order_reopen(order_id=order.pk, actor=cod.supervisor, comment="Ошибка", now=now)
    # then one row: back in the initial status
    assert count() == before + 1
    assert changes_of(order)[-1] == ("status", "new", "new")


def test_edit_and_added_item_each_write_one_edited_row(cod, now):
    order = cod.intake(phone="+79160000104")
    before = count()
    svc.order_update(
        order_id=order.pk,
        actor=cod.operator,
        version=None,
        customer={"operator_comment": "Звонить после 18"},
        now=now,
    )
    svc.order_add_item(
        order_id=order.pk, actor=cod.operator, sku=cod.products[1].sku, quantity=1, now=now
    )
    assert count() == before + 2
    assert changes_of(order)[-2:] == [("edited", "new", "new")] * 2


def test_an_edit_that_changes_nothing_writes_no_row(cod, now):
    order = cod.intake(phone="+79160000105")
    before = count()
    svc.order_update(order_id=order.pk, actor=cod.operator, version=None, fields={}, now=now)
    assert count() == before


def test_comments_calls_and_releases_write_no_row(cod, now):
    # given an order claimed by the operator
    cod.intake(phone="+79160000106", created_at=now - timedelta(hours=1))
    order = queue_take_next(project=cod.project, queue_code="new", actor=cod.operator, now=now)
    before = count()
    # when the operator calls, comments and gives it back
    _answered(cod, order, now)
    svc.order_add_comment(order_id=order.pk, actor=cod.operator, text="Занят", now=now)
    order_release(order_id=order.pk, actor=cod.operator, now=now)
    # then nothing reached the feed
    assert count() == before


def test_interactions_write_no_row(cod, now):
    cod.intake(phone="+79161234567")
    before = count()
    interaction = interaction_start(
        project=cod.project, actor=cod.operator, phone="+79161234567", line="first", now=now
    )
    interaction_add_comment(
        interaction_id=interaction.pk, actor=cod.operator, text="Вопрос", now=now
    )
    assert count() == before


def test_a_refused_outcome_writes_no_row(cod, now):
    # given an order never called
    order = cod.intake(phone="+79160000107")
    before = count()
    # when "confirm" is refused (COD-15: a call must be made first)
    with pytest.raises(RuleViolations):
        svc.order_apply_outcome(order_id=order.pk, actor=cod.operator, code="confirm", now=now)
    # then no row
    assert count() == before


def test_a_rolled_back_change_leaves_no_row(cod, now):
    order = cod.intake(phone="+79160000108")
    before = count()
    # when an edit's transaction is rolled back after it was recorded
    with pytest.raises(RuntimeError), transaction.atomic():
        svc.order_update(
            order_id=order.pk,
            actor=cod.operator,
            version=None,
            customer={"operator_comment": "откатится"},
            now=now,
        )
        assert count() == before + 1  # written inside the transaction …
        raise RuntimeError("rolled back")
    # … and gone with it
    assert count() == before


def test_a_change_is_never_updated(cod):
    # a partner may already have read it (X-6: history is append-only)
    cod.intake(phone="+79160000109")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        Change.objects.update(status="confirmed")


# --- automatic actions (issue 11): a change only when the status changed ------------------

AT = datetime(2026, 11, 9, 15, 30, tzinfo=MSK)


@pytest.fixture
def dun(db, tmp_path, now):
    return dun_world(tmp_path, now)


@pytest.mark.parametrize(
    ("effect", "event", "kind"),
    [
        (EffectDef("set_status", status="cancelled"), Event.EFFECT, "status"),
        (EffectDef("cancel", status="cancelled"), Event.TRIGGER, "cancelled"),
    ],
)
def test_an_automatic_status_change_writes_one_row(dun, effect, event, kind):
    order = pending_order(dun, AT - timedelta(days=7))
    before = count()
    with transaction.atomic():
        effects_apply(order=fresh(order), effects=(effect,), reason="DUN-4", now=AT, event=event)
    assert count() == before + 1
    assert changes_of(order)[-1] == (kind, "cancelled", "closed")


def test_automatic_actions_that_leave_the_status_write_no_row(dun):
    # given a pending order; and one already cancelled
    order = pending_order(dun, AT - timedelta(days=7))
    cancelled = pending_order(dun, AT - timedelta(days=7), n=1)
    with transaction.atomic():
        effects_apply(
            order=fresh(cancelled),
            effects=(EffectDef("set_status", status="cancelled"),),
            reason="DUN-4",
            now=AT,
        )
    before = count()
    # when effects mark, reschedule and route them, or cancel the cancelled one again
    effects = (
        EffectDef("mark", flag="proof_requested"),
        EffectDef("set_due", days=3),
        EffectDef("route", bucket="worklist"),
    )
    with transaction.atomic():
        effects_apply(order=fresh(order), effects=effects, reason="DUN-5", now=AT)
        effects_apply(
            order=fresh(cancelled),
            effects=(EffectDef("cancel", status="cancelled"), *effects[:1]),
            reason="DUN-8",
            now=AT,
            event=Event.TRIGGER,
        )
    # then the timeline has their lines, the feed nothing
    assert count() == before
