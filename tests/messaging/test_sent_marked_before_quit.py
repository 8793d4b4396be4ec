"""Issue 25 item 5 (X-9 "never sent twice"): the window in which a dying worker makes an
email go out twice is one UPDATE wide. The message is marked sent in its own short
transaction right after the server's 250, before the SMTP conversation is closed (QUIT);
its timeline line follows, and a line lost with a worker dying in between is written by
the sweep, once, without sending the email again. The Message-ID is kept throughout."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dozvon.history.models import TimelineEntry
from dozvon.messaging import sending
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.sending import outbox_send, outbox_sweep
from dozvon.messaging.services import message_send_now
from tests.messaging.conftest import Recorder, order_with_email

pytestmark = pytest.mark.django_db(transaction=True)


class QuitWatcher(Recorder):
    """Notes the message's state in the database when the client says QUIT."""

    def __init__(self):
        super().__init__()
        self.message_pk: int | None = None
        self.state_at_quit: str | None = None

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        self.state_at_quit = await asyncio.to_thread(self._state)
        return "221 Bye"

    def _state(self) -> str:
        try:
            return OutboxMessage.objects.values_list("state", flat=True).get(pk=self.message_pk)
        finally:
            connection.close()


def _queued(world, now):
    order = order_with_email(world)
    message, _ = message_send_now(
        order_id=order.pk, template="bank_details", actor=world.operator, now=now
    )
    return order, message


def test_an_email_is_marked_sent_before_the_mail_connection_is_closed_x_9(shop_world, smtp):
    # given a queued email and a mail server that notes the message's state at QUIT
    now = timezone.now()
    order, message = _queued(shop_world, now)
    smtp.handler = QuitWatcher()
    smtp.handler.message_pk = message.pk
    smtp.start()

    # when the worker's task sends it
    assert outbox_send(message_id=message.pk) == "sent"

    # then the message was already committed as sent when the client said QUIT
    assert smtp.handler.state_at_quit == "sent"
    (received,) = smtp.messages
    assert received["Message-ID"] == message.message_id
    # and its `message` line is in the timeline once
    assert TimelineEntry.objects.filter(order=order, kind="message").count() == 1


def test_a_worker_dying_after_marking_sent_loses_only_the_line_which_the_sweep_writes_x_9(
    shop_world, smtp, monkeypatch
):
    # given a queued email, and a worker that dies right after marking it sent
    now = timezone.now()
    order, message = _queued(shop_world, now)
    smtp.start()

    def dies(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(sending, "_record_sent", dies)
    with pytest.raises(SystemExit):
        outbox_send(message_id=message.pk)
    monkeypatch.undo()

    # then the email is sent and marked so, its timeline line not yet written
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.state, stored.attempts) == ("sent", 1)
    assert TimelineEntry.objects.filter(order=order, kind="message").count() == 0

    # when the sweep runs (after a minute's grace), twice
    later = timezone.now() + timedelta(minutes=2)
    assert outbox_sweep(now=later) == 0  # nothing enqueued again: it was sent
    outbox_sweep(now=later)

    # then the line is written once, and the email was not sent again
    assert TimelineEntry.objects.filter(order=order, kind="message").count() == 1
    assert len(smtp.messages) == 1
    assert OutboxMessage.objects.get(pk=message.pk).claim_token == ""
