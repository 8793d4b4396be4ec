"""SUB-1 with a real worker killed: 300 subscriptions (120 accelerated), "inform" clicked,
`dozvon worker` (a subprocess on this test's committed database) killed with SIGKILL while
the mail server holds an information email, "inform" clicked again, the expired claim
swept, a worker run to completion: the outbox holds exactly one information email per
accelerated subscription, and the SMTP sink got exactly one distinct email (Message-ID)
per accelerated subscriber — the one email in flight at the kill may arrive twice with the
same Message-ID (X-9: at least once, never a second email)."""

# ruff: noqa: F811 (the SMTP server fixture of tests/messaging, imported and requested)

from __future__ import annotations

import signal
from collections import defaultdict
from datetime import timedelta

import pytest

from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.sending import outbox_sweep
from dozvon.subscriptions.models import Subscription
from tests.messaging.conftest import smtp  # noqa: F401
from tests.messaging.test_worker_killed import start_worker
from tests.subscriptions.conftest import sub_row

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as in production

ACCELERATED = 120
BASE = 180
INFORM = "/p/sub/subscriptions/inform"


@pytest.fixture(autouse=True)
def _signals_restored():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _subscribers(sub) -> None:
    rows = [
        sub_row(f"A-{i:03d}", phone=f"+7916100{i:04d}", email=f"a{i}@example.com")
        for i in range(ACCELERATED)
    ]
    rows += [
        sub_row(
            f"B-{i:03d}",
            phone=f"+7916200{i:04d}",
            email=f"b{i}@example.com",
            plan="base",
            group="untouched",
        )
        for i in range(BASE)
    ]
    sub.upsert(*rows)


def _click(client) -> None:
    response = client.post(INFORM)
    # a POST answered "see other": back to the subscriptions list
    assert (response.status_code, response["Location"]) == (303, "/p/sub/subscriptions")


def test_worker_killed_mid_send_and_a_second_click_still_one_email_per_subscription_SUB_1(
    sub, smtp, client
):
    # given 300 subscriptions, 120 of them accelerated, and a server holding the first email
    _subscribers(sub)
    assert Subscription.objects.count() == ACCELERATED + BASE
    smtp.handler.hold = True
    smtp.start()
    client.force_login(sub.supervisor)

    # when the supervisor clicks "inform" and the worker is killed with an email in flight
    _click(client)
    worker = start_worker(smtp)
    try:
        arrived = smtp.handler.arrived.wait(timeout=120)
    finally:
        worker.send_signal(signal.SIGKILL)
        _, err = worker.communicate(timeout=30)
    assert arrived, err.decode()[-3000:]
    assert worker.returncode == -signal.SIGKILL
    smtp.handler.release.set()  # "250 OK" to a dead client
    smtp.handler.hold = False
    sent_before = OutboxMessage.objects.filter(state="sent").count()
    assert sent_before < ACCELERATED  # killed mid-run

    # and clicks again; the dead worker's claims expire, and a worker runs to the end
    _click(client)
    stuck = OutboxMessage.objects.filter(claimed_until__isnull=False).order_by("-claimed_until")
    latest = stuck.first()
    if latest is not None:
        outbox_sweep(now=latest.claimed_until + timedelta(seconds=1))
    again = start_worker(smtp, "--batch")
    _, err = again.communicate(timeout=420)
    assert again.returncode == 0, err.decode()[-3000:]

    # then the outbox holds one information email per accelerated subscription, all sent
    informs = OutboxMessage.objects.filter(idempotency_key__endswith="/inform")
    accelerated = Subscription.objects.filter(plan="accelerated")
    assert sorted(informs.values_list("idempotency_key", flat=True)) == sorted(
        f"subscription:{pk}/inform" for pk in accelerated.values_list("pk", flat=True)
    )
    assert set(informs.values_list("state", flat=True)) == {"sent"}
    assert accelerated.filter(informed_at__isnull=True).count() == 0
    # and the SMTP sink: exactly one email (one Message-ID) per accelerated subscriber
    ids_by_address: dict[str, set[str]] = defaultdict(set)
    for message in smtp.messages:
        ids_by_address[message["To"]].add(message["Message-ID"])
    assert set(ids_by_address) == {f"a{i}@example.com" for i in range(ACCELERATED)}
    assert {len(ids) for ids in ids_by_address.values()} == {1}
    assert len(smtp.messages) <= ACCELERATED + 1  # only the email in flight may repeat
