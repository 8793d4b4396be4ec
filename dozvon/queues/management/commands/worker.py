"""`dozvon worker`: the django-tasks database worker, with the periodic queue snapshots
(dozvon/queues/tasks.py), playbook triggers (dozvon/automation/tasks.py) and the sweeps
of lost email sends (dozvon/messaging/tasks.py) and webhook posts
(dozvon/webhooks/tasks.py) scheduled first. Every option of `db_worker` is accepted."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from dozvon.automation.tasks import schedule_triggers
from dozvon.messaging.tasks import schedule_outbox_sweep
from dozvon.offers.tasks import schedule_excluded_reports
from dozvon.queues.tasks import schedule_queue_snapshots
from dozvon.webhooks.tasks import schedule_webhook_sweep


class Command(BaseCommand):
    help = (
        "Run background tasks (django-tasks database worker): queue snapshots, triggers, "
        "emails and webhooks."
    )

    def add_arguments(self, parser):
        parser.add_argument("worker_args", nargs="*", help="options passed to db_worker")

    def run_from_argv(self, argv):
        # everything after `worker` goes to db_worker untouched (its own --help included)
        if not {"-h", "--help"} & set(argv[2:]):
            schedule_queue_snapshots()
            schedule_triggers()
            schedule_outbox_sweep()  # emails whose sending was lost
            schedule_webhook_sweep()  # webhook deliveries whose posting was lost
            schedule_excluded_reports()  # NBO-4: the day's excluded numbers to the responsible
        call_command("db_worker", *argv[2:])
