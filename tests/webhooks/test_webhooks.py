"""Partner webhooks against a real HTTP receiver: queued in the change's transaction,
signed (checked here by an independent HMAC), retried with backoff, logged per attempt,
never in the way of the change that caused them."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from dozvon.changes.models import Change
from dozvon.orders import services as svc
from dozvon.orders.services.calling import call_attempt_record
from dozvon.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from dozvon.webhooks.sending import delivery_send
from dozvon.webhooks.tasks import send_webhook
from tests.conftest import _world


def _endpoint(world, url, kinds=("status",)):
    return WebhookEndpoint.objects.create(project=world.project, url=url, kinds=list(kinds))


def _confirm(world, order, now):
    call_attempt_record(order_id=order.pk, actor=world.operator, result="answered", now=now)
    svc.order_apply_outcome(order_id=order.pk, actor=world.operator, code="confirm", now=now)


def _tasks() -> int:
    return DBTaskResult.objects.filter(task_path=send_webhook.module_path).count()


def _verify(secret: str, headers: dict, body: bytes) -> dict:
    """What a partner does (docs/webhooks.md), written without dozvon's code."""
    parts = dict(p.split("=", 1) for p in headers["x-dozvon-signature"].split(","))
    expected = hmac.new(
        secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(expected, parts["v1"])
    return json.loads(body)


def test_an_outcome_is_posted_once_and_signed(cod, now, receiver):
    endpoint = _endpoint(cod, receiver.url)
    order = cod.intake(phone="+79160000201", external_id="SHOP-201")
    # when an outcome is saved
    _confirm(cod, order, now)
    change = Change.objects.filter(order_id=order.pk, kind="status").latest("id")
    delivery = WebhookDelivery.objects.get()
    assert _tasks() == 1 and delivery.event_id == change.pk
    # then the worker posts it once, signed with the endpoint's secret
    assert delivery_send(delivery_id=delivery.pk, now=now) == "sent"
    assert delivery_send(delivery_id=delivery.pk, now=now) == "skipped"
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert headers["content-type"] == "application/json"
    assert headers["x-dozvon-event"] == str(change.pk)
    data = _verify(endpoint.secret, headers, body)
    assert data == {
        "event_id": change.pk,
        "kind": "status",
        "order": order.pk,
        "external_id": "SHOP-201",
        "status": change.status,
        "status_group": change.status_group,
        "at": change.at.isoformat(),
    }
    with pytest.raises(AssertionError):
        _verify("another secret", headers, body)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("sent", 1, 200)
    assert delivery.attempt_log.get().status_code == 200


def test_a_rolled_back_change_queues_nothing(cod, now, receiver):
    _endpoint(cod, receiver.url, kinds=("edited", "status"))
    order = cod.intake(phone="+79160000202")
    with pytest.raises(RuntimeError), transaction.atomic():
        svc.order_update(
            order_id=order.pk,
            actor=cod.operator,
            version=None,
            customer={"operator_comment": "откатится"},
            now=now,
        )
        assert WebhookDelivery.objects.count() == 1  # queued inside the transaction …
        raise RuntimeError("rolled back")
    assert WebhookDelivery.objects.count() == 0  # … and gone with it
    assert _tasks() == 0


def test_a_500_is_retried_with_backoff_and_delivered_once(cod, now, receiver):
    _endpoint(cod, receiver.url, kinds=("created",))
    receiver.codes = [500]
    order = cod.intake(phone="+79160000203")
    delivery = WebhookDelivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk, now=now) == "retry"
    delivery.refresh_from_db()
    assert delivery.state == "queued" and delivery.last_status == 500
    assert delivery.next_attempt_at == now + timedelta(minutes=1)
    assert _tasks() == 2  # the first and the retry
    # not due yet: nothing is posted
    assert delivery_send(delivery_id=delivery.pk, now=now + timedelta(seconds=30)) == "skipped"
    assert delivery_send(delivery_id=delivery.pk, now=now + timedelta(minutes=1)) == "sent"
    assert [h["x-dozvon-event"] for h, _ in receiver.requests] == [str(delivery.event_id)] * 2
    assert list(delivery.attempt_log.values_list("status_code", flat=True)) == [500, 200]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert Change.objects.filter(order_id=order.pk).exists()


@override_settings(WEBHOOK_TIMEOUT=0.3)
def test_a_hanging_receiver_is_retried_and_the_change_is_saved(cod, now, receiver):
    _endpoint(cod, receiver.url)
    receiver.hang = 1.0
    order = cod.intake(phone="+79160000204")
    _confirm(cod, order, now)
    order.refresh_from_db()
    assert order.status == "confirmed"  # the change is saved whatever the receiver does
    delivery = WebhookDelivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk, now=now) == "retry"
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None and attempt.error and attempt.duration_ms < 1000
    receiver.hang = 0
    later = now + timedelta(minutes=1)
    assert delivery_send(delivery_id=delivery.pk, now=later) == "sent"


def test_backoff_ends_in_failed_24_hours_after_the_change(cod, now, receiver):
    _endpoint(cod, receiver.url, kinds=("created",))
    receiver.codes = [503] * 20
    cod.intake(phone="+79160000205")
    delivery = WebhookDelivery.objects.get()
    at, waits = now, []
    while (result := delivery_send(delivery_id=delivery.pk, now=at)) == "retry":
        delivery.refresh_from_db()
        waits.append(int((delivery.next_attempt_at - at).total_seconds() // 60))
        at = delivery.next_attempt_at
    assert result == "failed"
    assert waits[:7] == [1, 5, 15, 60, 180, 360, 360]
    assert at == now + timedelta(hours=24)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempt_log.count() == delivery.attempts == len(waits) + 1


def test_unsubscribed_kinds_and_inactive_endpoints_get_nothing(cod, now, receiver):
    _endpoint(cod, receiver.url, kinds=("cancelled",))
    WebhookEndpoint.objects.create(
        project=cod.project, url=receiver.url, kinds=["status"], active=False
    )
    order = cod.intake(phone="+79160000206")
    _confirm(cod, order, now)
    assert WebhookDelivery.objects.count() == 0 and _tasks() == 0


def test_another_projects_endpoint_gets_nothing(cod, now, receiver):
    other = _world("shop", "other")
    _endpoint(other, receiver.url, kinds=("created", "status"))
    order = cod.intake(phone="+79160000207")
    _confirm(cod, order, now)
    assert WebhookDelivery.objects.count() == 0 and receiver.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x"])
def test_only_http_urls_are_accepted(cod, url):
    with pytest.raises(ValidationError):
        WebhookEndpoint(project=cod.project, url=url, kinds=["status"]).full_clean()
    with pytest.raises(ValidationError):
        WebhookEndpoint.objects.create(project=cod.project, url=url, kinds=["status"])
