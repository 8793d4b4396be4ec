"""Background work of the webhooks on the `dozvon worker`: one task per delivery attempt,
enqueued in the transaction that queued the delivery (services.deliveries_queue),
scheduled its retry (sending.delivery_send) or a supervisor's retry
(services.delivery_retry); and the sweep, every SWEEP_EVERY, which enqueues again the
deliveries whose posting was lost (sending.deliveries_sweep): a periodic task
(dozvon.core.periodic) whose chain starting a worker starts, like the outbox's sweep."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from dozvon.core import clock
from dozvon.core.periodic import periodic
from dozvon.webhooks.sending import deliveries_sweep, delivery_send

SWEEP_EVERY = timedelta(minutes=5)


@task()
def send_webhook(delivery_id: int) -> str:
    """Post one webhook delivery: "sent", "retry", "failed" or "skipped"."""
    return delivery_send(delivery_id=delivery_id, now=clock.now())


@periodic(every=SWEEP_EVERY)
def sweep_webhooks() -> int:
    """Enqueue again the deliveries whose posting was lost; how many."""
    return deliveries_sweep(now=clock.now())


schedule_webhook_sweep = sweep_webhooks.schedule  # the worker's start: one chain
