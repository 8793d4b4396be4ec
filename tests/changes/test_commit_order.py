"""The feed in commit order (API.md round 2, docs/changes.md): a poller never misses or
repeats a change, whatever order concurrent transactions take ids and commit in.

The interleaving below is the one that defeats "a sequence id, and only rows of finished
transactions": A writes first (takes the older transaction id), B records its change and
stays open, A records its change and commits. With sequence ids A's row (id 2) is final
and returned while B's (id 1) is not yet committed; the poller moves past 1 and never sees
B's row. Here ids come from the transaction id, so B's row sorts after A's and is read
once B commits; and a committed row waits while an older transaction is still open.

PostgreSQL only: on SQLite a writer holds the database from BEGIN (IMMEDIATE) to COMMIT,
so no two writing transactions are ever open together and the interleaving cannot occur.
"""

from __future__ import annotations

import queue
import threading

import pytest
from django.db import connection, connections, transaction
from django.db.models import F

from dozvon.changes.models import POSITION_BITS, Change
from dozvon.changes.selectors import change_feed
from dozvon.changes.services import change_append
from dozvon.orders.models import Order
from tests.conftest import NOW

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writing transactions: two are never open together",
    ),
]


class Txn(threading.Thread):
    """One transaction on its own connection, driven step by step from the test."""

    def __init__(self):
        super().__init__(daemon=True)
        self.steps: queue.Queue = queue.Queue()
        self.results: queue.Queue = queue.Queue()
        self.start()

    def run(self):
        try:
            with transaction.atomic():
                while (step := self.steps.get()) is not None:
                    self.results.put(step())
            self.results.put("committed")
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            self.results.put(exc)
        finally:
            connections.close_all()

    def _answer(self):
        result = self.results.get(timeout=30)
        if isinstance(result, BaseException):
            raise result
        return result

    def do(self, step):
        self.steps.put(step)
        return self._answer()

    def write_order(self, order: Order) -> int:
        """A first write (as a service's order UPDATE): the transaction takes its id."""
        self.do(lambda: Order.objects.filter(pk=order.pk).update(version=F("version") + 1))
        return self.do(lambda: _xact_id())

    def change(self, order: Order) -> int:
        return self.do(lambda: change_append(order=order, kind="status", now=NOW).pk)

    def commit(self):
        self.steps.put(None)
        assert self._answer() == "committed"
        self.join(timeout=30)


def _xact_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        return cursor.fetchone()[0]


def _feed(world, since_id: int) -> list[int]:
    rows = change_feed(project=world.project, actor=world.supervisor, since_id=since_id, limit=100)
    return [r["id"] for r in rows]


def test_a_change_committed_late_with_an_older_id_is_not_skipped(cod):
    # given two orders, and the feed read up to now
    a, b = cod.intake(phone="+79160000201"), cod.intake(phone="+79160000202")
    since = _feed(cod, 0)[-1]
    # when A writes first, B records a change and stays open, A records one and commits
    ta, tb = Txn(), Txn()
    xid_a = ta.write_order(a)
    xid_b = tb.write_order(b)
    b_id = tb.change(b)
    a_id = ta.change(a)
    assert _feed(cod, since) == []  # nothing final while both are open
    ta.commit()
    # then the poller gets A's change, and B's after B commits: none skipped, none twice
    seen = _feed(cod, since)
    assert seen == [a_id]
    tb.commit()
    assert _feed(cod, seen[-1]) == [b_id]
    assert a_id >> POSITION_BITS == xid_a < xid_b == b_id >> POSITION_BITS


def test_a_committed_change_waits_while_an_older_transaction_is_open(cod):
    a, c = cod.intake(phone="+79160000203"), cod.intake(phone="+79160000204")
    since = _feed(cod, 0)[-1]
    # given an open transaction that has written (A)
    ta = Txn()
    ta.write_order(a)
    # when a newer one commits a change
    with transaction.atomic():
        c_id = change_append(order=c, kind="edited", now=NOW).pk
    # then the feed holds it back until A ends, then gives A's change first
    assert _feed(cod, since) == []
    a_id = ta.change(a)
    ta.commit()
    assert _feed(cod, since) == [a_id, c_id]


def test_changes_of_one_transaction_take_consecutive_ids_in_its_range(cod):
    order = cod.intake(phone="+79160000205")
    with transaction.atomic():
        xid = _xact_id()
        first = change_append(order=order, kind="status", now=NOW).pk
        try:
            with transaction.atomic():  # a savepoint rolled back …
                change_append(order=order, kind="edited", now=NOW)
                raise RuntimeError
        except RuntimeError:
            pass
        third = change_append(order=order, kind="edited", now=NOW).pk
    base = xid << POSITION_BITS
    assert first == base and third == base + 1  # … gives its id back, no collision
    assert Change.objects.filter(pk__gte=base, pk__lt=base + (1 << POSITION_BITS)).count() == 2
