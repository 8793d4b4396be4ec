"""An order through every COD tab with a controllable clock (COD-1…6, COD-17)."""

from datetime import UTC, datetime, timedelta

from dozvon.orders.models import Order
from dozvon.orders.selectors import order_queue_code
from dozvon.orders.services import order_apply_outcome
from dozvon.orders.services.calling import call_attempt_record
from dozvon.queues.selectors import queue_counts
from dozvon.queues.services import queue_take_next

# 10:00 in Moscow
MORNING = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def tab(order_id, now):
    return order_queue_code(Order.objects.get(pk=order_id), now=now)


def counts(world, now):
    return {q.code: n for q, n in queue_counts(project=world.project, now=now)}


def fail(world, order_id, now):
    """Take the order, call without an answer, save "no answer"."""
    call_attempt_record(order_id=order_id, actor=world.operator, result="no_answer", now=now)
    return order_apply_outcome(
        order_id=order_id,
        actor=world.operator,
        code="no_answer",
        problem="no_answer",
        comment="не берёт трубку",
        now=now,
    )


def test_order_walks_new_quick_recall_no_answer_today_yesterday_day_before_earlier(cod):
    t = MORNING
    order = cod.intake(created_at=t)
    # COD-1: just arrived, never called
    assert tab(order.pk, t) == "new" and counts(cod, t)["new"] == 1
    # COD-2: 1–3 failed calls today → quick recall, due 2 minutes after each
    for attempt in range(1, 4):
        t += timedelta(minutes=5)
        taken = queue_take_next(
            project=cod.project,
            queue_code="new" if attempt == 1 else "quick_recall",
            actor=cod.operator,
            now=t,
        )
        assert taken.pk == order.pk
        saved = fail(cod, order.pk, t)
        assert tab(order.pk, t) == "quick_recall"
        assert saved.due_at == t + timedelta(minutes=2)
        assert counts(cod, t)["quick_recall"] == 1 and counts(cod, t)["new"] == 0
    # COD-4 / COD-17: the 4th failed call → no answer today, callback in an hour
    t += timedelta(minutes=5)
    assert (
        queue_take_next(
            project=cod.project, queue_code="quick_recall", actor=cod.operator, now=t
        ).pk
        == order.pk
    )
    saved = fail(cod, order.pk, t)
    assert tab(order.pk, t) == "no_answer_today"
    assert saved.callback_at == t + timedelta(hours=1) == saved.due_at
    assert (
        queue_take_next(
            project=cod.project,
            queue_code="no_answer_today",
            actor=cod.operator,
            now=t + timedelta(minutes=59),
        )
        is None
    )
    assert (
        queue_take_next(
            project=cod.project,
            queue_code="no_answer_today",
            actor=cod.operator,
            now=t + timedelta(hours=1),
        ).pk
        == order.pk
    )
    fail(cod, order.pk, t + timedelta(hours=1))
    # COD-5: next day it is in "no answer yesterday", the day after in "day before"
    next_day = MORNING + timedelta(days=1)
    assert tab(order.pk, next_day) == "no_answer_yesterday"
    assert counts(cod, next_day)["no_answer_yesterday"] == 1
    assert (
        queue_take_next(
            project=cod.project, queue_code="no_answer_yesterday", actor=cod.operator, now=next_day
        ).pk
        == order.pk
    )
    fail(cod, order.pk, next_day)
    day_after = MORNING + timedelta(days=2)
    assert tab(order.pk, day_after) == "no_answer_day_before"
    assert counts(cod, day_after)["no_answer_day_before"] == 1
    # COD-6: later it is listed in "earlier" and no longer handed out
    later = MORNING + timedelta(days=3)
    assert tab(order.pk, later) == "no_answer_earlier"
    assert counts(cod, later)["no_answer_earlier"] == 1
    for code in (
        "new",
        "quick_recall",
        "in_work",
        "no_answer_today",
        "no_answer_yesterday",
        "no_answer_day_before",
    ):
        assert (
            queue_take_next(project=cod.project, queue_code=code, actor=cod.operator, now=later)
            is None
        )


def test_no_answer_callback_after_the_fourth_call_stays_within_today_cod_17(cod):
    # given an order failing its 4th call at 23:30 Moscow time
    late = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)
    order = cod.intake(created_at=late - timedelta(hours=1))
    t = late - timedelta(minutes=40)
    for _ in range(3):
        fail(cod, order.pk, t)
        t += timedelta(minutes=5)
    saved = fail(cod, order.pk, late)
    # then the callback is set within today, not tomorrow
    assert saved.callback_at.astimezone(late.tzinfo) < datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
    assert saved.callback_at > late


def test_callback_goes_to_in_work_and_comes_due_at_its_time_cod_3_cod_16(cod):
    t = MORNING
    order = cod.intake(created_at=t)
    queue_take_next(project=cod.project, queue_code="new", actor=cod.operator, now=t)
    call_attempt_record(order_id=order.pk, actor=cod.operator, result="answered", now=t)
    order_apply_outcome(
        order_id=order.pk,
        actor=cod.operator,
        code="callback",
        problem="need_callback",
        comment="23.11: перезвонить после обеда",
        callback_at=t + timedelta(hours=4),
        now=t,
    )
    assert tab(order.pk, t) == "in_work"
    assert (
        queue_take_next(
            project=cod.project,
            queue_code="in_work",
            actor=cod.operator,
            now=t + timedelta(hours=3),
        )
        is None
    )
    assert (
        queue_take_next(
            project=cod.project,
            queue_code="in_work",
            actor=cod.operator,
            now=t + timedelta(hours=4),
        ).pk
        == order.pk
    )


def test_confirmed_rejected_and_invalid_orders_leave_every_queue_cod_15_18_19(cod):
    t = MORNING
    for n, (code, problem) in enumerate(
        [("confirm", ""), ("reject", "changed_mind"), ("invalid", "spam")]
    ):
        order = cod.intake(phone=f"+7916111000{n}", created_at=t)
        call_attempt_record(order_id=order.pk, actor=cod.operator, result="answered", now=t)
        order_apply_outcome(
            order_id=order.pk, actor=cod.operator, code=code, problem=problem, comment="итог", now=t
        )
        assert tab(order.pk, t) is None
    assert sum(counts(cod, t).values()) == 0
