"""`dozvon mailsink [--port 8025]`: the demo's SMTP server; every email the worker sends
lands as an .eml file under var/mail/ (dozvon/messaging/sink.py)."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand

from dozvon.messaging.sink import MailSink


class Command(BaseCommand):
    help = "Demo SMTP sink on loopback: stores every email received under var/mail/."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8025, help="SMTP port (8025)")
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument(
            "--dir", dest="directory", default=None, help="where to store the .eml files"
        )

    def handle(self, *args, port, host, directory, **options):
        directory = Path(directory) if directory else Path(settings.VAR_DIR) / "mail"
        # aiosmtpd logs every connection at INFO: keep the demo's terminal for the server
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        controller = Controller(MailSink(directory), hostname=host, port=port)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        controller.start()
        # `dozvon demo` waits for this line before starting the worker
        self.stdout.write(f"mail sink listening on {host}:{port}, storing into {directory}/")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
