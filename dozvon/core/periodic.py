"""Periodic tasks on the `dozvon worker`: "run this every N minutes" on the django-tasks
API with the database backend, declared once::

    @periodic(every=timedelta(minutes=5))
    def sweep_outbox() -> int:
        return outbox_sweep(now=clock.now())

    schedule_outbox_sweep = sweep_outbox.schedule  # what the worker calls when it starts

The decorated function is an ordinary task (`.enqueue()`, `.using()`, `.call()`, found by
the worker under its module path), which schedules its own next run each time it runs:

- *one chain*: `schedule()` enqueues a run only when none is waiting (a READY row of the
  task's path), so starting a worker twice, or two workers at once, leaves one pending
  run; the run being worked is RUNNING, so the next one it schedules is the only one;
- *it survives a restart*: the pending run is a database row with its `run_after`; a
  worker started later finds it (and adds none), or, when there is none (its run died
  before scheduling the next), `schedule()` at the start begins the chain again;
- the next run is scheduled `every` after the moment it is scheduled: first, before
  the work (`then_work`, the default: a run whose work fails — logged by the worker —
  still leaves the next one), or, with `then_work=False`, after the work, so the next
  run starts `every` after this one finished (a task whose work keeps at most one result
  per `every`, like the queue snapshots, then never meets its last result too early).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.apps import apps
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.base import Task

T = TypeVar("T")

# django-tasks-db's result model, looked up when scheduling (the task modules are imported
# while apps load, before models can be)
RESULTS = ("django_tasks_database", "DBTaskResult")


@dataclass(frozen=True, kw_only=True)
class PeriodicTask(Task):
    """A task that runs every `every` and schedules its own next run (see the module)."""

    every: timedelta
    then_work: bool = True  # schedule the next run before the work (False: after it)

    def call(self, *args: Any, **kwargs: Any) -> Any:
        """Run the work once, scheduling the next run before or after it; the worker runs
        a task through `call`, so a run by hand (`task.call()`) keeps the chain too."""
        if self.then_work:
            self.schedule(at=timezone.now() + self.every)
        result = super().call(*args, **kwargs)
        if not self.then_work:
            self.schedule(at=timezone.now() + self.every)
        return result

    def waiting(self):
        """The pending runs of this task (at most one, see `schedule`)."""
        results = apps.get_model(*RESULTS)
        return results.objects.filter(task_path=self.module_path, status=TaskResultStatus.READY)

    def schedule(self, *, at: datetime | None = None) -> bool:
        """Enqueue the next run (now when `at` is None) unless one is already waiting: one
        chain, however many workers start. True when a run was enqueued."""
        if self.waiting().exists():
            return False
        (self.using(run_after=at) if at else self).enqueue()
        return True


def periodic(
    *, every: timedelta, then_work: bool = True
) -> Callable[[Callable[[], T]], PeriodicTask]:
    """Declare a module-level function a periodic task run every `every` (see the module);
    it takes no arguments. `then_work=False`: schedule the next run after the work."""

    def declare(func: Callable[[], T]) -> PeriodicTask:
        return PeriodicTask(func=func, every=every, then_work=then_work)

    return declare
