"""Queue reads (COD-1…9): which orders a tab holds, live counts, take candidates."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from dozvon.core import clock
from dozvon.orders.models import Order
from dozvon.playbooks import definition as engine
from dozvon.playbooks.selectors import playbook_def
from dozvon.queues import tally


def day_start(now: datetime, tz: str, days_ago: int) -> datetime:
    """Midnight `days_ago` days before `now`'s day in the time zone `tz`."""
    day = clock.local_date(now, tz) - timedelta(days=days_ago)
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(tz))


def queue_filter(queue: engine.QueueDef, *, now: datetime, tz: str) -> Q:
    """The orders a tab holds (COD-1…6), as an index-friendly filter on bucket/created_at."""
    cond = Q(bucket=queue.bucket)
    since, until = engine.CREATED_DAYS.get(queue.created, (None, None))
    if since is not None:
        cond &= Q(created_at__gte=day_start(now, tz, since))
    if until is not None:
        cond &= Q(created_at__lt=day_start(now, tz, until))
    if queue.min_failed_calls is not None:
        cond &= Q(failed_calls__gte=queue.min_failed_calls)
    if queue.max_failed_calls is not None:
        cond &= Q(failed_calls__lte=queue.max_failed_calls)
    return cond


def queue_counts(*, project, now: datetime) -> list[tuple[engine.QueueDef, int]]:
    """Every tab's size. On PostgreSQL one statement over the trigger-kept tally (exact,
    O(tally rows) instead of O(orders in the tab)); on SQLite a COUNT per tab over the
    `order_tab` index."""
    pb = playbook_def(project.playbook)
    if tally.tally_in_use(pb.queues):
        counts = tally.tally_counts(project=project, queues=pb.queues, now=now)
        return list(zip(pb.queues, counts, strict=True))
    base = Order.objects.filter(project=project)
    return [
        (q, base.filter(queue_filter(q, now=now, tz=project.time_zone)).count()) for q in pb.queues
    ]
