"""DUN-5's plan, pure (no database): once a postponement is accepted, the engine plans
when the order is due again — 09:00 in the project's time zone on the reason's day, the
playbook's `due_hour` — and the marks to set; a refused one plans nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dozvon.playbooks.definition import Check
from dozvon.playbooks.engine import evaluate, plan
from dozvon.playbooks.rules import CallFact, OutcomeContext, Plan
from tests.rules.support import NOW, context, msk, outcome

pure = pytest.mark.nodb
TWO_LINES = (CallFact(msk(23, 9), "no_answer", "skype"), CallFact(msk(23, 11, 30), "busy", "magna"))
RU = "Обещал оплатить на этой неделе"


@pure
@pytest.mark.parametrize(
    ("values", "due", "marks"),
    [
        ({"reason": "other"}, msk(30, 9), ()),
        ({"reason": "will_think"}, msk(25, 9), ()),
        ({"reason": "already_paid"}, msk(26, 9), ("proof_requested",)),
        ({"reason": "promised", "days": 1}, msk(24, 9), ()),
        ({"reason": "promised_date", "promised_on": "2026-12-01"}, msk(2, 9, month=12), ()),
    ],
)
def test_an_accepted_postponement_is_due_at_nine_on_its_reason_s_day_dun_5(values, due, marks):
    out = outcome("dun", "postpone")
    ctx = context(out, {**values, "comment": RU}, calls=TWO_LINES)
    assert evaluate(out, ctx) == []
    assert plan(out, ctx) == Plan(due, marks)


@pure
def test_a_refused_postponement_plans_nothing_dun_5():
    out = outcome("dun", "postpone")
    ctx = context(out, {"reason": "promised", "days": 7, "comment": RU}, calls=TWO_LINES)
    assert plan(out, ctx).due_at is None and plan(out, ctx).marks == ()


@pure
def test_the_due_hour_is_the_playbook_s_and_local_across_a_clock_change_dun_5():
    # given a Kyiv project whose playbook says 10:00, and a postponement over the night
    # the clocks go back (25.10.2026)
    out = outcome("dun", "postpone")
    checks = tuple(
        replace(c, params={**c.params, "due_hour": 10}) if c.name == "postpone_rules" else c
        for c in out.checks
    )
    out = replace(out, checks=checks)
    kyiv = ZoneInfo("Europe/Kyiv")
    now = datetime(2026, 10, 24, 15, 0, tzinfo=kyiv)
    ctx = OutcomeContext(
        now=now,
        tz="Europe/Kyiv",
        outcome="postpone",
        rule="DUN-5",
        values={"reason": "will_think", "days": 2},
    )
    # then it is due at 10:00 Kyiv time on the 26th (UTC+2 by then)
    due = plan(out, ctx).due_at
    assert due == datetime(2026, 10, 26, 10, 0, tzinfo=kyiv)
    assert due.utcoffset().total_seconds() == 2 * 3600


@pure
def test_an_outcome_without_a_planning_check_plans_nothing_dun_5():
    out = outcome("dun", "cancel")
    assert plan(out, context(out, {"reason": "refused"}, now=NOW)).due_at is None
    assert not any(isinstance(c, Check) and c.name == "postpone_rules" for c in out.checks)
