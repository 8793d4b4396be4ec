"""Hot paths stay index-backed (DEVELOPERS.md): take next and every queue count are served
by an index on PostgreSQL, never by a scan of the whole orders table."""

import copy
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dozvon.orders.models import Order
from dozvon.playbooks.selectors import playbook_def
from dozvon.queues.selectors import queue_counts, queue_filter
from dozvon.queues.services import queue_candidates

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN is PG's")


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _a_backlog_of_finished_orders(cod, now, n=400) -> None:
    """Planner statistics of a real project, where the project holds many orders and one
    tab a few: on a table of one row every index costs the same and the choice is a toss."""
    order = cod.intake(created_at=now - timedelta(days=5))
    template = Order.objects.get(pk=order.pk)
    rows = []
    for i in range(n):
        row = copy.copy(template)
        row.pk, row.external_id, row.bucket, row.due_at = None, f"old-{i}", "", None
        row.status, row.status_group = "rejected", "rejected"
        row.created_at = now - timedelta(hours=i % 240)  # ten days, today included
        rows.append(row)
    Order.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")


# the indexes that lead with (project, bucket): any of them serves a tab (order_bucket_group,
# DUN-3's worklist count, is one the planner may pick for a tab too)
BUCKET_INDEXES = ("order_tab", "order_queue", "order_bucket_group")


def test_every_queue_count_and_take_next_is_index_backed(cod, now):
    _a_backlog_of_finished_orders(cod, now)
    pb = playbook_def(cod.project.playbook)
    for queue in pb.queues:
        counted = Order.objects.filter(project=cod.project).filter(
            queue_filter(queue, now=now, tz=cod.project.time_zone)
        )
        text = plan(counted.values("id"))
        assert "Seq Scan on orders_order" not in text, (queue.code, text)
        assert any(name in text for name in BUCKET_INDEXES), (queue.code, text)
        if queue.callable:
            taken = queue_candidates(project=cod.project, queue=queue, actor=cod.operator, now=now)
            text = plan(taken.values("id")[:1])
            assert "Seq Scan on orders_order" not in text, (queue.code, text)
            assert any(name in text for name in BUCKET_INDEXES), text


def test_live_counts_read_the_tally_by_its_key_cod_1(cod, now):
    cod.intake(created_at=now - timedelta(days=5))
    with CaptureQueriesContext(connection) as ctx:
        queue_counts(project=cod.project, now=now)
    (query,) = ctx.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {query['sql']}")
        text = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in text and "Index" in text, text
