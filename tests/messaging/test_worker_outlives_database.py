"""Issue 25 item 1 (X-9 "sent in the background … never lost"): `dozvon worker` outlives
a PostgreSQL outage. Its connection is terminated under it and, for a few seconds, the
database refuses new connections (as while it restarts); the worker waits it out with
backoff, logging each failed step once, and then sends what was queued meanwhile.

The worker is a real subprocess on this test's database and the mail server a real one
on loopback. PostgreSQL only: SQLite has no server to lose."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.services import message_send_now
from tests.messaging.conftest import order_with_email
from tests.messaging.test_worker_killed import start_worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'",
        reason="a database server outage needs a database server (PostgreSQL)",
    ),
]


def _queue(world, n: int) -> OutboxMessage:
    order = order_with_email(world, n=n, email=f"buyer{n}@example.com")
    message, _ = message_send_now(
        order_id=order.pk, template="bank_details", actor=world.operator, now=timezone.now()
    )
    return message


def _state(message: OutboxMessage) -> str:
    return OutboxMessage.objects.values_list("state", flat=True).get(pk=message.pk)


def _wait_until(predicate, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def _admin():
    """A connection to the server's `postgres` database: a database cannot refuse
    connections to itself while one of them asks."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _allow_connections(name: str, allowed: bool) -> None:
    with _admin() as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}')


def _terminate_others(name: str) -> int:
    """Terminate every backend on this database but this test's own (the worker's);
    how many."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        mine = cursor.fetchone()[0]
    with _admin() as admin:
        return admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> %s",
            [name, mine],
        ).fetchone()[0]


def test_the_worker_waits_out_a_database_outage_and_then_sends_what_was_queued(shop_world, smtp):
    # given a running worker that has sent a first email
    smtp.start()
    name = connection.settings_dict["NAME"]
    first = _queue(shop_world, 1)
    worker = start_worker(smtp, "--interval", "0.2")
    try:
        assert _wait_until(lambda: _state(first) == "sent", seconds=60)

        # when the database goes away under it: its connection is terminated and new
        # connections are refused for a few seconds (a restart)
        _allow_connections(name, False)
        try:
            assert _terminate_others(name) >= 1
            time.sleep(4)
            # then the worker is still running
            assert worker.poll() is None
        finally:
            _allow_connections(name, True)

        # when an email is queued after the database is back
        second = _queue(shop_world, 2)

        # then the same worker sends it, without anyone restarting it
        assert _wait_until(lambda: _state(second) == "sent", seconds=60)
        assert worker.poll() is None
    finally:
        worker.terminate()
        _, err = worker.communicate(timeout=30)
    log = err.decode()
    assert len(smtp.messages) == 2
    # and each failed step was logged once, not a traceback per poll
    assert log.count("database unreachable") >= 2, log[-3000:]
    assert "reachable again" in log, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
