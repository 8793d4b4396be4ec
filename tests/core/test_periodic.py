"""Periodic tasks (dozvon.core.periodic): each runs every N minutes on `dozvon worker` and
schedules its own next run; there is never more than one pending run of a task, however
many times a worker starts, and the pending run is a database row a restarted worker
finds. The engine's and the plug-ins' periodic tasks are all declared this way."""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest
import time_machine
from django.core.management import get_commands, load_command_class
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dozvon.automation.tasks import run_triggers
from dozvon.core.periodic import PeriodicTask, periodic
from dozvon.messaging.tasks import sweep_outbox
from dozvon.offers.tasks import send_excluded_reports
from dozvon.pickup.tasks import pickup_sweep
from dozvon.queues.tasks import record_queue_snapshots
from dozvon.webhooks.tasks import sweep_webhooks

EVERY = timedelta(minutes=7)
worked = []  # what the probes did; "fail" in it makes their work fail
during_work = []  # called by the probes while they work


@periodic(every=EVERY)
def probe_first() -> int:
    worked.append("first")
    for hook in during_work:
        hook()
    if "fail" in worked:
        raise RuntimeError("the work failed")
    return len(worked)


@periodic(every=EVERY, then_work=False)
def probe_after() -> int:
    worked.append("after")
    for hook in during_work:
        hook()
    if "fail" in worked:
        raise RuntimeError("the work failed")
    return len(worked)


PERIODIC = [
    sweep_outbox,
    sweep_webhooks,
    run_triggers,
    record_queue_snapshots,
    send_excluded_reports,
    pickup_sweep,  # a plug-in's, through the same helper
]


@pytest.fixture(autouse=True)
def _fresh():
    worked.clear()
    during_work.clear()
    yield
    worked.clear()
    during_work.clear()


@pytest.fixture
def _signals_restored():
    """The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def pending(task) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY)
    )


def run_worker():
    worker = load_command_class(get_commands()["worker"], "worker")
    worker.run_from_argv(["dozvon", "worker", "--batch", "--no-startup-delay"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_signals_restored")
def test_starting_the_worker_twice_leaves_one_pending_run_of_every_periodic_task():
    # when a worker starts, works off what is due and stops, and another one starts
    run_worker()
    run_worker()
    # then every periodic task, the engine's and the plug-ins', waits once, its period on
    for task in PERIODIC:
        (next_run,) = pending(task)
        assert abs(next_run.run_after - (timezone.now() + task.every)) < timedelta(seconds=30)
    # and no task at all waits twice (PICK's sweep, registered by its plug-in, included)
    paths = DBTaskResult.objects.filter(status=TaskResultStatus.READY).values_list(
        "task_path", flat=True
    )
    assert "dozvon.pickup.tasks.pickup_sweep" in paths
    assert sorted(paths) == sorted(set(paths))


def test_the_periodic_tasks_are_declared_with_the_one_helper():
    periods = {task.module_path: task.every for task in PERIODIC}
    assert periods == {
        "dozvon.messaging.tasks.sweep_outbox": timedelta(minutes=5),
        "dozvon.webhooks.tasks.sweep_webhooks": timedelta(minutes=5),
        "dozvon.automation.tasks.run_triggers": timedelta(minutes=10),
        "dozvon.queues.tasks.record_queue_snapshots": timedelta(minutes=5),
        "dozvon.offers.tasks.send_excluded_reports": timedelta(hours=1),
        "dozvon.pickup.tasks.pickup_sweep": timedelta(minutes=15),
    }
    assert all(isinstance(task, PeriodicTask) for task in PERIODIC)


def test_a_run_schedules_its_next_run_once_however_often_it_runs(db):
    # when the task runs, and runs again before its next run is due
    assert probe_first.call() == 1
    assert probe_first.call() == 2
    # then one run waits, EVERY after now
    (next_run,) = pending(probe_first)
    assert abs(next_run.run_after - (timezone.now() + EVERY)) < timedelta(seconds=30)
    assert next_run.task_path == "tests.core.test_periodic.probe_first"


def test_scheduling_adds_a_run_only_when_none_waits(db):
    assert probe_first.schedule() is True  # a worker starts: due now
    assert probe_first.schedule() is False  # a second worker starts
    assert probe_first.schedule(at=timezone.now() + EVERY) is False  # a run schedules
    (waiting,) = pending(probe_first)
    assert waiting.task.run_after is None  # the first run is due at once


def test_a_pending_run_is_kept_until_it_is_due_and_then_replaced_by_the_next(db):
    # given a run scheduled for later (a worker ran it and stopped)
    probe_first.call()
    (first,) = pending(probe_first)
    # when the worker starts again later, before and after the run is due
    assert probe_first.schedule() is False
    with time_machine.travel(first.run_after + timedelta(seconds=1)):
        DBTaskResult.objects.filter(pk=first.pk).update(status=TaskResultStatus.RUNNING)
        probe_first.call()  # the worker runs it
        DBTaskResult.objects.filter(pk=first.pk).update(status=TaskResultStatus.SUCCESSFUL)
        (second,) = pending(probe_first)
        assert second.pk != first.pk
        assert abs(second.run_after - (timezone.now() + EVERY)) < timedelta(seconds=30)


def test_a_run_whose_work_fails_has_scheduled_its_next_run_first(db):
    worked.append("fail")
    with pytest.raises(RuntimeError):
        probe_first.call()
    assert len(pending(probe_first)) == 1


def test_a_task_that_schedules_after_its_work_waits_its_period_from_the_end_of_the_work(db):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        # when the work takes three minutes
        during_work.append(lambda: clock.shift(timedelta(minutes=3)))
        probe_after.call()
        # then the next run is EVERY after the work ended, not after it began
        (next_run,) = pending(probe_after)
        assert next_run.run_after == start + timedelta(minutes=3) + EVERY
    assert worked == ["after"]


def test_a_task_that_schedules_first_waits_its_period_from_the_start_of_the_work(db):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        during_work.append(lambda: clock.shift(timedelta(minutes=3)))
        probe_first.call()
        (next_run,) = pending(probe_first)
        assert next_run.run_after == start + EVERY


def test_a_task_that_schedules_after_its_work_schedules_nothing_when_the_work_fails(db):
    worked.append("fail")
    with pytest.raises(RuntimeError):
        probe_after.call()
    assert pending(probe_after) == []  # the next worker start begins the chain again
    assert probe_after.schedule() is True
