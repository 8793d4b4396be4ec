"""Two deliveries of payment reports at once (a partner retrying while the first request
still runs) record one payment (X-10): the order's row lock and the unique reference,
on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections

from dozvon.payments.models import Payment
from dozvon.payments.services import DuplicateReference, payment_report
from tests.conftest import NOW, _world
from tests.payments.support import dun_order

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent row locks are PostgreSQL's"
)


def _race(world, order_ids: list[int]) -> list:
    barrier = threading.Barrier(len(order_ids))
    results: list = []

    def report(order_id: int):
        try:
            barrier.wait(timeout=30)
            results.append(
                payment_report(
                    order_id=order_id,
                    amount=Decimal("300.00"),
                    paid_at=NOW - timedelta(hours=1),
                    reference="RACE-1",
                    actor=world.supervisor,
                    now=NOW,
                )[1]
            )
        except BaseException as exc:  # noqa: BLE001 - compared below
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report, args=(pk,)) for pk in order_ids]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    return results


def test_the_same_report_twice_at_once_records_one_payment_x_10(transactional_db):
    world = _world("dun", "dun-race")
    order = dun_order(world, created_at=NOW - timedelta(days=9))

    results = _race(world, [order.pk, order.pk])

    assert sorted(results, key=str) == [False, True]
    assert Payment.objects.filter(order=order).count() == 1


def test_one_reference_for_two_orders_at_once_records_one_and_refuses_the_other_x_10(
    transactional_db,
):
    world = _world("dun", "dun-race2")
    one, two = (dun_order(world, created_at=NOW - timedelta(days=9)) for _ in range(2))

    results = _race(world, [one.pk, two.pk])

    assert sum(r is True for r in results) == 1
    assert sum(isinstance(r, DuplicateReference) for r in results) == 1
    assert Payment.objects.filter(reference="RACE-1").count() == 1
