"""The DUN demo project (issue 14): `pharmacy-demo` built through the services with a
controllable clock has orders in every state, a worklist to work today, and building it
again adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from dozvon.automation.models import TriggerRun
from dozvon.calls.models import CallAttempt
from dozvon.dunning.demo import SLUG, build_pharmacy_demo
from dozvon.messaging.models import MessageTemplate, OutboxMessage
from dozvon.orders.models import Order
from dozvon.projects.models import Membership

NOW = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)  # 15:30 in Kyiv


def test_the_pharmacy_demo_has_orders_in_every_state_and_a_worklist_dun_1_to_8(db):
    # when the demo is built
    counts = build_pharmacy_demo(now=NOW)
    # then about 200 orders in every state
    assert counts == {SLUG: 200}
    orders = Order.objects.filter(project__slug=SLUG)
    statuses = Counter(orders.values_list("status", flat=True))
    assert set(statuses) == {"pending", "postponed", "unreachable", "paid", "cancelled"}
    assert statuses["paid"] == 25 and statuses["cancelled"] == 20
    assert statuses["unreachable"] == 10
    # pending before day 7 wait outside the worklist; the rest of the unpaid are in it
    waiting = orders.filter(status="pending", bucket="")
    worklist = orders.filter(bucket="worklist")
    assert waiting.count() >= 30
    assert 90 <= worklist.count() <= 130
    assert set(worklist.values_list("status", flat=True)) == {"pending", "postponed", "unreachable"}
    # postponed for each reason, "already paid" with proof requested (DUN-5)
    postponed = orders.filter(status="postponed", bucket="worklist")
    assert sum("proof_requested" in (o.extra.get("marks") or {}) for o in postponed) >= 7
    # calls from both lines (DUN-7), exhausted orders waiting for the clean-up (DUN-8)
    lines = Counter(CallAttempt.objects.filter(order__in=orders).values_list("line", flat=True))
    assert lines["skype"] > 100 and lines["magna"] > 100
    assert worklist.filter(calls_total__gt=7).count() == 8
    # the supervisor's clean-up ran once, the six weeks ended for the expired
    assert TriggerRun.objects.filter(order__in=orders, trigger="exhausted").count() == 6
    expired = orders.filter(extra__marks__has_key="expired")
    assert expired.count() == 12 and not expired.filter(bucket="worklist").exists()
    # emails: templates in both languages, bonus offers at 15 and 25 %
    assert MessageTemplate.objects.filter(project__slug=SLUG).count() == 6
    bonus = set(
        OutboxMessage.objects.filter(order__in=orders).values_list("bonus_percent", flat=True)
    )
    assert {15, 25} <= bonus
    # people: two operators and a supervisor
    roles = Counter(Membership.objects.filter(project__slug=SLUG).values_list("role", flat=True))
    assert (roles["operator"], roles["supervisor"]) == (2, 1)
    # and building it again adds nothing
    assert build_pharmacy_demo(now=NOW) == {}
    assert orders.count() == 200
