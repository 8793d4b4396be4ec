"""Timing the reports (X-11) on a big project: each report and grouping over a month,
p50/max of a few runs, and the EXPLAIN (ANALYZE, BUFFERS) of every statement a run sends.

    from bench.reports_timing import bench_reports
    results = bench_reports("bench-1000000", out=print)          # in a set-up Django

    DATABASE_URL=postgres://…/test_bench python -m bench.reports_timing bench-1000000

Data loaded with COPY under `session_replication_role = replica` (bench/datagen.py) did
not fire the summary triggers: when the project has calls but no summary rows, the
summaries are rebuilt from the raw rows first (timed, reported as `rebuild_s`). The bench
data has no timeline lines, so no results either: then the results summary is filled from
the orders' final state (status, problem, responsible operator, time of the last result,
total) — one result per decided order, the rows a real month would produce — and that is
reported as `synthetic_outcomes`. Only PostgreSQL keeps summaries; on SQLite the reports
read the raw rows and this bench says so.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

SYNTHETIC_OUTCOMES = """
WITH results AS (
    SELECT o.project_id, (o.last_outcome_at AT TIME ZONE p.time_zone)::date AS day,
           extract(hour FROM o.last_outcome_at AT TIME ZONE p.time_zone)::int AS hour,
           o.responsible_id AS operator, o.status, o.problem, o.total
    FROM orders_order o JOIN projects_project p ON p.id = o.project_id
    WHERE o.project_id = %(p)s AND o.last_outcome_at IS NOT NULL
      AND o.responsible_id IS NOT NULL
), days AS (
    INSERT INTO reports_outcomeday (project_id, day, operator_id, outcome, status, problem,
                                    n, amount, upsells, gifts)
    SELECT project_id, day, operator, status, status, problem, count(*), sum(total), 0, 0
    FROM results GROUP BY 1, 2, 3, 4, 5, 6
    RETURNING 1
)
INSERT INTO reports_outcomehour (project_id, day, hour, slot, outcome, status, problem, n,
                                 amount, upsells, gifts)
SELECT project_id, day, hour, mod(operator, 16), status, status, problem, count(*),
       sum(total), 0, 0
FROM results GROUP BY 1, 2, 3, 4, 5, 6, 7
"""


def _has(sql: str, params) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


def prepare(project, out: Callable[[str], None]) -> dict[str, Any]:
    """Rebuild the project's summaries when a bulk load bypassed the triggers."""
    from dozvon.reports import tally

    info: dict[str, Any] = {}
    if not tally.in_use():
        out("SQLite: the reports read the raw rows (no summaries to time)")
        return info
    calls = _has("SELECT 1 FROM calls_callattempt WHERE project_id = %s LIMIT 1", [project.pk])
    kept = _has("SELECT 1 FROM reports_operatorday WHERE project_id = %s LIMIT 1", [project.pk])
    if calls and not kept:
        started = time.perf_counter()
        tally.rebuild(project.pk)
        info["rebuild_s"] = round(time.perf_counter() - started, 1)
        out(f"summaries rebuilt from the raw rows in {info['rebuild_s']} s")
    results = _has("SELECT 1 FROM reports_outcomehour WHERE project_id = %s LIMIT 1", [project.pk])
    if not results:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(SYNTHETIC_OUTCOMES, {"p": project.pk})
            info["synthetic_outcomes"] = cursor.rowcount
        out(f"no results in the timeline: {info['synthetic_outcomes']} summary rows from orders")
    with connection.cursor() as cursor:
        for table in (
            "reports_operatorday",
            "reports_activityhour",
            "reports_outcomeday",
            "reports_outcomehour",
            "reports_funnelday",
        ):
            cursor.execute(f"ANALYZE {table}")
            cursor.execute(
                f"SELECT count(*) FROM {table} WHERE project_id = %s",  # noqa: S608
                [project.pk],
            )
            info[f"{table}_rows"] = cursor.fetchone()[0]
    return info


def explain(sql: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        text = "\n".join(r[0] for r in cursor.fetchall())
        transaction.set_rollback(True)
    return text


def bench_reports(
    slug: str,
    *,
    days: int = 30,
    repeat: int = 5,
    out: Callable[[str], None] = print,
    with_explain: bool = True,
) -> dict[str, Any]:
    """Time every report and grouping over the `days` local days ending on the project's
    last day with calls, alone and with its JSON as the API serves it; {"prepare": …,
    "range": …, "reports": {"name/group_by": {"p50_ms", "max_ms", "json_p50_ms",
    "json_max_ms", "statements", "rows"}}, "slowest_ms", "explain": {"name/group_by":
    [plans]}}."""
    from dozvon.calls.models import CallAttempt
    from dozvon.core import clock
    from dozvon.projects.models import Project
    from dozvon.reports.exports import json_rows
    from dozvon.reports.registry import reports_for, run

    project = Project.objects.select_related("playbook").get(slug=slug)
    info = prepare(project, out)
    last = (
        CallAttempt.objects.filter(project=project)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    end = clock.local_date(last or clock.now(), project.time_zone)
    start = end - timedelta(days=days - 1)
    out(f"{project.slug}: {start} … {end} ({days} days, {project.time_zone})")
    timings: dict[str, dict[str, Any]] = {}
    plans: dict[str, list[str]] = {}
    for report in reports_for(project):
        for group_by in report.group_bys:
            name = f"{report.name}/{group_by}"
            run(project, report, start, end, group_by)  # warm the caches
            samples, served = [], []
            for _ in range(repeat):
                started = time.perf_counter()
                result = run(project, report, start, end, group_by)
                samples.append((time.perf_counter() - started) * 1000)
                # and as the API answers it: JSON values, encoded
                json.dumps(json_rows(result, project.time_zone), ensure_ascii=False)
                served.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as ctx:
                run(project, report, start, end, group_by)
            timings[name] = {
                "p50_ms": round(statistics.median(samples), 1),
                "max_ms": round(max(samples), 1),
                "json_p50_ms": round(statistics.median(served), 1),
                "json_max_ms": round(max(served), 1),
                "statements": len(ctx.captured_queries),
                "rows": len(result.rows),
            }
            t = timings[name]
            out(
                f"  {name:26} p50 {t['p50_ms']:7.1f} ms  max {t['max_ms']:7.1f} ms | with JSON "
                f"p50 {t['json_p50_ms']:7.1f} max {t['json_max_ms']:7.1f} ms | "
                f"{t['statements']} statements, {t['rows']} rows"
            )
            if with_explain and connection.vendor == "postgresql":
                plans[name] = [
                    f"-- {q['sql']}\n{explain(q['sql'])}"
                    for q in ctx.captured_queries
                    if q["sql"].lstrip().upper().startswith("SELECT")
                ]
    slowest = max((t["json_max_ms"] for t in timings.values()), default=0.0)
    out(f"slowest report with its JSON: {slowest:.1f} ms (target < 1000 ms)")
    return {
        "prepare": info,
        "range": [start.isoformat(), end.isoformat()],
        "reports": timings,
        "slowest_ms": slowest,
        "explain": plans,
    }


def main(argv: list[str]) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dozvon.settings")
    os.environ.setdefault("DOZVON_DEV", "true")
    django.setup()
    if len(argv) < 2:
        raise SystemExit("usage: python -m bench.reports_timing <project slug> [days]")
    days = int(argv[2]) if len(argv) > 2 else 30
    result = bench_reports(argv[1], days=days, out=print)
    for name, statements in result["explain"].items():
        print(f"\n===== {name}")
        for text in statements:
            print(text)


if __name__ == "__main__":
    main(sys.argv)
