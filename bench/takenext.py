"""Take next at 1, 8 and 32 operators: dozvon's service, the HTTP API and a raw-SQL
baseline, on the same data in the same run.

Every worker loops: take (timed) → give the order back (timed separately as "free", never
counted into the take's latency, but inside the wall time both sides' throughput is
measured over):
  * `FREE_SQL` — claim cleared and `due_at` set to now, so the order goes to the back of
    the queue (the queue neither drains nor keeps handing out the same head rows). The
    ratio phases (dozvon and baseline alike) use only this.
  * with `outcome_every` = k, every k-th take instead goes through the real operator flow:
    `call_attempt_record` (no answer) + `order_apply_outcome("no_answer")` (timeline,
    audit, routing to quick recall), timed as "outcome", then `REFILL_SQL` puts the order
    back into New (standing in for the new orders intake keeps adding), so the backlog
    keeps its size. Used by the "mixed" phase.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from bench import db
from bench.config import Config
from bench.http import Client
from bench.load import PhaseResult, Recorder, run_workers

BASELINE_SQL = (
    "UPDATE orders_order SET claimed_by_id = %s, claimed_at = now() WHERE id = ("
    "SELECT id FROM orders_order WHERE project_id = %s AND bucket = 'new' AND due_at <= now() "
    "AND claimed_by_id IS NULL ORDER BY due_at, id FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id"
)
FREE_SQL = (
    "UPDATE orders_order SET claimed_by_id = NULL, claimed_at = NULL, due_at = now() WHERE id = %s"
)
REFILL_SQL = (
    "UPDATE orders_order SET bucket = 'new', status = 'new', status_group = 'new', "
    "problem = '', due_at = now(), callback_at = NULL, responsible_id = NULL, "
    "claimed_by_id = NULL, claimed_at = NULL WHERE id = %s"
)
RESET_SQL = (
    "UPDATE orders_order SET claimed_by_id = NULL, claimed_at = NULL "
    "WHERE project_id = ANY(%s) AND claimed_by_id IS NOT NULL"
)
EMPTY_PAUSE_S = 0.005


@dataclass
class Env:
    cfg: Config
    projects: dict[str, int]  # slug → id
    operators: list[int]  # the 200 operators, mixed skills
    all_products: list[int]  # those with every product
    tokens: dict[int, str] = field(default_factory=dict)
    port: int | None = None

    def reset(self, vacuum: bool = True) -> None:
        """Before every take-next phase: no claims left, dead rows of the last phase gone."""
        with db.connect(self.cfg) as conn:
            conn.execute(RESET_SQL, (list(self.projects.values()),))
        if vacuum:
            db.vacuum(self.cfg, "orders_order", "queues_tabtally")


@dataclass
class Worker:
    user: Any
    project: Any
    raw: Any  # the thread's psycopg connection (Django's own, autocommit)
    every: int
    taken: int = 0
    client: Client | None = None


def _django_worker(env: Env, user_id: int, slug: str, every: int) -> Worker:
    from django.db import connection

    from dozvon.accounts.models import User
    from dozvon.projects.access import membership_of
    from dozvon.projects.models import Project

    user = User.objects.get(pk=user_id)
    project = Project.objects.select_related("playbook").get(pk=env.projects[slug])
    membership_of(user, project)  # a logged-in session has its membership at hand
    connection.ensure_connection()
    return Worker(user=user, project=project, raw=connection.connection, every=every)


def _close(worker: Worker) -> None:
    from django.db import connections

    if worker.client is not None:
        worker.client.close()
    connections.close_all()


def _give_back(w: Worker, order_id: int, rec: Recorder) -> None:
    w.taken += 1
    if w.every and w.taken % w.every == 0:
        from dozvon.core import clock
        from dozvon.orders.services import order_apply_outcome
        from dozvon.orders.services.calling import call_attempt_record

        def outcome():
            now = clock.now()
            call_attempt_record(order_id=order_id, actor=w.user, result="no_answer", now=now)
            order_apply_outcome(
                order_id=order_id,
                actor=w.user,
                code="no_answer",
                problem="no_answer",
                comment="Не берёт трубку (bench)",
                now=now,
            )

        rec.timed("outcome", outcome)
        w.raw.execute(REFILL_SQL, (order_id,))
    else:
        rec.timed("free", lambda: w.raw.execute(FREE_SQL, (order_id,)))


def _timed_take(w: Worker, rec: Recorder, take) -> bool:
    """One loop of a take-next worker: `take()` (timed, wall and CPU) gives an order id or
    None; the order is given back untimed-into-the-take (see the module docstring)."""
    c0, t0 = time.thread_time(), time.perf_counter()
    order_id = take()
    t1, c1 = time.perf_counter(), time.thread_time()
    if order_id is None:
        rec.count("empty")
        time.sleep(EMPTY_PAUSE_S)
        return True
    rec.add("take", t1, (t1 - t0) * 1000)
    rec.add("take_cpu", t1, (c1 - c0) * 1000)
    _give_back(w, order_id, rec)
    return True


def _service_step(queue: str):
    from dozvon.core import clock
    from dozvon.queues.services import queue_take_next

    def step(w: Worker, rec: Recorder) -> bool:
        def take():
            order = queue_take_next(
                project=w.project, queue_code=queue, actor=w.user, now=clock.now()
            )
            return order.pk if order is not None else None

        return _timed_take(w, rec, take)

    return step


def _baseline_step(w: Worker, rec: Recorder) -> bool:
    def take():
        row = w.raw.execute(BASELINE_SQL, (w.user.pk, w.project.pk)).fetchone()
        return row[0] if row is not None else None

    return _timed_take(w, rec, take)


def _http_step(w: Worker, rec: Recorder) -> bool:
    slug = w.project.slug
    t0 = time.perf_counter()
    status, data = w.client.call("POST", f"/api/v1/projects/{slug}/queues/new/next")
    t1 = time.perf_counter()
    if status == 204:
        rec.count("empty")
        time.sleep(EMPTY_PAUSE_S)
        return True
    if status != 200:
        rec.count(f"http_{status}")
        return rec.counters[f"http_{status}"] < 50
    rec.add("take", t1, (t1 - t0) * 1000)
    order_id = data["id"]
    w.taken += 1
    if w.every and w.taken % w.every == 0:

        def outcome():
            a, _ = w.client.call(
                "POST", f"/api/v1/orders/{order_id}/calls", {"result": "no_answer"}
            )
            b, _ = w.client.call(
                "POST",
                f"/api/v1/orders/{order_id}/outcome",
                {"code": "no_answer", "problem": "no_answer", "comment": "Не берёт трубку"},
            )
            if a != 201 or b != 200:
                rec.count("outcome_failed")

        rec.timed("outcome", outcome)
        w.raw.execute(REFILL_SQL, (order_id,))
    else:
        rec.timed("free", lambda: w.raw.execute(FREE_SQL, (order_id,)))
    return True


def _result(res: PhaseResult, **extra) -> dict[str, Any]:
    take = res.stats("take")
    cpu = res.stats("take_cpu")
    out = {
        "workers": res.workers,
        "window_s": round(res.window_s, 2),
        "per_s": take.pop("per_s"),
        **take,
        "cpu_ms_per_take": cpu["mean_ms"],
        "empty": res.counter("empty"),
        "free": {k: v for k, v in res.stats("free").items() if k in ("n", "p50_ms", "p99_ms")},
        "outcome": {
            k: v for k, v in res.stats("outcome").items() if k in ("n", "p50_ms", "p99_ms")
        },
        "errors": res.errors,
        **extra,
    }
    http_errors = {
        k: res.counter(k)
        for rec in res.recorders
        for k in rec.counters
        if k.startswith("http_") or k == "outcome_failed"
    }
    if http_errors:
        out["http_errors"] = http_errors
    return out


def _machine_ms(cpu: dict, per_s: float | None) -> float | None:
    """All CPU the machine spent (client, server, PostgreSQL, kernel) per operation."""
    if not per_s or cpu.get("machine_busy_pct") is None:
        return None
    return round(cpu["machine_busy_pct"] / 100 * (cpu.get("cpus") or 1) * 1000 / per_s, 2)


def _operators(env: Env, n: int, pool: str) -> list[int]:
    ids = env.all_products if pool == "all" else env.operators
    return [ids[i % len(ids)] for i in range(n)]


def _run_processes(workers: int, processes: int, setup, step, env: Env, duration_s: float):
    """The same workers spread over `processes` forked processes (threads in each), so
    the service layer is not limited to one core by the GIL."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # never share a connection with a child
    mp = multiprocessing.get_context("fork")
    queue = mp.Queue()
    per = workers // processes
    start_at = time.perf_counter() + 3.0 + 0.1 * per

    def child(k: int) -> None:
        try:
            res = run_workers(
                per,
                lambda i: setup(k * per + i),
                step,
                _close,
                duration_s=duration_s,
                warmup_s=env.cfg.warmup_s,
                max_ops=env.cfg.max_ops // processes,
                start_at=start_at,
            )
            recs = [(dict(r.samples), dict(r.counters)) for r in res.recorders]
            queue.put((recs, res.errors, res.start, res.end, res.cpu))
        except Exception as exc:  # noqa: BLE001 - reported by the parent
            queue.put(([], [f"{type(exc).__name__}: {exc}"], 0.0, 0.0, {}))

    from bench.load import cpu_snapshot, cpu_usage

    procs = [mp.Process(target=child, args=(k,), daemon=True) for k in range(processes)]
    for proc in procs:
        proc.start()
    time.sleep(max(0.0, start_at + env.cfg.warmup_s - time.perf_counter()))
    before = cpu_snapshot()
    t0 = time.perf_counter()
    time.sleep(max(0.0, start_at + env.cfg.warmup_s + duration_s - time.perf_counter()))
    cpu = cpu_usage(before, cpu_snapshot(), time.perf_counter() - t0)
    got = []
    for _ in procs:
        got.append(queue.get(timeout=180))
    for proc in procs:
        proc.join(timeout=30)
    recorders, errors = [], []
    starts, ends = [], []
    for recs, errs, start, end, _cpu in got:
        errors += errs
        if start:
            starts.append(start)
            ends.append(end)
        for samples, counters in recs:
            rec = Recorder()
            rec.samples.update(samples)
            rec.counters.update(counters)
            recorders.append(rec)
    start = max(starts) if starts else 0.0
    end = min(ends) if ends else 0.0
    return PhaseResult(
        workers=workers,
        start=start,
        end=end,
        recorders=recorders,
        errors=errors[:5],
        cpu=cpu,
    )


