"""Messages (X-9) against a real SMTP server: aiosmtpd on a free loopback port, Django's
email settings pointed at it, and a COD project with the demo's templates and orders
whose customers have an email address."""

from __future__ import annotations

import asyncio
import email
import signal
import threading
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.test import override_settings
from django.utils import timezone, translation

from dozvon.customers.services import CustomerInput
from dozvon.messaging.demo import seed_demo_templates
from dozvon.orders import services as svc
from tests.hardening.servers import free_port


class Recorder:
    """aiosmtpd handler: keeps every message accepted; can refuse recipients (`refuse`,
    e.g. "550 5.1.1 no such user") and hold the answer to DATA until released (`hold`),
    the email already received, as a server that accepted it but has not said so yet."""

    def __init__(self):
        self.messages: list[Message] = []
        self.refuse: str | None = None
        self.hold = False
        self.arrived = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.original_content))
        self.arrived.set()
        while self.hold and not self.release.is_set():
            await asyncio.sleep(0.05)
        return "250 OK: queued"


class SmtpServer:
    """A real SMTP server on loopback, started and stopped at will on one port."""

    def __init__(self):
        self.port = free_port()
        self.handler = Recorder()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages

    def start(self) -> SmtpServer:
        if self._controller is None:
            self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
            self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp():
    """A stopped server with Django's email settings pointing at it (`.start()` it)."""
    server = SmtpServer()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=5,
        DEFAULT_FROM_EMAIL="shop@dozvon.test",
        EMAIL_MESSAGE_ID_HOST="dozvon.test",
    ):
        yield server
    server.stop()


@pytest.fixture(autouse=True)
def _language_restored():
    """A request through the test client leaves its language active in this thread."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _signals_restored():
    """A worker run in this process installs its own SIGINT/SIGTERM handlers."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def order_with_email(world, *, email="ivanov@example.com", name="Иванов Иван", phone=None, n=0):
    order, _ = svc.order_intake(
        project=world.project,
        actor=world.partner,
        external_id=f"SHOP-{1000 + n}",
        customer=CustomerInput(name=name, phone=phone or f"+7916{5550000 + n:07d}", email=email),
        items=[svc.ItemInput(world.products[0].sku, 2), svc.ItemInput(world.products[1].sku)],
        now=timezone.now(),
    )
    return order


@pytest.fixture
def shop_world(cod):
    """The COD project with the demo's mail settings and templates."""
    seed_demo_templates(cod.project, sender_name="Магазин «Дозвон»")
    return cod
