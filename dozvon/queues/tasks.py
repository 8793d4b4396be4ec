"""Background work of the queues: the supervisor's queue sizes over the day, and folding
old days' rows of the tab tally (PostgreSQL) so counts stay fast.

Snapshots of every active project's tab counts are taken here and only here (screens
read, never write): every SNAPSHOT_EVERY on the `dozvon worker`, which schedules its own
next run; starting a worker starts the chain, so the day's curve has no holes.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from dozvon.core import clock
from dozvon.projects.models import Project
from dozvon.queues import tally
from dozvon.queues.services import SNAPSHOT_EVERY, queue_snapshot_record


@task()
def record_queue_snapshots() -> int:
    """Record the tab counts of every active project (at most one snapshot per project
    per SNAPSHOT_EVERY, see queue_snapshot_record); return how many were recorded."""
    now = clock.now()
    tally.compact(now=now)  # old days' tally rows folded: counts stay a few days' rows
    recorded = sum(
        queue_snapshot_record(project=project, now=now) is not None
        for project in Project.objects.filter(is_active=True).select_related("playbook")
    )
    schedule_queue_snapshots(at=timezone.now() + SNAPSHOT_EVERY)
    return recorded


def schedule_queue_snapshots(*, at: datetime | None = None) -> bool:
    """Enqueue the next run (now when `at` is None) unless one is already waiting: one
    chain, however many workers start. True when a run was enqueued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=record_queue_snapshots.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return False
    (record_queue_snapshots.using(run_after=at) if at else record_queue_snapshots).enqueue()
    return True
