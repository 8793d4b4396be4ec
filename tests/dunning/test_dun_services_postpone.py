"""DUN-5 through the outcome service: a postponement is due again on the day
dunning.rules.postpone gives for its reason (09:00 project time, not the route's fixed
week), "already paid" marks the order proof_requested on its timeline, and a refused
postponement names the field to fix and writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dozvon.core.errors import RuleViolations
from dozvon.orders.services import order_apply_outcome
from tests.dunning.support import at, fresh, in_worklist, pairs, timeline, two_calls

ENTERED = at(16, 0, 30)  # the order entered the worklist a week before
RU = "Клиент обещал оплатить, звонил со скайпа и с магны"


@pytest.fixture
def called(dun):
    """An order of the worklist called twice today from both lines; the moment after."""
    order = in_worklist(dun, entered=ENTERED)
    now = two_calls(dun, order, at(23, 9))
    return dun, order, now


def _postpone(world, order, now, **inputs):
    return order_apply_outcome(
        order_id=order.pk,
        actor=world.operator,
        code="postpone",
        comment=RU,
        inputs=inputs,
        now=now,
    )


@pytest.mark.parametrize(
    ("inputs", "due_day"),
    [
        ({"reason": "promised_date", "promised_on": "2026-12-03"}, 4),  # 10 days ahead ⇒ 11
        ({"reason": "promised_date", "promised_on": "2026-12-03", "days": 12}, 5),
        ({"reason": "will_think"}, 25),  # "read the email and think": 2–3 days
        ({"reason": "will_think", "days": 3}, 26),
        ({"reason": "promised"}, 25),  # promised without a date: at most 3 days
        ({"reason": "promised", "days": 3}, 26),
        ({"reason": "other"}, 30),  # the default week
        ({"reason": "other", "days": 14}, 7),
    ],
)
def test_postponing_sets_the_due_day_of_its_reason_at_nine_project_time_dun_5(
    called, inputs, due_day
):
    # given an order called as DUN-7 asks, on 23.11 (Moscow)
    world, order, now = called
    # when the operator postpones it for a reason
    saved = _postpone(world, order, now, **inputs)
    # then it is postponed in the worklist, due again at 09:00 Moscow on the reason's day
    month = 11 if due_day > 20 else 12
    assert (saved.status, saved.bucket) == ("postponed", "worklist")
    assert fresh(order).due_at == at(due_day, 9, month=month)
    assert fresh(order).callback_at == at(due_day, 9, month=month)
    assert "proof_requested" not in (fresh(order).extra.get("marks") or {})


def test_already_paid_is_due_in_three_days_and_marks_proof_requested_dun_5(called):
    # given an order called as DUN-7 asks
    world, order, now = called
    # when the customer says it is paid already
    _postpone(world, order, now, reason="already_paid")
    # then it is due again in 3 days, marked "proof of payment requested", and the mark
    # is a line of its timeline citing DUN-5
    order = fresh(order)
    assert order.due_at == at(26, 9)
    assert "proof_requested" in order.extra["marks"]
    (line,) = [e for e in timeline(order, "auto") if e.data.get("flag") == "proof_requested"]
    assert (line.data["effect"], line.data["rule"], line.data["outcome"]) == (
        "mark",
        "DUN-5",
        "postpone",
    )


def test_already_paid_for_two_days_is_accepted_and_one_day_refused_dun_5(called):
    world, order, now = called
    with pytest.raises(RuleViolations) as refused:
        _postpone(world, order, now, reason="already_paid", days=1)
    assert pairs(refused.value.violations) == {("DUN-5", "days")}
    _postpone(world, order, now, reason="already_paid", days=2)
    assert fresh(order).due_at == at(25, 9)


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"reason": "promised_date"}, "promised_on"),  # the date is required
        ({"reason": "promised_date", "promised_on": "2026-12-09"}, "promised_on"),  # > 14 days
        ({"reason": "promised_date", "promised_on": "2026-11-20"}, "promised_on"),  # passed
        ({"reason": "promised_date", "promised_on": "2026-12-03", "days": 7}, "days"),
        ({"reason": "will_think", "days": 5}, "days"),
        ({"reason": "already_paid", "days": 7}, "days"),
        ({"reason": "promised", "days": 4}, "days"),  # the hard rule: at most 3 days
        ({"reason": "promised", "days": 7}, "days"),
        ({"reason": "other", "days": 30}, "days"),
        ({"days": 3}, "reason"),
    ],
)
def test_a_refused_postponement_names_the_field_and_writes_nothing_dun_5(called, inputs, field):
    # given an order called as DUN-7 asks
    world, order, now = called
    before = fresh(order)
    lines = len(timeline(order))
    # when the postponement breaks its reason's bounds
    with pytest.raises(RuleViolations) as refused:
        _postpone(world, order, now, **inputs)
    # then DUN-5 names the field, and the order and its timeline are as they were
    assert pairs(refused.value.violations) == {("DUN-5", field)}
    after = fresh(order)
    assert (after.status, after.due_at, after.version, after.extra) == (
        before.status,
        before.due_at,
        before.version,
        before.extra,
    )
    assert len(timeline(order)) == lines


def test_a_postponement_without_today_s_calls_is_refused_dun_5_dun_7(dun):
    # given an order of the worklist nobody called today
    order = in_worklist(dun, entered=ENTERED)
    # when the operator postpones it
    with pytest.raises(RuleViolations) as refused:
        _postpone(dun, order, at(23, 12), reason="will_think")
    # then DUN-7 asks for the calls first
    assert pairs(refused.value.violations) == {("DUN-7", "calls")}
    assert fresh(order).status == "pending"


def test_a_postponed_order_comes_due_again_on_its_day_dun_5(called):
    world, order, now = called
    _postpone(world, order, now, reason="will_think", days=2)
    order = fresh(order)
    assert order.due_at > now + timedelta(days=1)
    assert order.due_at == at(25, 9)