def take_phase(
    env: Env,
    *,
    mode: str,
    slug: str,
    workers: int,
    duration_s: float,
    pool: str = "mixed",
    outcome_every: int = 0,
    processes: int = 1,
    raw_result: bool = False,
):
    """mode: service | baseline | http.
    `outcome_every` 0: give back with FREE_SQL only."""
    env.reset()
    ops = _operators(env, workers, pool)

    def setup(i: int) -> Worker:
        w = _django_worker(env, ops[i], slug, outcome_every)
        if mode == "http":
            w.client = Client(env.port, env.tokens[ops[i]])
        return w

    step = {"service": _service_step("new"), "baseline": _baseline_step, "http": _http_step}[mode]
    if processes > 1:
        res = _run_processes(workers, processes, setup, step, env, duration_s)
    else:
        res = run_workers(
            workers,
            setup,
            step,
            _close,
            duration_s=duration_s,
            warmup_s=env.cfg.warmup_s,
            max_ops=env.cfg.max_ops,
        )
    out = _result(
        res,
        machine_cpu_ms_per_take=_machine_ms(res.cpu, res.stats("take")["per_s"]),
        mode=mode,
        project=slug,
        operators=pool,
        processes=processes,
        outcome_every=outcome_every,
        cpu=res.cpu,
    )
    return (out, res) if raw_result else out


