"""Background work of NBO on the `dozvon worker`: every REPORT_EVERY, yesterday's numbers
with an excluded offer (NBO-4) are queued for each project's responsible person (once per
project and day: a second run finds the queued email). Like the other periodic tasks it
schedules its own next run; starting a worker starts the chain."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from dozvon.core import clock
from dozvon.offers.selectors import offers_enabled
from dozvon.offers.services.notify import excluded_report_queue
from dozvon.projects.models import Project

REPORT_EVERY = timedelta(hours=1)


def queue_excluded_reports(*, now: datetime) -> int:
    """Queue yesterday's list for every project that makes offers; how many were queued
    (or found queued)."""
    queued = 0
    for project in Project.objects.filter(is_active=True).select_related("playbook"):
        if not offers_enabled(project):
            continue
        yesterday = clock.local_date(now, project.time_zone) - timedelta(days=1)
        queued += excluded_report_queue(project=project, day=yesterday, now=now) is not None
    return queued


@task()
def send_excluded_reports() -> int:
    schedule_excluded_reports(at=timezone.now() + REPORT_EVERY)
    return queue_excluded_reports(now=clock.now())


def schedule_excluded_reports(*, at: datetime | None = None) -> bool:
    """Enqueue the next run (now when `at` is None) unless one is already waiting."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=send_excluded_reports.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return False
    (send_excluded_reports.using(run_after=at) if at else send_excluded_reports).enqueue()
    return True
