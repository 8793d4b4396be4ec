"""Background work of the webhooks on the `dozvon worker`: one task per delivery attempt,
enqueued in the transaction that queued the delivery (services.deliveries_queue),
scheduled its retry (sending.delivery_send) or a supervisor's retry
(services.delivery_retry); and the sweep, every SWEEP_EVERY, which enqueues again the
deliveries whose posting was lost (sending.deliveries_sweep). Like the outbox's sweep it
schedules its own next run, and starting a worker starts the chain."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from dozvon.core import clock
from dozvon.webhooks.sending import deliveries_sweep, delivery_send

SWEEP_EVERY = timedelta(minutes=5)


@task()
def send_webhook(delivery_id: int) -> str:
    """Post one webhook delivery: "sent", "retry", "failed" or "skipped"."""
    return delivery_send(delivery_id=delivery_id, now=clock.now())


@task()
def sweep_webhooks() -> int:
    """Enqueue again the deliveries whose posting was lost; how many."""
    schedule_webhook_sweep(at=timezone.now() + SWEEP_EVERY)
    return deliveries_sweep(now=clock.now())


def schedule_webhook_sweep(*, at: datetime | None = None) -> bool:
    """Enqueue the next sweep (now when `at` is None) unless one is already waiting: one
    chain, however many workers start. True when a sweep was enqueued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=sweep_webhooks.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return False
    (sweep_webhooks.using(run_after=at) if at else sweep_webhooks).enqueue()
    return True
