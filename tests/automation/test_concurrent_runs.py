"""Two workers running the triggers at once apply each occurrence once (issue 11,
DUN-1): the order's row lock and TriggerRun's unique key, on PostgreSQL."""

import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection, connections

from dozvon.automation.models import TriggerRun
from dozvon.automation.services import triggers_run
from dozvon.history.models import TimelineEntry
from dozvon.orders.models import Order
from tests.automation.support import MSK, dun_world, pending_order
from tests.conftest import NOW

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent row locks are PostgreSQL's"
)

WORKERS = 4
ORDERS = 40


def test_concurrent_trigger_runs_apply_each_occurrence_once_dun_1(transactional_db, tmp_path):
    # given 40 pending bank transfers, all due to enter the worklist
    dun = dun_world(tmp_path, NOW, slug="dun-concurrent")
    created = datetime(2026, 11, 1, 12, tzinfo=MSK)
    orders = [pending_order(dun, created + timedelta(minutes=i), n=i) for i in range(ORDERS)]
    at = datetime(2026, 11, 9, 9, tzinfo=MSK)
    barrier = threading.Barrier(WORKERS)
    applied: list[int] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait(timeout=30)
            applied.append(triggers_run(project=dun.project, now=at))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    # when four workers run the triggers at the same moment
    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)

    # then every order entered once: one run row and one line each, 40 applied in all
    assert not errors, errors[:3]
    assert sum(applied) == ORDERS
    ids = [o.pk for o in orders]
    assert TriggerRun.objects.filter(order_id__in=ids, trigger="enter_worklist").count() == ORDERS
    entered = TimelineEntry.objects.filter(order_id__in=ids, data__trigger="enter_worklist")
    assert entered.count() == ORDERS
    assert set(Order.objects.filter(pk__in=ids).values_list("bucket", flat=True)) == {"worklist"}
    assert set(Order.objects.filter(pk__in=ids).values_list("version", flat=True)) == {2}
