"""Background work of the outbox on the `dozvon worker` (X-9): one task per message to
send, enqueued in the transaction that queued it (services.message_queue) or that
scheduled a retry (sending._retry); and the sweep, every SWEEP_EVERY, which enqueues
again the messages whose sending was lost (sending.outbox_sweep): a periodic task
(dozvon.core.periodic) whose chain starting a worker starts.
"""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from dozvon.core import clock
from dozvon.core.periodic import periodic
from dozvon.messaging.sending import outbox_send, outbox_sweep

SWEEP_EVERY = timedelta(minutes=5)


@task()
def send_message(message_id: int) -> str:
    """Send one outbox message: "sent", "retry", "failed" or "skipped" (sent already,
    not due yet, or being sent by another worker)."""
    return outbox_send(message_id=message_id)


@periodic(every=SWEEP_EVERY)
def sweep_outbox() -> int:
    """Enqueue again the messages whose sending was lost; how many."""
    return outbox_sweep(now=clock.now())


schedule_outbox_sweep = sweep_outbox.schedule  # the worker's start: one chain
