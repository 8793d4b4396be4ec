"""Background work of the queues: the supervisor's queue sizes over the day, and folding
old days' rows of the tab tally (PostgreSQL) so counts stay fast.

Snapshots of every active project's tab counts are taken here and only here (screens
read, never write): every SNAPSHOT_EVERY on the `dozvon worker`, a periodic task
(dozvon.core.periodic) that schedules its own next run; starting a worker starts the
chain, so the day's curve has no holes. The next run is scheduled after this one's work:
it comes SNAPSHOT_EVERY after the snapshot, which `queue_snapshot_record` (at most one per
SNAPSHOT_EVERY) would otherwise skip when a run came a little early.
"""

from __future__ import annotations

from dozvon.core import clock
from dozvon.core.periodic import periodic
from dozvon.projects.models import Project
from dozvon.queues import tally
from dozvon.queues.services import SNAPSHOT_EVERY, queue_snapshot_record


@periodic(every=SNAPSHOT_EVERY, then_work=False)
def record_queue_snapshots() -> int:
    """Record the tab counts of every active project (at most one snapshot per project
    per SNAPSHOT_EVERY, see queue_snapshot_record); return how many were recorded."""
    now = clock.now()
    tally.compact(now=now)  # old days' tally rows folded: counts stay a few days' rows
    return sum(
        queue_snapshot_record(project=project, now=now) is not None
        for project in Project.objects.filter(is_active=True).select_related("playbook")
    )


schedule_queue_snapshots = record_queue_snapshots.schedule  # the worker's start: one chain
