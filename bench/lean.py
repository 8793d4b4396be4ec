"""The request path against the framework's floor (issue 18), over HTTP on the bench's
gunicorn.

* The floor: `GET /api/v1/whoami`, the cheapest authenticated request (the bearer check,
  one indexed read, a small JSON object).
* One client, back to back, each of: the floor, take next, the order card, saving an
  outcome, the queue counts (`http_phases`), and single intake (`intake_phases`). The
  phases run interleaved in rounds (floor, take, card, … floor, take, card, …) so a drift
  of the machine's speed during the block touches them alike; a phase's requests per
  second are 1000 / its mean latency (one client, back to back: the time the server and
  the loopback take per request, not the bench's own bookkeeping between requests).
* Batch intake: `POST /api/v1/projects/{slug}/orders/batch` with 100 orders a request,
  from `clients` threads, against the raw-SQL intake (`bench/rawintake.py`) with the same
  number of threads; orders per second over the measured window.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench import db
from bench.config import Config
from bench.http import Client
from bench.intake import Payloads, _existing_phones
from bench.load import cpu_snapshot, cpu_usage, r2, summary
from bench.takenext import BASELINE_SQL, FREE_SQL, REFILL_SQL

EMPTY_PAUSE_S = 0.005
BATCH_SIZE = 100
# Step: one request timed; the milliseconds, or None when nothing was timed (an empty queue).
Step = Callable[[], float | None]


class Phase:
    """One client's timed requests, gathered over several rounds."""

    def __init__(self, name: str, step: Step):
        self.name, self.step = name, step
        self.ms: list[float] = []
        self.errors: dict[str, int] = {}
        self.wall_s = 0.0
        self.machine_cpu_s = 0.0  # busy cores × seconds over the rounds

    def run(self, seconds: float, max_n: int, warmup: int = 0) -> None:
        for _ in range(warmup):
            self._one(record=False)
        before, t0 = cpu_snapshot(), time.perf_counter()
        deadline = t0 + seconds
        n = 0
        while time.perf_counter() < deadline and n < max_n:
            n += self._one(record=True)
        wall = time.perf_counter() - t0
        cpu = cpu_usage(before, cpu_snapshot(), wall)
        self.wall_s += wall
        if cpu.get("machine_busy_pct") is not None:
            self.machine_cpu_s += cpu["machine_busy_pct"] / 100 * (cpu.get("cpus") or 1) * wall

    def _one(self, record: bool) -> int:
        try:
            ms = self.step()
        except Exception as exc:  # noqa: BLE001 - counted, the phase goes on
            key = f"{type(exc).__name__}: {exc}"[:120]
            self.errors[key] = self.errors.get(key, 0) + 1
            if sum(self.errors.values()) > 50:
                raise
            return 0
        if ms is None:
            time.sleep(EMPTY_PAUSE_S)
            return 0
        if record:
            self.ms.append(ms)
        return 1

    def result(self) -> dict[str, Any]:
        out = summary(self.ms)
        mean = out.get("mean_ms")
        out["per_s"] = round(1000 / mean, 1) if mean else None
        out["wall_per_s"] = round(len(self.ms) / self.wall_s, 1) if self.wall_s else None
        out["seconds"] = round(self.wall_s, 1)
        out["machine_cpu_ms_per_request"] = (
            r2(self.machine_cpu_s * 1000 / len(self.ms)) if self.ms else None
        )
        if self.errors:
            out["errors"] = dict(self.errors)
        return out


