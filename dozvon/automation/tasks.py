"""Background work of the automation engine: every active project's playbook triggers run
every TRIGGERS_EVERY on the `dozvon worker` (DUN-1 worklist entry and exit, DUN-8 …).

A periodic task (dozvon.core.periodic) like the queue snapshots: it schedules its own next
run and starting a worker starts the chain. The next run is scheduled before this one
works, so a project whose triggers fail (logged) does not stop the chain or the other
projects.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from dozvon.automation.services import triggers_run
from dozvon.core import clock
from dozvon.core.periodic import periodic
from dozvon.projects.models import Project

# Triggers count calendar days and call attempts: a few minutes' delay is invisible, and
# a run over nothing due is a handful of index look-ups per trigger.
TRIGGERS_EVERY = timedelta(minutes=10)

log = logging.getLogger(__name__)


@periodic(every=TRIGGERS_EVERY)
def run_triggers() -> int:
    """Run every active project's triggers once; return how many were applied."""
    now = clock.now()
    applied = 0
    for project in Project.objects.filter(is_active=True).select_related("playbook"):
        try:
            applied += triggers_run(project=project, now=now)
        except Exception:  # one project's failure must not stop the others
            log.exception("triggers of project %s failed", project.slug)
    return applied


schedule_triggers = run_triggers.schedule  # the worker's start: one chain
