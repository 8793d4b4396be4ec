"""The supervisor's queue sizes over the day are recorded by the worker even when nobody
has a screen open (supervisor screen: queue sizes over the day, COD-1…6 counts)."""

import signal
from datetime import timedelta

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dozvon.queues.models import QueueSnapshot
from dozvon.queues.selectors import queue_counts
from dozvon.queues.services import SNAPSHOT_EVERY
from dozvon.queues.tasks import record_queue_snapshots, schedule_queue_snapshots

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as in production


@pytest.fixture(autouse=True)
def _signals_restored():
    """The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def waiting():
    return DBTaskResult.objects.filter(
        task_path=record_queue_snapshots.module_path, status=TaskResultStatus.READY
    )


def test_starting_workers_schedules_one_chain_of_snapshots(cod):
    assert schedule_queue_snapshots() is True
    assert schedule_queue_snapshots() is False  # a second worker starting adds nothing
    assert waiting().count() == 1


def test_the_worker_records_every_active_project_and_schedules_the_next_run(cod, shop):
    # given orders in both projects and a third project that is switched off
    cod.intake()
    shop.intake()
    shop.project.is_active = False
    shop.project.save()
    # when a worker starts and works off what is due
    worker = load_command_class(get_commands()["worker"], "worker")
    worker.run_from_argv(["dozvon", "worker", "--batch"])
    # then the active project has a snapshot with its live counts, the inactive one none
    (snapshot,) = QueueSnapshot.objects.all()
    assert snapshot.project == cod.project
    counts = {q.code: n for q, n in queue_counts(project=cod.project, now=timezone.now())}
    assert snapshot.counts == counts and snapshot.counts["new"] == 1
    # and exactly one next run waits, five minutes on
    (next_run,) = waiting()
    assert timezone.now() + SNAPSHOT_EVERY - next_run.run_after < timedelta(seconds=30)
    assert next_run.run_after > timezone.now() + SNAPSHOT_EVERY - timedelta(seconds=30)


def test_a_run_soon_after_a_snapshot_records_nothing_new(cod):
    schedule_queue_snapshots()
    call_command("db_worker", "--batch")
    record_queue_snapshots.call()  # e.g. two chains after a crash: still one per 5 minutes
    assert QueueSnapshot.objects.count() == 1
