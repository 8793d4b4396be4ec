"""The trigger queries are index-backed (issue 11: no scan over a 1M-order project): each
reads a bounded range of an index, on PostgreSQL."""

import copy
from datetime import datetime, timedelta

import pytest
from django.db import connection

from dozvon.automation.models import TriggerRun
from dozvon.automation.selectors import trigger_candidates
from dozvon.automation.services import triggers_run
from dozvon.orders.models import Order
from dozvon.playbooks.automation_def import AFTER, ONCE
from dozvon.playbooks.selectors import playbook_def
from tests.automation.support import MSK, dun_world, pending_order

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN is PG's")

AT = datetime(2026, 11, 20, 9, tzinfo=MSK)


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _a_project_with_history(dun, n=400):
    """Planner statistics of a real project: many old, finished orders, a few live ones."""
    order = pending_order(dun, AT - timedelta(days=8))
    triggers_run(project=dun.project, now=AT)
    template = Order.objects.get(pk=order.pk)
    rows = []
    for i in range(n):
        row = copy.copy(template)
        row.pk, row.bucket, row.due_at = None, "", None
        row.status, row.status_group = "cancelled", "closed"
        row.created_at = AT - timedelta(days=30 + i)
        rows.append(row)
    Order.objects.bulk_create(rows)
    entered = TriggerRun.objects.bulk_create(
        TriggerRun(
            project=dun.project,
            order=row,
            trigger="enter_worklist",
            key=ONCE,
            rule="DUN-1",
            at=row.created_at + timedelta(days=7),
        )
        for row in rows
    )
    TriggerRun.objects.bulk_create(
        TriggerRun(
            project=dun.project,
            order_id=run.order_id,
            trigger="leave_worklist",
            key=f"{AFTER}{run.pk}",
            rule="DUN-1",
            at=run.at + timedelta(weeks=6),
        )
        for run in entered
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
        cursor.execute("ANALYZE automation_triggerrun")


@pytest.mark.parametrize(
    ("code", "indexes"),
    [
        ("enter_worklist", {"order_newest", "orders_order_created_at", "order_status"}),
        # the runs in the window, or the worklist's orders: whichever range is smaller
        ("leave_worklist", {"trigger_run_since", "order_queue", "order_tab", "order_bucket_group"}),
        ("too_many_contacts", {"order_queue", "order_tab", "order_bucket_group"}),
        ("nightly_cleanup", {"order_newest", "orders_order_created_at", "order_status"}),
    ],
)
def test_every_trigger_query_reads_an_index_not_the_orders_table(db, tmp_path, now, code, indexes):
    dun = dun_world(tmp_path, now)
    _a_project_with_history(dun)
    trigger = next(t for t in playbook_def(dun.project.playbook).triggers if t.code == code)
    text = plan(trigger_candidates(project=dun.project, trigger=trigger, now=AT)[:100])
    assert "Seq Scan" not in text, text
    assert any(name in text for name in indexes), text