def soak(env: Env, slug: str, workers: int = 32, mode: str = "service") -> dict[str, Any]:
    out, res = take_phase(
        env,
        mode=mode,
        slug=slug,
        workers=workers,
        duration_s=env.cfg.soak_s,
        raw_result=True,
    )
    per_s = res.timeline("take", 1.0)
    window = max(1, min(20, len(per_s) // 3))
    first, last = per_s[:window], per_s[-window:]
    samples = res.merged("take")
    first_ms = [ms for t, ms in samples if t < res.start + window]
    last_ms = [ms for t, ms in samples if t >= res.end - window]
    from bench.load import percentile, r2

    with db.connect(env.cfg) as conn:
        dead = conn.execute(
            "SELECT n_live_tup, n_dead_tup, last_autovacuum FROM pg_stat_user_tables "
            "WHERE relname = 'orders_order'"
        ).fetchone()
    first_rate = sum(first) / window
    last_rate = sum(last) / window
    return {
        "mode": mode,
        "duration_s": round(res.window_s, 1),
        "workers": workers,
        "window_s": window,
        "first_per_s": round(first_rate, 1),
        "last_per_s": round(last_rate, 1),
        "last_vs_first": round(last_rate / first_rate, 3) if first_rate else None,
        "first_p99_ms": r2(percentile(first_ms, 99)),
        "last_p99_ms": r2(percentile(last_ms, 99)),
        "per_s_timeline": per_s,
        "dead_tuples_after": dead[1] if dead else None,
        "live_tuples": dead[0] if dead else None,
        "last_autovacuum": dead[2].isoformat() if dead and dead[2] else None,
        "overall": {k: out[k] for k in ("per_s", "p50_ms", "p99_ms", "empty")},
    }
