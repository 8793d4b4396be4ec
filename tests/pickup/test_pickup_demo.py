"""`pickup-demo` (dozvon demo): parcels in every state, built through the services."""

from __future__ import annotations

from datetime import timedelta

from dozvon.orders.models import Order
from dozvon.pickup.demo import SLUG, build_pickup_demo
from dozvon.pickup.models import PickupReminder, Shipment
from dozvon.projects.models import Project
from dozvon.queues.selectors import queue_counts
from dozvon.queues.services import queue_take_next
from dozvon.reports.registry import report_for, run
from tests.conftest import NOW


def test_the_demo_has_parcels_in_every_state_and_an_operator_with_work(db):
    assert build_pickup_demo(now=NOW) == {SLUG: 48}
    project = Project.objects.get(slug=SLUG)
    statuses = set(Order.objects.filter(project=project).values_list("status", flat=True))
    assert statuses == {
        "awaiting",
        "shipped",
        "arrived",
        "will_collect",
        "extension_requested",
        "redirect_requested",
        "refused",
        "no_answer",
        "collected",
        "returned",
    }
    assert set(Shipment.objects.filter(project=project).values_list("state", flat=True)) == {
        "shipped",
        "arrived",
        "collected",
        "returned",
    }
    counts = {q.code: n for q, n in queue_counts(project=project, now=NOW)}
    assert counts["pickup"] > 0 and counts["pickup_no_answer"] > 0
    operator = project.memberships.get(user__username="pick1").user
    taken = queue_take_next(project=project, queue_code="pickup", actor=operator, now=NOW)
    assert taken is not None and taken.status == "arrived"
    assert PickupReminder.objects.filter(project=project).exists()
    report = report_for(project, "buyout")
    rows = run(project, report, (NOW - timedelta(days=14)).date(), NOW.date(), "operator").rows
    assert {r["operator"] is None for r in rows} == {True, False}
    # built once
    assert build_pickup_demo(now=NOW) == {}
