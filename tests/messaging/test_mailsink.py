"""The demo's mail server (`dozvon mailsink`): what the worker sends over SMTP lands as an
.eml file under the sink's directory (var/mail/ in the demo)."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time

from django.utils import timezone

from dozvon.messaging.services import message_send_now
from dozvon.messaging.sink import stored
from dozvon.messaging.tasks import send_message
from tests.hardening.servers import free_port, wait_for
from tests.messaging.conftest import order_with_email


def test_the_demo_sink_stores_what_the_worker_sends(shop_world, smtp, tmp_path, settings):
    # given `dozvon mailsink` running on a free port, storing into a directory
    port = free_port()
    mail = tmp_path / "mail"
    sink = subprocess.Popen(
        [sys.executable, "-m", "dozvon.cli", "mailsink", "--port", str(port), "--dir", str(mail)],
        env={**os.environ, "DOZVON_DEV": "true"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(port, seconds=30)
        settings.EMAIL_PORT = port
        # when an email is queued and its task runs
        order = order_with_email(shop_world)
        operator = shop_world.operator
        message, _ = message_send_now(
            order_id=order.pk, template="bank_details", actor=operator, now=timezone.now()
        )
        assert send_message.call(message.pk) == "sent"
        # then it is stored as one .eml file with its Message-ID
        deadline = time.monotonic() + 10
        while not stored(mail) and time.monotonic() < deadline:
            time.sleep(0.05)
        (path,) = stored(mail)
        saved = email.message_from_bytes(path.read_bytes())
        assert saved["Message-ID"] == message.message_id
        assert saved["X-Sink-Rcpt-To"] == "ivanov@example.com"
    finally:
        sink.send_signal(signal.SIGTERM)
        out, err = sink.communicate(timeout=30)
    # and it stops cleanly on SIGTERM
    assert sink.returncode == 0, err.decode()[-2000:]
    assert f"127.0.0.1:{port}" in out.decode()
