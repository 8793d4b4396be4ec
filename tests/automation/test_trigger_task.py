"""The worker runs every active project's triggers every TRIGGERS_EVERY and schedules its
own next run (issue 11), like the queue snapshots."""

import signal
from datetime import timedelta

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dozvon.automation.models import TriggerRun
from dozvon.automation.tasks import TRIGGERS_EVERY, run_triggers, schedule_triggers
from tests.automation.support import dun_world, fresh, pending_order

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
        task_path=run_triggers.module_path, status=TaskResultStatus.READY
    )


def test_starting_workers_schedules_one_chain_of_trigger_runs():
    assert schedule_triggers() is True
    assert schedule_triggers() is False  # a second worker starting adds nothing
    assert waiting().count() == 1


def test_the_worker_runs_the_triggers_and_schedules_the_next_run_dun_1(tmp_path, now):
    # given a pending bank transfer created 8 days ago
    dun = dun_world(tmp_path, now)
    order = pending_order(dun, timezone.now() - timedelta(days=8))
    # when a worker starts and works off what is due
    worker = load_command_class(get_commands()["worker"], "worker")
    worker.run_from_argv(["dozvon", "worker", "--batch"])
    # then the order entered the worklist through its trigger
    assert fresh(order).bucket == "worklist"
    assert TriggerRun.objects.filter(order_id=order.pk, trigger="enter_worklist").count() == 1
    # and exactly one next run waits, TRIGGERS_EVERY on
    (next_run,) = waiting()
    assert abs(next_run.run_after - (timezone.now() + TRIGGERS_EVERY)) < timedelta(seconds=30)
