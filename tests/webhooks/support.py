"""Rows of the webhooks models for scenes built elsewhere (tests/admin's two projects)."""

from __future__ import annotations

from dozvon.changes.models import Change
from dozvon.webhooks.models import WebhookAttempt, WebhookEndpoint
from dozvon.webhooks.services import deliveries_queue


def webhook_scene(project, order, *, now) -> None:
    """An endpoint of the project (its URL carries the project's slug), a delivery of the
    order's latest change to it and one logged attempt."""
    WebhookEndpoint.objects.create(
        project=project, url=f"https://{project.slug}.example/hook", kinds=["created"]
    )
    change = Change.objects.filter(order_id=order.pk, kind="created").latest("id")
    for delivery in deliveries_queue(change, external_id=order.external_id):
        WebhookAttempt.objects.create(
            delivery=delivery, at=now, error=f"{project.slug} refused", duration_ms=3
        )