def interleave(
    phases: list[Phase], *, seconds: float, rounds: int, max_n: int, warmup: int = 5
) -> dict[str, dict]:
    """Each phase runs `seconds` in all, split into `rounds` turns taken in order."""
    rounds = max(1, rounds)
    for r in range(rounds):
        for phase in phases:
            phase.run(
                seconds / rounds, max_n=max(1, max_n // rounds), warmup=warmup if not r else 0
            )
    return {p.name: p.result() for p in phases}


def _timed(client: Client, method: str, path: str, body=None, ok=(200,)) -> tuple[float, Any]:
    t0 = time.perf_counter()
    status, data = client.call(method, path, body)
    ms = (time.perf_counter() - t0) * 1000
    if status not in ok:
        raise RuntimeError(f"{method} {path.split('?')[0]}: HTTP {status}")
    return ms, (status, data)


def floor_step(client: Client) -> Step:
    def step() -> float:
        return _timed(client, "GET", "/api/v1/whoami")[0]

    return step


def counts_step(client: Client, slug: str) -> Step:
    def step() -> float:
        return _timed(client, "GET", f"/api/v1/projects/{slug}/queues")[0]

    return step


def card_step(client: Client, order_ids: list[int]) -> Step:
    seq = iter(range(10**9))

    def step() -> float:
        order_id = order_ids[next(seq) % len(order_ids)]
        return _timed(client, "GET", f"/api/v1/orders/{order_id}")[0]

    return step


def take_step(client: Client, raw, slug: str) -> Step:
    """Take next (timed); the order goes back untimed (FREE_SQL, as in takenext.py)."""

    def step() -> float | None:
        ms, (status, data) = _timed(
            client, "POST", f"/api/v1/projects/{slug}/queues/new/next", ok=(200, 204)
        )
        if status == 204:
            return None
        raw.execute(FREE_SQL, (data["id"],))
        return ms

    return step


def outcome_step(client: Client, raw, *, user_id: int, project_id: int) -> Step:
    """Saving a "no answer" result (timed) on an order the operator holds: the claim (raw
    SQL) and the call attempt before it, and the refill into New after it, are untimed."""

    def step() -> float | None:
        row = raw.execute(BASELINE_SQL, (user_id, project_id)).fetchone()
        if row is None:
            return None
        order_id = row[0]
        try:
            _timed(
                client,
                "POST",
                f"/api/v1/orders/{order_id}/calls",
                {"result": "no_answer"},
                ok=(201,),
            )
            ms, _ = _timed(
                client,
                "POST",
                f"/api/v1/orders/{order_id}/outcome",
                {"code": "no_answer", "problem": "no_answer", "comment": "Не берёт трубку"},
            )
        finally:
            raw.execute(REFILL_SQL, (order_id,))
        return ms

    return step


def intake_step(client: Client, slug: str, payloads: Payloads) -> Step:
    def step() -> float:
        return _timed(
            client, "POST", f"/api/v1/projects/{slug}/orders", payloads.next(), ok=(200, 201)
        )[0]

    return step


def card_ids(cfg: Config, project_id: int, n: int = 500) -> list[int]:
    """Orders across the project, every bucket and status (the cards operators open)."""
    with db.connect(cfg) as conn:
        top = conn.execute(
            "SELECT max(id) FROM orders_order WHERE project_id = %s", (project_id,)
        ).fetchone()[0]
        if not top:
            return []
        step = max(1, top // (n * 3))
        return [
            r[0]
            for r in conn.execute(
                "SELECT id FROM orders_order WHERE project_id = %s AND id %% %s = 0 "
                "ORDER BY id LIMIT %s",
                (project_id, step, n),
            ).fetchall()
        ]


def http_phases(
    cfg: Config,
    *,
    port: int,
    slug: str,
    project_id: int,
    operator_id: int,
    operator_token: str,
    supervisor_token: str,
) -> dict[str, Any]:
    """The floor, take next, the card, an outcome and the counts: one client each."""
    op = Client(port, operator_token)
    sup = Client(port, supervisor_token)
    raw = db.connect(cfg)
    try:
        raw.execute(
            "UPDATE orders_order SET claimed_by_id = NULL, claimed_at = NULL "
            "WHERE project_id = %s AND claimed_by_id IS NOT NULL",
            (project_id,),
        )
        phases = [
            Phase("floor", floor_step(op)),
            Phase("take", take_step(op, raw, slug)),
            Phase("card", card_step(op, card_ids(cfg, project_id))),
            Phase("outcome", outcome_step(op, raw, user_id=operator_id, project_id=project_id)),
            Phase("counts", counts_step(sup, slug)),
        ]
        out = interleave(
            phases, seconds=cfg.lean_s, rounds=cfg.lean_rounds, max_n=cfg.reads_max * 10
        )
    finally:
        op.close()
        sup.close()
        raw.close()
    out["how"] = (
        "one client each (keep-alive), interleaved in rounds on the bench's gunicorn; per_s = "
        "1000 / mean latency. floor: GET /api/v1/whoami; take: POST …/queues/new/next (the "
        "order given back untimed); card: GET /api/v1/orders/{id} over 500 orders of every "
        "bucket; outcome: POST /api/v1/orders/{id}/outcome no_answer (claim and call attempt "
        "before, refill into New after, untimed); counts: GET …/queues (supervisor)"
    )
    return out


def intake_phases(
    cfg: Config, *, port: int, slug: str, project_id: int, operator_token: str, intake_token: str
) -> dict[str, Any]:
    """The floor and single intake (one client each), interleaved."""
    phones = _existing_phones(cfg, project_id, 2000)
    op = Client(port, operator_token)
    partner = Client(port, intake_token)
    payloads = Payloads(4242, phones, f"single-{int(time.time())}")
    try:
        out = interleave(
            [Phase("floor", floor_step(op)), Phase("intake", intake_step(partner, slug, payloads))],
            seconds=cfg.lean_s,
            rounds=cfg.lean_rounds,
            max_n=cfg.intake_max,
        )
    finally:
        op.close()
        partner.close()
    out["how"] = "POST /api/v1/projects/{slug}/orders, one client, interleaved with the floor"
    return out


def batch_phase(
    cfg: Config, *, port: int, slug: str, project_id: int, token: str, clients: int
) -> dict[str, Any]:
    """`clients` threads posting 100 intake bodies a request to the batch endpoint.

    A request takes seconds, so a fixed window would cut requests in half: each client
    sends one small untimed batch (the worker warms up), then all start together and send
    batches until `BENCH_INTAKE_S` has passed; every request started counts, and orders
    per second are the orders created over the time from the start to the last answer."""
    import threading

    phones = _existing_phones(cfg, project_id, 2000)
    tag = f"batch-{int(time.time())}"
    path = f"/api/v1/projects/{slug}/orders/batch"
    ready = threading.Barrier(clients + 1)
    go = threading.Barrier(clients + 1)
    done: list[tuple[float, float, int, Counter]] = []  # (finished, ms, created, results)
    errors: list[str] = []
    lock = threading.Lock()
    box: dict[str, float] = {}

    def body(i: int) -> None:
        client = Client(port, token, timeout=600)
        payloads = Payloads(9000 + i, phones, f"{tag}-{i}")
        try:
            client.call("POST", path, [payloads.next() for _ in range(5)])
        except Exception as exc:  # noqa: BLE001 - reported with the phase
            errors.append(f"warm-up: {type(exc).__name__}: {exc}")
        try:
            ready.wait(timeout=600)
            go.wait(timeout=60)
            while time.perf_counter() < box["deadline"]:
                bodies = [payloads.next() for _ in range(BATCH_SIZE)]
                t0 = time.perf_counter()
                status, data = client.call("POST", path, bodies)
                t1 = time.perf_counter()
                if status != 200:
                    errors.append(f"HTTP {status}")
                    if len(errors) > 20:
                        return
                    continue
                results = Counter(item["result"] for item in data["items"])
                with lock:
                    done.append((t1, (t1 - t0) * 1000, results["created"], results))
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            client.close()

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(clients)]
    for th in threads:
        th.start()
    ready.wait(timeout=600)
    before = cpu_snapshot()
    start = time.perf_counter()
    box["deadline"] = start + cfg.intake_s
    go.wait(timeout=60)
    for th in threads:
        th.join(timeout=cfg.intake_s + 900)
    end = max((t for t, *_ in done), default=start)
    wall = max(end - start, 1e-9)
    cpu = cpu_usage(before, cpu_snapshot(), time.perf_counter() - start)
    created = sum(n for _, _, n, _ in done)
    results: Counter = Counter()
    for *_, r in done:
        results.update(r)
    per_s = round(created / wall, 1) if done else None
    busy = cpu.get("machine_busy_pct")
    return {
        "clients": clients,
        "batch_size": BATCH_SIZE,
        "orders_per_s": per_s,
        "requests": len(done),
        "requests_per_s": round(len(done) / wall, 2) if done else None,
        "request": summary([ms for _, ms, _, _ in done]),
        "created": created,
        "existing": results["existing"],
        "refused": results["refused"],
        "seconds": round(wall, 2),
        "cpu": cpu,
        "machine_cpu_ms_per_order": round(busy / 100 * (cpu.get("cpus") or 1) * 1000 / per_s, 2)
        if busy is not None and per_s
        else None,
        "errors": errors[:5],
        "how": f"POST /api/v1/projects/{{slug}}/orders/batch, {BATCH_SIZE} bodies a request, "
        f"{clients} client threads sending from a common start for BENCH_INTAKE_S; orders "
        "created / (last answer - start)",
    }
