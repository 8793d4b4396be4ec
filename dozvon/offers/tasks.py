"""Background work of NBO on the `dozvon worker`: every REPORT_EVERY, yesterday's numbers
with an excluded offer (NBO-4) are queued for each project's responsible person (once per
project and day: a second run finds the queued email). A periodic task
(dozvon.core.periodic) like the engine's: it schedules its own next run, and starting a
worker starts the chain (registered at the PERIODIC extension point by the plug-in's
`register()`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from dozvon.core import clock
from dozvon.core.periodic import periodic
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


@periodic(every=REPORT_EVERY)
def send_excluded_reports() -> int:
    """Queue yesterday's excluded numbers report of every project that makes offers."""
    return queue_excluded_reports(now=clock.now())


schedule_excluded_reports = send_excluded_reports.schedule  # the worker's start: one chain
