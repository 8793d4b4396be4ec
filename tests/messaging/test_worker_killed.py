"""X-9 "never lost": `dozvon worker` killed with SIGKILL while the mail server holds an
email it has received (it has not answered yet; the worker never learns the email was
accepted). The claim expires, the sweep enqueues the message again, the next worker sends
it: nothing is lost, and the repeat carries the same Message-ID.

The worker is a real subprocess on this test's database (committed data: a transactional
test) and the mail server a real one on loopback, whose handler waits until released."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from dozvon.history.models import TimelineEntry
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.sending import lease, outbox_sweep
from dozvon.messaging.services import message_send_now
from tests.messaging.conftest import order_with_email

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    """This test's database, for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def start_worker(smtp, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": smtp.url,
        "EMAIL_TIMEOUT": "5",  # as this test's settings: the same lease()
        "DEFAULT_FROM_EMAIL": "shop@dozvon.test",
        "DOZVON_DEV": "true",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "dozvon.cli", "worker", "--no-startup-delay", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_a_worker_killed_mid_send_loses_nothing_and_repeats_with_the_same_message_id_x_9(
    shop_world, smtp
):
    # given a queued email, and a server that holds its answer to the email's data
    order = order_with_email(shop_world)
    message, _ = message_send_now(
        order_id=order.pk, template="bank_details", actor=shop_world.operator, now=timezone.now()
    )
    smtp.handler.hold = True
    smtp.start()

    # when a worker sends it and is killed while the server holds the email
    worker = start_worker(smtp)
    try:
        arrived = smtp.handler.arrived.wait(timeout=90)
    finally:
        worker.send_signal(signal.SIGKILL)
        _, err = worker.communicate(timeout=30)
    assert arrived, err.decode()[-3000:]
    assert worker.returncode == -signal.SIGKILL
    smtp.handler.release.set()  # the server says "250 OK" to a dead client

    # then the message is still queued, claimed by the dead worker, not marked sent
    stuck = OutboxMessage.objects.get(pk=message.pk)
    assert (stuck.state, stuck.attempts, stuck.sent_at) == ("queued", 1, None)
    assert stuck.claimed_until is not None
    (first,) = smtp.messages
    assert first["Message-ID"] == message.message_id

    # when its claim has expired the sweep enqueues it again, and a worker runs
    assert stuck.claimed_until - timezone.now() > lease() - timedelta(minutes=1)
    assert outbox_sweep(now=timezone.now()) == 0  # the claim is live: it may yet finish
    assert outbox_sweep(now=stuck.claimed_until + timedelta(seconds=1)) == 1
    smtp.handler.hold = False
    again = start_worker(smtp, "--batch")
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err.decode()[-3000:]

    # then it is sent, and every copy the server got carries the same Message-ID
    sent = OutboxMessage.objects.get(pk=message.pk)
    assert (sent.state, sent.attempts, sent.claimed_until) == ("sent", 2, None)
    assert len(smtp.messages) == 2
    assert {m["Message-ID"] for m in smtp.messages} == {message.message_id}
    # one `message` line: the email is shown sent once
    assert TimelineEntry.objects.filter(order=order, kind="message").count() == 1
