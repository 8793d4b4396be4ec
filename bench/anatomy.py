"""Where a request's time goes: SQL statements and CPU per API call, in-process.

Each endpoint is called through Django's test Client (no network, no server) a few times;
the SQL it sends is captured, and the thread's CPU time per call is measured. This is the
evidence behind "per-request ORM work" in bench/README.md.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from typing import Any

from bench import db
from bench.config import Config
from bench.takenext import FREE_SQL, RESET_SQL


def _table(sql: str) -> str:
    s = sql.lstrip()
    word = s.split(None, 1)[0].upper() if s else ""
    found = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', s)
    return f"{word} {found.group(1)}" if found else word


def anatomy(
    cfg: Config,
    *,
    slug: str,
    project_id: int,
    operator_token: str,
    supervisor_token: str,
    intake_token: str,
    repeat: int = 15,
) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    base = f"/api/v1/projects/{slug}"
    seq = iter(range(10**6))

    def intake_body() -> str:
        n = next(seq)
        return json.dumps(
            {
                "external_id": f"bench-in-anatomy-{time.time_ns()}-{n}",
                "customer": {"name": "Иванов Иван", "phone": f"+7 999 {n:07d}"},
                "items": [{"sku": "SKU-001", "quantity": 1}],
            }
        )

    calls = {
        "take_next": ("post", f"{base}/queues/new/next", None, operator_token),
        "counts": ("get", f"{base}/queues", None, supervisor_token),
        "list_page_500": ("get", f"{base}/orders?page=500&page_size=20", None, supervisor_token),
        "intake": ("post", f"{base}/orders", intake_body, intake_token),
    }
    out: dict[str, Any] = {}
    for name, (method, path, body, token) in calls.items():
        cpu, wall, n_sql, kinds, status = [], [], [], Counter(), None
        for i in range(repeat + 1):
            kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
            if body is not None:
                kwargs.update(data=body(), content_type="application/json")
            with CaptureQueriesContext(connection) as ctx:
                c0, t0 = time.thread_time(), time.perf_counter()
                resp = getattr(client, method)(path, **kwargs)
                t1, c1 = time.perf_counter(), time.thread_time()
            status = resp.status_code
            if name == "take_next" and status == 200:
                with db.connect(cfg) as conn:
                    conn.execute(FREE_SQL, (resp.json()["id"],))
            if i == 0:
                continue  # the first call warms caches
            cpu.append((c1 - c0) * 1000)
            wall.append((t1 - t0) * 1000)
            sqls = [q["sql"] for q in ctx.captured_queries]
            n_sql.append(len(sqls))
            if i == 1:
                kinds.update(_table(s) for s in sqls)
        out[name] = {
            "status": status,
            "sql_statements": round(sum(n_sql) / len(n_sql), 1) if n_sql else None,
            "cpu_ms": round(sorted(cpu)[len(cpu) // 2], 2) if cpu else None,
            "wall_ms": round(sorted(wall)[len(wall) // 2], 2) if wall else None,
            "statements": dict(kinds.most_common()),
        }
    with db.connect(cfg) as conn:
        conn.execute(RESET_SQL, ([project_id],))
    return out
