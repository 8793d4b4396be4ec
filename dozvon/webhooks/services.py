"""Queueing partner webhooks: called by `orders.services.events.record` for every feed
row, in the change's own transaction, so a rolled-back change queues nothing and a saved
one is never left without its deliveries; likewise by the balance adjustments' services
(NBO-6) for an adjustment created or decided; and a supervisor's "send again" of a
delivery. Nothing is sent here (no HTTP in a request)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.db import transaction

from dozvon.audit.actions import AuditAction
from dozvon.audit.services import audit_record
from dozvon.changes.models import Change
from dozvon.core.errors import NotFound, RuleViolations
from dozvon.core.money import format_money
from dozvon.core.outbox_rules import retry_problems
from dozvon.projects.access import SUPERVISE, ensure_can
from dozvon.webhooks.models import (
    ADJUSTMENT,
    AdjustmentEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from dozvon.webhooks.sending import DELIVERIES


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# project id → its active endpoints, inside `endpoints_read_once()`; None outside it
_READ_ONCE: ContextVar[dict[int, list[WebhookEndpoint]] | None] = ContextVar(
    "webhook_endpoints_read_once", default=None
)


@contextmanager
def endpoints_read_once() -> Iterator[None]:
    """Inside this block a project's active endpoints are read once, not once per change:
    batch intake queues up to 100 orders' deliveries in one request (issue 18). Endpoints
    a supervisor adds meanwhile are used from the next request on."""
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


def _active(project_id: int) -> list[WebhookEndpoint]:
    memo = _READ_ONCE.get()
    if memo is not None and project_id in memo:
        return memo[project_id]
    endpoints = list(WebhookEndpoint.objects.filter(project_id=project_id, active=True))
    if memo is not None:
        memo[project_id] = endpoints
    return endpoints


def _subscribed(project_id: int, kind: str) -> list[WebhookEndpoint]:
    return [e for e in _active(project_id) if kind in (e.kinds or [])]


def body_of(change: Change, external_id: str | None) -> str:
    return _json(
        {
            "event_id": change.pk,
            "kind": change.kind,
            "order": change.order_id,
            "external_id": external_id,
            "status": change.status,
            "status_group": change.status_group,
            "at": change.at.isoformat(),
        }
    )


def deliveries_queue(change: Change, *, external_id: str | None) -> list[WebhookDelivery]:
    """One delivery per active endpoint of the change's project subscribed to its kind,
    each with its send task enqueued, in the caller's transaction. `external_id` is the
    order's id in the partner's system, which the body carries."""
    endpoints = _subscribed(change.project_id, change.kind)
    if not endpoints:
        return []
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
            DELIVERIES.enqueue(delivery.pk)
            deliveries.append(delivery)
    return deliveries


def adjustment_body(event: AdjustmentEvent, adjustment, project_slug: str) -> str:
    """NBO-6: the adjustment as it stands after the event (docs/webhooks.md)."""
    return _json(
        {
            "event_id": event.event_id,
            "kind": ADJUSTMENT,
            "project": project_slug,
            "at": event.at.isoformat(),
            "adjustment": {
                "id": adjustment.pk,
                "interaction": adjustment.interaction_id,
                "phone": adjustment.interaction.phone,
                "category": adjustment.category,
                "amount": format_money(adjustment.amount),
                "currency": adjustment.currency,
                "reason": adjustment.reason,
                "campaign": adjustment.campaign.code if adjustment.campaign_id else None,
                "state": adjustment.state,
                "created_at": adjustment.created_at.isoformat(),
                "decided_at": adjustment.decided_at.isoformat() if adjustment.decided_at else None,
                "external_ref": adjustment.external_ref,
            },
        }
    )


def adjustment_deliveries_queue(adjustment, *, now: datetime) -> list[WebhookDelivery]:
    """NBO-6: the adjustment's new state (pending when created, applied or rejected when
    decided) as one event, one delivery per active endpoint of its project subscribed to
    `adjustment`, each with its send task enqueued, in the caller's transaction. Nothing
    (not even the event) without such an endpoint."""
    endpoints = _subscribed(adjustment.project_id, ADJUSTMENT)
    if not endpoints:
        return []
    deliveries = []
    with transaction.atomic():
        event = AdjustmentEvent.objects.create(
            project_id=adjustment.project_id, adjustment=adjustment, state=adjustment.state, at=now
        )
        body = adjustment_body(event, adjustment, adjustment.project.slug)
        for endpoint in endpoints:
            delivery = WebhookDelivery.objects.create(
                project_id=adjustment.project_id,
                endpoint=endpoint,
                adjustment_event=event,
                event_id=event.event_id,
                body=body,
                next_attempt_at=now,
                created_at=now,
            )
            DELIVERIES.enqueue(delivery.pk)
            deliveries.append(delivery)
    return deliveries


@transaction.atomic
def delivery_retry(*, delivery_id: int, actor, now: datetime) -> WebhookDelivery:
    """A supervisor of the delivery's project posts again a failed delivery, or posts now
    one waiting for its next attempt: queued and due now, its task enqueued in this
    transaction, audited. Its earlier attempts stay in the log and in `attempts`; one
    retried more than 24 h after its change gets a single attempt (sending.RETRY_FOR).
    NotFound outside the user's projects, Forbidden for a role other than supervisor,
    RuleViolations (`state`) for a delivery already sent or being sent."""
    delivery = (
        WebhookDelivery.objects.select_for_update()
        .select_related("project", "endpoint")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise NotFound()
    ensure_can(actor, delivery.project, SUPERVISE)
    refused = retry_problems(
        state=delivery.state,
        next_attempt_at=delivery.next_attempt_at,
        claimed_until=delivery.claimed_until,
        now=now,
    )
    if refused:
        raise RuleViolations(refused)
    state_before = delivery.state
    done = DELIVERIES.requeue(delivery.pk, now=now)  # its task enqueued with it
    if not done:  # a worker moved first (SQLite ignores the row lock)
        raise RuleViolations(
            retry_problems(state="sent", next_attempt_at=now, claimed_until=None, now=now)
        )
    audit_record(
        actor=actor,
        action=AuditAction.WEBHOOK_RETRY,
        target_type="webhookdelivery",
        target_id=delivery.pk,
        project=delivery.project,
        changes={
            "event_id": delivery.event_id,
            "url": delivery.endpoint.url,
            "state_before": state_before,
            "attempts": delivery.attempts,
            "last_status": delivery.last_status,
        },
        now=now,
    )
    delivery.refresh_from_db()
    return delivery
