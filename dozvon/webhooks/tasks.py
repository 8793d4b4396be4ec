"""Background work of the webhooks on the `dozvon worker`: one task per delivery attempt,
enqueued in the transaction that queued the delivery (services.deliveries_queue) or
scheduled its retry (sending.delivery_send)."""

from __future__ import annotations

from django_tasks import task

from dozvon.core import clock
from dozvon.webhooks.sending import delivery_send


@task()
def send_webhook(delivery_id: int) -> str:
    """Post one webhook delivery: "sent", "retry", "failed" or "skipped"."""
    return delivery_send(delivery_id=delivery_id, now=clock.now())
