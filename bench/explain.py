"""EXPLAIN (ANALYZE, BUFFERS) of the hot queries, exactly as dozvon sends them.

The SQL is captured from real calls (take next, counts, list, search, intake) with
Django's CaptureQueriesContext, then explained inside a transaction that is rolled back
(EXPLAIN ANALYZE runs UPDATEs). One file per query under bench/results/explain/.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from bench import db
from bench.config import RESULTS_DIR, Config
from bench.takenext import BASELINE_SQL, RESET_SQL

EXPLAIN_DIR = RESULTS_DIR / "explain"


class _Rollback(Exception):
    pass


def _capture(fn) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def _capture_rolled_back(fn) -> list[str]:
    from django.db import transaction

    got: list[str] = []

    def run():
        with transaction.atomic():
            got.extend(_capture(fn))
            raise _Rollback

    with contextlib.suppress(_Rollback):
        run()
    return got


def _role(sql: str) -> str:
    """What a captured list statement does, for its file name."""
    head = sql.lstrip()[:120]
    if head.upper().startswith("SELECT COUNT("):
        return "count"
    if head.startswith('SELECT "orders_order"."id" AS "id" FROM'):
        return "page_ids"
    if head.startswith('SELECT "customers_customerphone"'):
        return "phone_lookup"
    return "page_rows"


def explain(cfg: Config, name: str, sql: str, params: tuple = ()) -> dict[str, Any]:
    EXPLAIN_DIR.mkdir(parents=True, exist_ok=True)
    with db.connect(cfg, autocommit=False) as conn:
        # plan once first: a new connection's catalog caches are cold, a worker's are not
        conn.execute("EXPLAIN " + sql, params or None).fetchall()
        rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params or None).fetchall()
        conn.rollback()
    plan = [r[0] for r in rows]
    text = "\n".join(plan)
    shown = sql if not params else f"{sql}\n-- params: {params!r}"
    (EXPLAIN_DIR / f"{name}.txt").write_text(f"-- {name}\n{shown}\n\n{text}\n", encoding="utf-8")
    found = re.search(r"Execution Time: ([\d.]+) ms", text)
    planning = re.search(r"Planning Time: ([\d.]+) ms", text)
    return {
        "execution_ms": float(found.group(1)) if found else None,
        "planning_ms": float(planning.group(1)) if planning else None,
        "plan": plan[0].strip() if plan else "",
    }


def explain_take(cfg: Config, slug: str, user_id: int, label: str, project_id: int) -> dict:
    """dozvon's take-next statement (queues.services.take_statement, one statement on
    PostgreSQL) for one operator, New tab, claims reset around it."""
    from dozvon.accounts.models import User
    from dozvon.core import clock
    from dozvon.projects.models import Project
    from dozvon.queues.services import _queue, take_statement

    user = User.objects.get(pk=user_id)
    project = Project.objects.select_related("playbook").get(slug=slug)
    with db.connect(cfg) as conn:
        conn.execute(RESET_SQL, ([project_id],))
    sql, params = take_statement(
        project=project, queue=_queue(project, "new"), actor=user, now=clock.now()
    )
    name = f"take_{label}"
    out = {name: explain(cfg, name, sql, tuple(params))}
    with db.connect(cfg) as conn:
        conn.execute(RESET_SQL, ([project_id],))
    return out


def explain_all(cfg: Config, *, slug: str, project_id: int, mixed_op: int, all_op: int) -> dict:
    from dozvon.core import clock
    from dozvon.customers.models import CustomerPhone
    from dozvon.customers.services import CustomerInput
    from dozvon.orders.selectors import order_list, page_of
    from dozvon.orders.services import ItemInput, order_intake
    from dozvon.projects.models import Project
    from dozvon.queues.selectors import queue_counts

    project = Project.objects.select_related("playbook").get(slug=slug)
    out: dict[str, Any] = {}
    out.update(explain_take(cfg, slug, all_op, "all_products", project_id))
    out.update(explain_take(cfg, slug, mixed_op, "skills", project_id))
    out["baseline_claim"] = explain(cfg, "baseline_claim", BASELINE_SQL, (all_op, project_id))
    # counts: one statement per tab, in playbook order
    from dozvon.playbooks.selectors import playbook_def

    codes = [q.code for q in playbook_def(project.playbook).queues]
    counts_sql = _capture(lambda: queue_counts(project=project, now=clock.now()))
    if len(counts_sql) == 1:  # PostgreSQL: every tab from the tally in one statement
        out["counts_tally"] = explain(cfg, "counts_tally", counts_sql[0])
    for code, sql in zip(codes, counts_sql if len(counts_sql) > 1 else [], strict=False):
        out[f"count_{code}"] = explain(cfg, f"count_{code}", sql)

    # list: the API's page 500 × 20 exactly as the API reads it (count, the page's ids,
    # its rows), and searches (their phone lookups too)
    def page(qs, depth: int):
        def run():
            qs2 = qs.select_related("project", "project__playbook")
            qs2.count()
            page_of(qs2, depth, 20)

        return run

    def explain_each(prefix: str, statements: list[str]) -> None:
        for sql in statements:
            name = f"{prefix}_{_role(sql)}"
            out[name] = explain(cfg, name, sql)

    explain_each("list_depth_10000", _capture(page(order_list(project=project), 9980)))
    phone = CustomerPhone.objects.filter(project=project).order_by("id").first()
    if phone is not None:
        d = phone.phone[2:]
        typed = f"8 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}"
        explain_each("search_phone", _capture(page(order_list(project=project, phone=typed), 0)))
        explain_each("search_q_digits", _capture(page(order_list(project=project, q=d), 0)))
    explain_each("search_q_name", _capture(page(order_list(project=project, q="Иванов"), 0)))

    # intake: every SELECT of one order_intake (rolled back)
    from dozvon.accounts.models import User

    integration = User.objects.get(username="bench-intake")
    intake_sql = _capture_rolled_back(
        lambda: order_intake(
            project=project,
            actor=integration,
            external_id="bench-explain-1",
            customer=CustomerInput(name="Иванов Иван", phone=phone.phone if phone else ""),
            items=[ItemInput("SKU-000", 1)],
            now=clock.now(),
        )
    )
    n = 0
    for sql in intake_sql:
        if sql.lstrip().upper().startswith("SELECT"):
            n += 1
            table = re.search(r'FROM "(\w+)"', sql)
            name = f"intake_{n:02d}_{table.group(1) if table else 'select'}"
            out[name] = explain(cfg, name, sql)
    return out
