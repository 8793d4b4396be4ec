"""The outbox recipe (dozvon.core.outbox), one implementation for the email outbox
(messaging.sending.OUTBOX, docs/outbox.md) and the partner webhooks
(webhooks.sending.DELIVERIES): one sender at a time under a lease, a result written only
under its own claim, a retry enqueued with its row, a sweep that takes back expired leases
and lost tasks once, a supervisor's "send again" only of what is not being sent. Each
behaviour is checked on both outboxes."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.sending import OUTBOX
from dozvon.messaging.tasks import send_message
from dozvon.webhooks.models import WebhookDelivery, WebhookEndpoint
from dozvon.webhooks.sending import DELIVERIES
from dozvon.webhooks.tasks import send_webhook

_numbers = count(1)


def an_email(world, now):
    n = next(_numbers)
    return OutboxMessage.objects.create(
        project=world.project,
        template="bank_details",
        name="Реквизиты",
        language="ru",
        reason="test",
        to="ivanov@example.com",
        from_email="shop@dozvon.test",
        subject="Реквизиты",
        body_text="…",
        next_attempt_at=now,
        message_id=f"<outbox-{n}@dozvon.test>",
        idempotency_key=f"outbox-recipe-{n}",
        created_at=now,
    )


def a_webhook(world, now):
    WebhookEndpoint.objects.get_or_create(
        project=world.project, url="https://partner.example/hook", kinds=["created"]
    )
    n = next(_numbers)
    order = world.intake(phone=f"+791600{n:05d}", external_id=f"OUTBOX-{n}", now=now)
    delivery = WebhookDelivery.objects.get(change__order=order)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now)
    return delivery


OUTBOXES = {
    "emails": (OUTBOX, an_email, send_message),
    "webhooks": (DELIVERIES, a_webhook, send_webhook),
}


@pytest.fixture(params=list(OUTBOXES))
def box(request, cod):
    outbox, make, task = OUTBOXES[request.param]
    now = timezone.now()

    class Box:
        def row(self, at=now):
            row = make(cod, at)
            DBTaskResult.objects.filter(task_path=task.module_path).delete()  # none yet
            return row

        @staticmethod
        def fresh(row):
            return type(row).objects.get(pk=row.pk)

        @staticmethod
        def tasks():
            """The send tasks waiting: (row id, run_after or None)."""
            return [
                (r.args_kwargs["args"][0], r.task.run_after)
                for r in DBTaskResult.objects.filter(
                    task_path=task.module_path, status=TaskResultStatus.READY
                )
            ]

    Box.outbox, Box.now = outbox, now
    return Box()


def test_one_sender_claims_a_due_row_and_writes_its_result_under_its_claim_only(box):
    row = box.row()
    # when two senders claim it
    token = box.outbox.claim(row.pk, now=box.now)
    assert token
    assert box.outbox.claim(row.pk, now=box.now) is None  # the second one: skipped
    # then it has one attempt and a lease
    claimed = box.fresh(row)
    assert (claimed.attempts, claimed.claim_token) == (1, token)
    assert claimed.claimed_until == box.now + box.outbox.lease()
    # and only the claim's owner writes its result, giving the claim up
    assert box.outbox.release(row.pk, "someone-else", state="sent") is False
    assert box.outbox.release(row.pk, token, state="sent") is True
    done = box.fresh(row)
    assert (done.state, done.claimed_until, done.claim_token) == ("sent", None, "")
    assert box.outbox.claim(row.pk, now=box.now) is None  # sent: nothing to claim


def test_a_row_not_due_yet_is_not_claimed(box):
    row = box.row(at=box.now + timedelta(minutes=1))
    assert box.outbox.claim(row.pk, now=box.now) is None
    assert box.fresh(row).attempts == 0


def test_a_retry_frees_the_row_and_enqueues_its_task_for_the_retry_time(box):
    row = box.row()
    token = box.outbox.claim(row.pk, now=box.now)
    at = box.now + timedelta(minutes=5)
    assert box.outbox.retry(row.pk, token, at=at, last_error="451 later") is True
    again = box.fresh(row)
    assert (again.state, again.next_attempt_at, again.last_error) == ("queued", at, "451 later")
    assert (again.claimed_until, again.claim_token) == (None, "")
    assert box.tasks() == [(row.pk, at)]
    # a claim that is no longer ours enqueues nothing
    assert box.outbox.retry(row.pk, token, at=at) is False
    assert len(box.tasks()) == 1


def test_the_sweep_takes_back_an_expired_lease_once_and_runs_its_task_at_once(box):
    row = box.row()
    box.outbox.claim(row.pk, now=box.now)  # and its sender dies
    expiry = box.fresh(row).claimed_until
    assert box.outbox.sweep(now=expiry - timedelta(seconds=1)) == 0  # the lease still runs
    assert box.outbox.sweep(now=expiry + timedelta(seconds=1)) == 1
    assert box.outbox.sweep(now=expiry + timedelta(seconds=2)) == 0
    freed = box.fresh(row)
    assert (freed.claimed_until, freed.claim_token, freed.next_attempt_at) == (None, "", box.now)
    assert box.tasks() == [(row.pk, None)]


def test_the_sweep_enqueues_a_lost_task_once_due_when_the_sweep_ran(box):
    row = box.row()  # queued, its task row gone
    assert box.outbox.sweep(now=box.now + box.outbox.lost_after) == 0  # may be on its way
    later = box.now + box.outbox.lost_after + timedelta(minutes=1)
    assert box.outbox.sweep(now=later) == 1
    assert box.outbox.sweep(now=later) == 0  # its task is there: left alone
    assert box.fresh(row).next_attempt_at == later
    assert box.tasks() == [(row.pk, later)]


def test_the_sweep_leaves_what_is_sent_failed_or_being_sent(box):
    sent, failed, sending = box.row(), box.row(), box.row()
    type(sent).objects.filter(pk=sent.pk).update(state="sent")
    type(failed).objects.filter(pk=failed.pk).update(state="failed")
    box.outbox.claim(sending.pk, now=box.now)
    assert box.outbox.sweep(now=box.now + box.outbox.lease() - timedelta(seconds=1)) == 0
    type(sending).objects.filter(pk=sending.pk).update(state="sent")  # it finished
    assert box.outbox.sweep(now=box.now + box.outbox.lost_after + timedelta(minutes=1)) == 0
    assert box.tasks() == []


def test_send_again_requeues_a_failed_or_waiting_row_but_not_one_being_sent(box):
    failed, waiting, sending = box.row(), box.row(), box.row()
    type(failed).objects.filter(pk=failed.pk).update(state="failed")
    later = box.now + timedelta(minutes=30)
    type(waiting).objects.filter(pk=waiting.pk).update(next_attempt_at=later)
    token = box.outbox.claim(sending.pk, now=box.now)
    type(sending).objects.filter(pk=sending.pk).update(next_attempt_at=later)
    # a failed row and one waiting for its next attempt: queued, due now, task enqueued
    assert box.outbox.requeue(failed.pk, now=box.now) is True
    assert box.outbox.requeue(waiting.pk, now=box.now) is True
    for row in (failed, waiting):
        assert (box.fresh(row).state, box.fresh(row).next_attempt_at) == ("queued", box.now)
    # one being sent (its lease runs) is refused, and keeps its claim
    assert box.outbox.requeue(sending.pk, now=box.now) is False
    assert box.fresh(sending).claim_token == token
    assert sorted(box.tasks()) == sorted([(failed.pk, None), (waiting.pk, None)])


def test_each_outbox_enqueues_its_own_send_task():
    assert OUTBOX.task() is send_message
    assert DELIVERIES.task() is send_webhook
