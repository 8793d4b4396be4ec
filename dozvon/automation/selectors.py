"""Reads of the automation engine: the orders a trigger is due for, found through an index
(never a scan of a project's orders; tests/automation/test_trigger_queries_use_indexes.py).

Every query leaves out what already ran (an anti-join on `trigger_run_once`) and yields
rows (candidate id, order id, occurrence key); the candidate id is what a run skips by.
- age since creation: a bounded range of `created_at` (`order_newest` (project,
  -created_at, -id) or `orders_order.created_at`), the window of `age_window`;
- age since another trigger's run: a bounded range of that trigger's runs
  (`trigger_run_since` (project, trigger, at)) joined to their orders by primary key, or,
  when the planner finds it smaller, the orders of the trigger's bucket (`order_queue`)
  joined to their runs (`trigger_run_once`);
- count: the orders of the trigger's status (`order_status` (project, status)) or queue
  bucket (`order_queue`/`order_tab` (project, bucket, …)): a live state, not history.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat

from dozvon.automation.models import TriggerRun
from dozvon.history.models import TimelineEntry, TimelineKind
from dozvon.orders.models import Order
from dozvon.playbooks.automation_def import AFTER, ONCE, TriggerDef, age_window


def _state(trigger: TriggerDef, prefix: str = "") -> Q:
    q = Q()
    for name in ("status", "bucket", "payment_method"):
        values = getattr(trigger, name)
        if values:
            q &= Q(**{f"{prefix}{name}__in": values})
    return q


def messages_count(order_ref) -> Coalesce:
    """X-9 messages the order was sent: its `message` timeline lines (`timeline_order`)."""
    sent = (
        TimelineEntry.objects.filter(order=order_ref, kind=TimelineKind.MESSAGE)
        .order_by()
        .values("order")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(sent, output_field=IntegerField()), Value(0))


COUNTED = {
    "calls": lambda: F("calls_total"),
    "failed_calls": lambda: F("failed_calls"),
    "messages": lambda: messages_count(OuterRef("pk")),
}


def trigger_candidates(*, project, trigger: TriggerDef, now: datetime) -> QuerySet:
    """Rows (candidate id, order id, occurrence key) the trigger is due for at `now`."""
    if trigger.when == "age" and trigger.since_trigger:
        since, until = age_window(trigger, now=now, tz=project.time_zone)
        key = Concat(Value(AFTER), Cast("pk", CharField()), output_field=CharField())
        done = TriggerRun.objects.filter(
            order=OuterRef("order_id"),
            trigger=trigger.code,
            key=Concat(Value(AFTER), Cast(OuterRef("pk"), CharField()), output_field=CharField()),
        )
        return (
            TriggerRun.objects.filter(
                project=project, trigger=trigger.since_trigger, at__gte=since, at__lt=until
            )
            .filter(_state(trigger, "order__"), order__project=project)
            .exclude(Exists(done))
            .annotate(occurrence=key)
            .values_list("pk", "order_id", "occurrence")
        )
    orders = Order.objects.filter(project=project).filter(_state(trigger))
    if trigger.when == "age":
        since, until = age_window(trigger, now=now, tz=project.time_zone)
        orders = orders.filter(created_at__gte=since, created_at__lt=until)
    else:
        total = sum((COUNTED[name]() for name in trigger.count[1:]), COUNTED[trigger.count[0]]())
        orders = orders.alias(counted=total).filter(counted__gt=trigger.more_than)
    done = TriggerRun.objects.filter(order=OuterRef("pk"), trigger=trigger.code, key=ONCE)
    return (
        orders.exclude(Exists(done))
        .annotate(order_ref=F("pk"), occurrence=Value(ONCE, output_field=CharField()))
        .values_list("pk", "order_ref", "occurrence")
    )


def order_counts(order: Order, names) -> dict[str, int]:
    """What a count trigger counts (`names`), for one (locked) order."""
    counts = {"calls": order.calls_total, "failed_calls": order.failed_calls}
    if "messages" in names:
        sent = TimelineEntry.objects.filter(order=order, kind=TimelineKind.MESSAGE)
        counts["messages"] = sent.count()
    return counts
