"""Background work of the outbox on the `dozvon worker` (X-9): one task per message to
send, enqueued in the transaction that queued it (services.message_queue) or that
scheduled a retry (sending._retry); and the sweep, every SWEEP_EVERY, which enqueues
again the messages whose sending was lost (sending.outbox_sweep). Like the queue snapshots
(dozvon/queues/tasks.py) the sweep schedules its own next run and starting a worker
starts the chain.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from dozvon.core import clock
from dozvon.messaging.sending import outbox_send, outbox_sweep

SWEEP_EVERY = timedelta(minutes=5)


@task()
def send_message(message_id: int) -> str:
    """Send one outbox message: "sent", "retry", "failed" or "skipped" (sent already,
    not due yet, or being sent by another worker)."""
    return outbox_send(message_id=message_id)


@task()
def sweep_outbox() -> int:
    """Enqueue again the messages whose sending was lost; how many."""
    schedule_outbox_sweep(at=timezone.now() + SWEEP_EVERY)
    return outbox_sweep(now=clock.now())


def schedule_outbox_sweep(*, at: datetime | None = None) -> bool:
    """Enqueue the next sweep (now when `at` is None) unless one is already waiting: one
    chain, however many workers start. True when a sweep was enqueued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=sweep_outbox.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return False
    (sweep_outbox.using(run_after=at) if at else sweep_outbox).enqueue()
    return True
