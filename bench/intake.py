"""Intake through the HTTP API (cod playbook: phone check, obscenity check, duplicate
detection all on), with one gunicorn worker process and with four.

The orders go into the big project (its customers make repeat orders realistic: phone
lookups hit, duplicates are detected). Afterwards they and the customers intake created
are moved to the `bench-archive` project (UPDATE, never DELETE: the timeline is
append-only), so the big project keeps its generated size for the next run.
"""

from __future__ import annotations

import random
import time
from typing import Any

from bench import db
from bench.config import Config
from bench.http import Client, Server
from bench.load import Recorder, run_workers

EXTERNAL_PREFIX = "bench-in-"
ARCHIVE_SLUG = "bench-archive"


class Payloads:
    """Partner-site orders: new customers, returning customers, and resubmissions (the same
    person, product and name while the first order is still New: a duplicate)."""

    def __init__(self, seed: int, phones: list[str], tag: str):
        self.rng = random.Random(seed)
        self.phones = phones
        self.tag = tag
        self.recent: list[dict] = []
        self.n = 0

    def next(self) -> dict:
        rng = self.rng
        self.n += 1
        ext = f"{EXTERNAL_PREFIX}{self.tag}-{self.n}"
        r = rng.random()
        if r < 0.12 and self.recent:
            body = dict(rng.choice(self.recent))
            body["external_id"] = ext
            return body
        if r < 0.40 and self.phones:
            d = rng.choice(self.phones)[2:]
            phone = f"8 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}"
        else:
            phone = f"+7 999 {rng.randint(0, 9_999_999):07d}"
        items = [{"sku": f"SKU-{min(int(rng.paretovariate(1.2)) - 1, 49):03d}", "quantity": 1}]
        if rng.random() < 0.2:
            items.append({"sku": f"SKU-{rng.randint(0, 49):03d}", "quantity": 1})
        body = {
            "external_id": ext,
            "customer": {
                "name": rng.choice(("Иванов Иван", "Петрова Анна", "Сидоров Пётр Ильич"))
                + f" {rng.randint(1, 999)}",
                "phone": phone,
            },
            "items": items,
            "payment_method": "cod",
        }
        if len(self.recent) < 500:
            self.recent.append(body)
        else:
            self.recent[rng.randrange(500)] = body
        return body


def _existing_phones(cfg: Config, project_id: int, n: int) -> list[str]:
    with db.connect(cfg) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT phone FROM customers_customerphone WHERE project_id = %s "
                "AND id %% 97 = 0 LIMIT %s",
                (project_id, n),
            ).fetchall()
        ]


def intake_phase(
    cfg: Config, *, slug: str, project_id: int, token: str, processes: int, clients: int
) -> dict[str, Any]:
    phones = _existing_phones(cfg, project_id, 2000)
    tag = f"{int(time.time())}-{processes}"
    with Server(cfg, processes, f"intake-{processes}") as server:

        def setup(i: int):
            return (
                Client(server.port, token),
                Payloads(1000 * processes + i, phones, f"{tag}-{i}"),
            )

        def step(ctx, rec: Recorder) -> bool:
            client, payloads = ctx
            body = payloads.next()
            t0 = time.perf_counter()
            status, data = client.call("POST", f"/api/v1/projects/{slug}/orders", body)
            t1 = time.perf_counter()
            if status == 201:
                rec.add("created", t1, (t1 - t0) * 1000)
                problem = (data or {}).get("problem")
                if problem:
                    rec.count(f"auto_{problem}")
            elif status == 200:
                rec.add("replayed", t1, (t1 - t0) * 1000)
            else:
                rec.count(f"http_{status}")
                return rec.counters[f"http_{status}"] < 50
            return True

        def teardown(ctx) -> None:
            ctx[0].close()

        res = run_workers(
            clients,
            setup,
            step,
            teardown,
            duration_s=cfg.intake_s,
            warmup_s=cfg.warmup_s,
            max_ops=cfg.intake_max,
        )
    created = res.stats("created")
    counters: dict[str, int] = {}
    for rec in res.recorders:
        for k, v in rec.counters.items():
            counters[k] = counters.get(k, 0) + v
    per_s = created.pop("per_s")
    busy = res.cpu.get("machine_busy_pct")
    return {
        "processes": processes,
        "clients": clients,
        "orders_per_s": per_s,
        **created,
        "cpu": res.cpu,
        "machine_cpu_ms_per_order": round(busy / 100 * (res.cpu.get("cpus") or 1) * 1000 / per_s, 1)
        if busy is not None and per_s
        else None,
        "window_s": round(res.window_s, 2),
        "auto_invalidated": {k[5:]: v for k, v in counters.items() if k.startswith("auto_")},
        "http_errors": {k: v for k, v in counters.items() if k.startswith("http_")},
        "errors": res.errors,
    }


def archive_intake(cfg: Config, main_slug: str) -> int:
    """Move orders (and the customers) that intake created out of the big project."""
    from dozvon.playbooks.models import Playbook
    from dozvon.projects.models import Project

    archive, _ = Project.objects.get_or_create(
        slug=ARCHIVE_SLUG,
        defaults={
            "name": "Bench intake archive",
            "playbook": Playbook.objects.get(code="cod"),
            "is_active": False,
        },
    )
    with db.connect(cfg, autocommit=False) as conn:
        row = conn.execute(
            "SELECT p.id, d.generated_at FROM projects_project p "
            "JOIN bench_dataset d ON d.slug = p.slug WHERE p.slug = %s",
            (main_slug,),
        ).fetchone()
        if row is None:
            return 0
        main_id, generated_at = row
        moved = conn.execute(
            "UPDATE orders_order SET project_id = %s WHERE project_id = %s AND external_id LIKE %s",
            (archive.pk, main_id, EXTERNAL_PREFIX + "%"),
        ).rowcount
        conn.execute(
            "UPDATE customers_customer SET project_id = %s WHERE project_id = %s "
            "AND created_at > %s",
            (archive.pk, main_id, generated_at),
        )
        conn.execute(
            "UPDATE customers_customerphone p SET project_id = %s FROM customers_customer c "
            "WHERE c.id = p.customer_id AND c.project_id = %s AND p.project_id = %s",
            (archive.pk, archive.pk, main_id),
        )
        conn.commit()
    if moved:
        # each moved order is a -1/+1 pair in the tab tally (a few hundred rows per
        # project): thousands of dead row versions that autovacuum, off on our machines,
        # would clean up; rewritten here so that the next run's queue counts read the
        # tally as a deployment keeps it, not this run's leftovers
        db.vacuum(cfg, "queues_tabtally", full=True)
    return moved
