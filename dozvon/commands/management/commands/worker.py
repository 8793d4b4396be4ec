"""`dozvon worker`: the django-tasks database worker, with the periodic queue snapshots
(dozvon/queues/tasks.py), playbook triggers (dozvon/automation/tasks.py) and the sweeps
of lost email sends (dozvon/messaging/tasks.py) and webhook posts
(dozvon/webhooks/tasks.py) scheduled first, then what the playbook plug-ins registered at
the PERIODIC extension point (dozvon.core.plugins; e.g. NBO-4's excluded numbers report).
Every option of `db_worker` is accepted.

It outlives its database (issue 25): a PostgreSQL restart or a dropped connection is
waited out with backoff, then the worker carries on with what was queued meanwhile
(`dozvon.core.worker.ResilientWorker`, django-tasks-db's loop wrapped, not copied).
"""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from dozvon.automation.tasks import schedule_triggers
from dozvon.core import plugins
from dozvon.core.worker import ResilientWorker, retry_while_database_away
from dozvon.messaging.tasks import schedule_outbox_sweep
from dozvon.queues.tasks import schedule_queue_snapshots
from dozvon.webhooks.tasks import schedule_webhook_sweep


def schedule_periodic() -> None:
    schedule_queue_snapshots()
    schedule_triggers()
    schedule_outbox_sweep()  # emails whose sending was lost
    schedule_webhook_sweep()  # webhook deliveries whose posting was lost
    for schedule in plugins.items(plugins.PERIODIC):  # the plug-ins' own (NBO-4's report)
        schedule()


class Command(db_worker.Command):
    help = (
        "Run background tasks (django-tasks database worker): queue snapshots, triggers, "
        "emails and webhooks; waits out database outages and carries on."
    )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            worker.configure_signals()  # in the process that runs tasks (db_worker's rule)
        # a worker started while the database is away waits for it too
        retry_while_database_away(schedule_periodic, what=f"worker {worker_id} start")
        if reload:
            run_with_reloader(worker.run)
        else:
            worker.run()
