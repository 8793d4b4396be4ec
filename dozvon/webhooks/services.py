"""Queueing partner webhooks: called by `changes.services.change_append` for every feed
row, in the change's own transaction, so a rolled-back change queues nothing and a saved
one is never left without its deliveries. Nothing is sent here (no HTTP in a request)."""

from __future__ import annotations

import json

from django.db import transaction

from dozvon.changes.models import Change
from dozvon.orders.models import Order
from dozvon.webhooks.models import WebhookDelivery, WebhookEndpoint


def body_of(change: Change, external_id: str | None) -> str:
    return json.dumps(
        {
            "event_id": change.pk,
            "kind": change.kind,
            "order": change.order_id,
            "external_id": external_id,
            "status": change.status,
            "status_group": change.status_group,
            "at": change.at.isoformat(),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def deliveries_queue(change: Change) -> list[WebhookDelivery]:
    """One delivery per active endpoint of the change's project subscribed to its kind,
    each with its send task enqueued, in the caller's transaction."""
    from dozvon.webhooks.tasks import send_webhook

    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(project_id=change.project_id, active=True)
        if change.kind in (e.kinds or [])
    ]
    if not endpoints:
        return []
    external_id = (
        Order.objects.filter(pk=change.order_id).values_list("external_id", flat=True).first()
    )
    body = body_of(change, external_id)
    deliveries = []
    with transaction.atomic():
        for endpoint in endpoints:
            delivery = WebhookDelivery.objects.create(
                project_id=change.project_id,
                endpoint=endpoint,
                change=change,
                event_id=change.pk,
                body=body,
                next_attempt_at=change.at,
                created_at=change.at,
            )
            send_webhook.enqueue(delivery.pk)
            deliveries.append(delivery)
    return deliveries
