"""Background work of the automation engine: every active project's playbook triggers run
every TRIGGERS_EVERY on the `dozvon worker` (DUN-1 worklist entry and exit, DUN-8 …).

Like the queue snapshots (dozvon/queues/tasks.py) the task schedules its own next run and
starting a worker starts the chain. The next run is scheduled before this one works, so
a project whose triggers fail (logged) does not stop the chain or the other projects.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from dozvon.automation.services import triggers_run
from dozvon.core import clock
from dozvon.projects.models import Project

# Triggers count calendar days and call attempts: a few minutes' delay is invisible, and
# a run over nothing due is a handful of index look-ups per trigger.
TRIGGERS_EVERY = timedelta(minutes=10)

log = logging.getLogger(__name__)


@task()
def run_triggers() -> int:
    """Run every active project's triggers once; return how many were applied."""
    schedule_triggers(at=timezone.now() + TRIGGERS_EVERY)
    now = clock.now()
    applied = 0
    for project in Project.objects.filter(is_active=True).select_related("playbook"):
        try:
            applied += triggers_run(project=project, now=now)
        except Exception:  # one project's failure must not stop the others
            log.exception("triggers of project %s failed", project.slug)
    return applied


def schedule_triggers(*, at: datetime | None = None) -> bool:
    """Enqueue the next run (now when `at` is None) unless one is already waiting: one
    chain, however many workers start. True when a run was enqueued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=run_triggers.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return False
    (run_triggers.using(run_after=at) if at else run_triggers).enqueue()
    return True
