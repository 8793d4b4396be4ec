"""Partner webhooks are never lost: a delivery whose task row is gone (or whose worker died
mid-post) is enqueued again by the worker's periodic sweep and posted, once, to a real
HTTP receiver — the same recipe as the email outbox's sweep (X-9)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import get_commands, load_command_class
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dozvon.webhooks.models import WebhookDelivery, WebhookEndpoint
from dozvon.webhooks.sending import LOST_AFTER, deliveries_sweep
from dozvon.webhooks.tasks import schedule_webhook_sweep, send_webhook, sweep_webhooks


def run_worker():
    worker = load_command_class(get_commands()["worker"], "worker")
    worker.run_from_argv(["dozvon", "worker", "--batch", "--no-startup-delay"])


def _posts() -> int:
    return DBTaskResult.objects.filter(
        task_path=send_webhook.module_path, status=TaskResultStatus.READY
    ).count()


def _lost_delivery(cod, receiver):
    """An order's "created" delivery whose task row is gone."""
    WebhookEndpoint.objects.create(project=cod.project, url=receiver.url, kinds=["created"])
    cod.intake(phone="+79160000311", external_id="SHOP-311", now=timezone.now())
    delivery = WebhookDelivery.objects.get()
    DBTaskResult.objects.filter(task_path=send_webhook.module_path).delete()
    return delivery


@pytest.mark.django_db(transaction=True)
def test_a_delivery_whose_task_was_lost_is_posted_once_by_the_sweep(cod, receiver):
    # given a queued delivery with no task
    delivery = _lost_delivery(cod, receiver)
    # the sweep leaves it while it may still be on its way
    assert deliveries_sweep(now=timezone.now()) == 0
    # when it is long overdue and a worker runs (its sweeps scheduled and run), twice
    with time_machine.travel(timezone.now() + LOST_AFTER + timedelta(minutes=1)):
        run_worker()
        run_worker()
    # then the receiver got it once, and it is sent
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("sent", 1, 200)
    assert [h["x-dozvon-event"] for h, _ in receiver.requests] == [str(delivery.event_id)]


def test_the_sweep_enqueues_a_lost_delivery_once_and_frees_an_expired_claim(cod, receiver):
    delivery = _lost_delivery(cod, receiver)
    later = timezone.now() + LOST_AFTER + timedelta(minutes=1)
    # a lost task: enqueued again, due now; the next sweep leaves it (its task is there)
    assert deliveries_sweep(now=later) == 1
    assert deliveries_sweep(now=later) == 0
    assert _posts() == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == later
    # a claim whose worker died mid-post: freed when its lease ran out, and enqueued
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        claimed_until=later + timedelta(minutes=1), claim_token="dead-worker"
    )
    assert deliveries_sweep(now=later) == 0  # the lease still runs
    assert deliveries_sweep(now=later + timedelta(minutes=2)) == 1
    delivery.refresh_from_db()
    assert (delivery.claimed_until, delivery.claim_token) == (None, "")
    assert _posts() == 2
    # a sent delivery is none of the sweep's business
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state="sent")
    assert deliveries_sweep(now=later + timedelta(hours=1)) == 0


def test_the_worker_keeps_one_sweep_chain(db):
    # starting a worker schedules the sweep unless one is waiting
    assert schedule_webhook_sweep() is True
    assert schedule_webhook_sweep() is False
    waiting = DBTaskResult.objects.filter(task_path=sweep_webhooks.module_path)
    assert waiting.count() == 1
