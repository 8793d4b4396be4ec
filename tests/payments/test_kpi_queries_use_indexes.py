"""DUN-9 KPI reads are index-backed (X-11 reports over a busy project): the payments of
the range are a range of `payment_project_paid`; the work (calls, audit rows) is read
through an index too, never a scan of the whole table, on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from dozvon.payments.selectors import kpi_queries

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN is PG's")


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_kpi_reads_a_range_of_the_payments_index_dun_9(dun):
    queries = kpi_queries(dun.project, start=date(2026, 11, 1), end=date(2026, 11, 30))

    assert "payment_project_paid" in plan(queries["payments"])
    for name in ("calls", "audits"):
        assert "Seq Scan" not in plan(queries[name])
