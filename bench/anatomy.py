"""Where a request's time goes: SQL statements and CPU per API call, in-process.

Each endpoint is called through Django's test Client (no network, no server) a few times;
the SQL it sends is captured, and the thread's CPU time per call is measured: the floor
(`whoami`), take next, the order card, saving an outcome (on an order the operator holds,
after a call attempt), the counts, a deep list page, single and batch intake (100
orders). This is the evidence behind "per-request ORM work" in bench/README.md.
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

BATCH = 100  # orders in the batch intake request


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
    operator_id: int,
    operator_token: str,
    supervisor_token: str,
    intake_token: str,
    repeat: int = 15,
) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.lean import card_ids
    from bench.takenext import BASELINE_SQL, REFILL_SQL

    client = Client()
    base = f"/api/v1/projects/{slug}"
    seq = iter(range(10**6))
    cards = card_ids(cfg, project_id, 50)
    raw = db.connect(cfg)

    def intake_one(n: int) -> dict:
        return {
            "external_id": f"bench-in-anatomy-{time.time_ns()}-{n}",
            "customer": {"name": "Иванов Иван", "phone": f"+7 999 {n:07d}"},
            "items": [{"sku": "SKU-001", "quantity": 1}],
        }

    def intake_body() -> str:
        return json.dumps(intake_one(next(seq)))

    def batch_body() -> str:
        return json.dumps([intake_one(next(seq)) for _ in range(BATCH)])

    held: list[int] = []

    def claim() -> str:
        """An order the operator holds, with a call attempt: what an outcome is saved on."""
        order_id = raw.execute(BASELINE_SQL, (operator_id, project_id)).fetchone()[0]
        held.append(order_id)
        resp = client.post(
            f"/api/v1/orders/{order_id}/calls",
            data=json.dumps({"result": "no_answer"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {operator_token}",
        )
        assert resp.status_code == 201, resp.content[:300]
        return f"/api/v1/orders/{order_id}/outcome"

    def refill() -> None:
        while held:
            raw.execute(REFILL_SQL, (held.pop(),))

    outcome_body = json.dumps(
        {"code": "no_answer", "problem": "no_answer", "comment": "Не берёт трубку"}
    )
    # name: (method, path or a function giving it, body function, token, after)
    calls = {
        "whoami": ("get", "/api/v1/whoami", None, operator_token, None),
        "take_next": ("post", f"{base}/queues/new/next", None, operator_token, None),
        "card": (
            "get",
            lambda: f"/api/v1/orders/{cards[next(seq) % len(cards)]}",
            None,
            operator_token,
            None,
        ),
        "outcome": ("post", claim, lambda: outcome_body, operator_token, refill),
        "counts": ("get", f"{base}/queues", None, supervisor_token, None),
        "list_page_500": (
            "get",
            f"{base}/orders?page=500&page_size=20",
            None,
            supervisor_token,
            None,
        ),
        "intake": ("post", f"{base}/orders", intake_body, intake_token, None),
        "batch_intake": ("post", f"{base}/orders/batch", batch_body, intake_token, None),
    }
    out: dict[str, Any] = {}
    try:
        for name, (method, path, body, token, after) in calls.items():
            times = 3 if name == "batch_intake" else repeat
            cpu, wall, n_sql, kinds, status = [], [], [], Counter(), None
            for i in range(times + 1):
                kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
                if body is not None:
                    kwargs.update(data=body(), content_type="application/json")
                url = path() if callable(path) else path
                with CaptureQueriesContext(connection) as ctx:
                    c0, t0 = time.thread_time(), time.perf_counter()
                    resp = getattr(client, method)(url, **kwargs)
                    t1, c1 = time.perf_counter(), time.thread_time()
                status = resp.status_code
                if name == "take_next" and status == 200:
                    raw.execute(FREE_SQL, (resp.json()["id"],))
                if after is not None:
                    after()
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
        batch = out["batch_intake"]
        batch["orders"] = BATCH
        if batch["sql_statements"] is not None:
            batch["sql_per_order"] = round(batch["sql_statements"] / BATCH, 2)
        if batch["cpu_ms"] is not None:
            batch["cpu_ms_per_order"] = round(batch["cpu_ms"] / BATCH, 2)
    finally:
        refill()
        raw.execute(RESET_SQL, ([project_id],))
        raw.close()
    return out
