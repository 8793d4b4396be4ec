"""X-9 "sent in the background, retried on failure, never lost and never sent twice",
against a real SMTP server on loopback: the task run directly, and the worker run as
`dozvon worker --batch` in this process."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import get_commands, load_command_class
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dozvon.history.models import TimelineEntry
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.rules import MAX_ATTEMPTS
from dozvon.messaging.sending import LOST_AFTER, outbox_sweep
from dozvon.messaging.services import message_send_now
from dozvon.messaging.tasks import send_message
from dozvon.orders.selectors import timeline_text
from dozvon.playbooks.selectors import playbook_def
from tests.messaging.conftest import order_with_email


def _send(world, order, template="bank_details", **kw):
    message, _ = message_send_now(
        order_id=order.pk, template=template, actor=world.operator, now=timezone.now(), **kw
    )
    return message


def fresh(message) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


def message_lines(order):
    return list(TimelineEntry.objects.filter(order=order, kind="message"))


def waiting_sends():
    return DBTaskResult.objects.filter(
        task_path=send_message.module_path, status=TaskResultStatus.READY
    )


def run_worker():
    worker = load_command_class(get_commands()["worker"], "worker")
    worker.run_from_argv(["dozvon", "worker", "--batch", "--no-startup-delay"])


def test_a_queued_message_is_sent_once_with_its_headers_and_both_bodies_x_9(shop_world, smtp):
    # given a queued email and a mail server
    smtp.start()
    order = order_with_email(shop_world)
    message = _send(shop_world, order)
    # when its task runs, and runs again
    assert send_message.call(message.pk) == "sent"
    assert send_message.call(message.pk) == "skipped"
    # then the server received exactly one email: its Message-ID, To, Subject, two bodies
    (received,) = smtp.messages
    message = fresh(message)
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "ivanov@example.com"
    assert _decoded_subject(received) == "Реквизиты для оплаты заказа № SHOP-1000"
    assert received.get_content_type() == "multipart/alternative"
    text, html = (part.get_payload(decode=True).decode() for part in received.get_payload())
    assert "Иванов Иван" in text and "<table" not in text
    assert "<table" in html
    # and it is marked sent, with one `message` line on the order's timeline
    assert (message.state, message.attempts, message.sent_at is not None) == ("sent", 1, True)
    (line,) = message_lines(order)
    assert line.data["message_id"] == message.message_id
    assert line.text == "Письмо «Реквизиты для оплаты» отправлено на ivanov@example.com"


def _decoded_subject(received) -> str:
    from email.header import decode_header, make_header

    return str(make_header(decode_header(received["Subject"])))


@pytest.mark.django_db(transaction=True)
def test_a_server_down_then_up_gets_the_email_once_x_9(shop_world, smtp):
    # given a queued email and no mail server listening
    order = order_with_email(shop_world)
    message = _send(shop_world, order)
    # when the worker tries
    run_worker()
    # then the attempt is counted and a retry is enqueued a minute later
    message = fresh(message)
    assert (message.state, message.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in message.last_error
    (retry,) = waiting_sends()
    assert retry.run_after == message.next_attempt_at
    assert timedelta(seconds=50) < message.next_attempt_at - timezone.now() <= timedelta(minutes=1)
    assert smtp.messages == [] and message_lines(order) == []
    # when the server is up and the retry is due
    smtp.start()
    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        run_worker()
        run_worker()
    # then the email arrived once and is marked sent
    message = fresh(message)
    assert (message.state, message.attempts, message.last_error) == ("sent", 2, "")
    assert [m["Message-ID"] for m in smtp.messages] == [message.message_id]
    assert len(message_lines(order)) == 1


def test_a_temporary_refusal_is_retried_with_growing_delays_x_9(shop_world, smtp):
    smtp.start()
    smtp.handler.refuse = "451 4.7.1 Greylisted, try again later"
    order = order_with_email(shop_world)
    message = _send(shop_world, order)
    delays = []
    for _ in range(3):
        at = fresh(message).next_attempt_at
        with time_machine.travel(at + timedelta(seconds=1), tick=False):
            assert send_message.call(message.pk) == "retry"
            delays.append(fresh(message).next_attempt_at - timezone.now())
    assert delays == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15)]
    assert "451" in fresh(message).last_error
    # not due yet: a duplicate task does nothing
    assert send_message.call(message.pk) == "skipped"


def test_a_permanent_refusal_fails_with_the_reason_on_the_timeline_x_9(shop_world, smtp):
    # given a server that does not know the recipient
    smtp.start()
    smtp.handler.refuse = "550 5.1.1 <ivanov@example.com>: no such user"
    order = order_with_email(shop_world)
    message = _send(shop_world, order)
    # when the task runs
    assert send_message.call(message.pk) == "failed"
    # then it failed for good, with the server's reason, on the timeline
    message = fresh(message)
    assert (message.state, message.attempts) == ("failed", 1)
    assert message.last_error.startswith("550 5.1.1")
    line = TimelineEntry.objects.get(order=order, data__message=message.pk, data__error__gt="")
    assert line.kind == "auto" and "no such user" in line.data["error"]
    assert "не доставлено" in timeline_text(line, playbook_def(order.project.playbook))
    assert message_lines(order) == [] and waiting_sends().count() == 1  # none but the first
    assert send_message.call(message.pk) == "skipped"


def test_a_message_that_never_gets_through_fails_after_the_last_attempt_x_9(shop_world, smtp):
    order = order_with_email(shop_world)
    message = _send(shop_world, order)  # the server never starts
    for _ in range(MAX_ATTEMPTS):
        with time_machine.travel(fresh(message).next_attempt_at + timedelta(seconds=1)):
            send_message.call(message.pk)
    message = fresh(message)
    assert (message.state, message.attempts) == ("failed", MAX_ATTEMPTS)
    assert "ConnectionRefusedError" in message.last_error


@pytest.mark.django_db(transaction=True)
def test_a_message_whose_task_was_lost_is_enqueued_again_by_the_sweep_x_9(shop_world, smtp):
    # given a queued email whose task row is gone
    smtp.start()
    order = order_with_email(shop_world)
    message = _send(shop_world, order)
    DBTaskResult.objects.filter(task_path=send_message.module_path).delete()
    # the sweep leaves it while it may still be on its way
    assert outbox_sweep(now=timezone.now()) == 0
    # when it is long overdue and a worker runs (its sweep included)
    with time_machine.travel(timezone.now() + LOST_AFTER + timedelta(minutes=1)):
        run_worker()
        run_worker()
    # then it was sent, once
    assert fresh(message).state == "sent"
    assert [m["Message-ID"] for m in smtp.messages] == [fresh(message).message_id]
