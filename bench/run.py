"""The benchmark run: data, then every phase, then latest.json and the table."""

from __future__ import annotations

import os
import shutil
import sys
import time
import traceback
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import bootstrap, datagen, db, report
from bench.config import Config, load

T0 = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f}s] {message}", file=sys.stderr, flush=True)


def _section(results: dict, name: str, fn) -> Any:
    t = time.perf_counter()
    log(f"{name} …")
    try:
        value = fn()
    except Exception as exc:  # noqa: BLE001 - the run goes on, the JSON says what failed
        traceback.print_exc()
        results.setdefault("failures", {})[name] = f"{type(exc).__name__}: {exc}"
        return None
    log(f"{name} done in {time.perf_counter() - t:.1f}s")
    return value


def _env(cfg: Config):
    from bench.takenext import Env
    from dozvon.projects.models import Membership, Project

    projects = dict(
        Project.objects.filter(slug__in=[f"bench-{n}" for n in cfg.growth_sizes]).values_list(
            "slug", "id"
        )
    )
    main = projects[cfg.main_slug]
    members = list(
        Membership.objects.filter(project_id=main, role="operator")
        .order_by("user__username")
        .values_list("user_id", "all_products")
    )
    return Env(
        cfg=cfg,
        projects=projects,
        operators=[u for u, _ in members],
        all_products=[u for u, every in members if every],
    )


def _tokens(env, user_ids: list[int]) -> dict[int, str]:
    from dozvon.accounts.models import User
    from dozvon.accounts.services import token_create
    from dozvon.core import clock

    users = User.objects.in_bulk(user_ids)
    return {pk: token_create(user=users[pk], name="bench", now=clock.now()) for pk in user_ids}


def _ratio(a: dict, b: dict) -> float | None:
    if a and b and a.get("per_s") and b.get("per_s"):
        return round(a["per_s"] / b["per_s"], 3)
    return None


def take_next(env, cfg: Config) -> dict:
    from bench.takenext import take_phase

    out: dict[str, Any] = {"service": {}, "baseline": {}}
    for n in cfg.concurrency:
        for mode in ("service", "baseline"):
            log(f"  take next: {mode} × {n}")
            out[mode][str(n)] = take_phase(
                env, mode=mode, slug=cfg.main_slug, workers=n, duration_s=cfg.phase_s
            )
        out[f"ratio_{n}"] = _ratio(out["service"][str(n)], out["baseline"][str(n)])
    top = str(cfg.concurrency[-1])
    s, b = out["service"][top], out["baseline"][top]
    log("  take next: service × 32 in 4 processes")
    mp = take_phase(
        env, mode="service", slug=cfg.main_slug, workers=32, duration_s=cfg.phase_s, processes=4
    )
    log(f"  take next: service × 32 with a real outcome every {cfg.outcome_every}th take")
    mixed = take_phase(
        env,
        mode="service",
        slug=cfg.main_slug,
        workers=32,
        duration_s=cfg.phase_s,
        outcome_every=cfg.outcome_every,
    )
    out.update(
        {
            "ratio_32": out.get("ratio_32"),
            "p99_ms_32": s.get("p99_ms"),
            "p50_ms_32": s.get("p50_ms"),
            "per_s_32": s.get("per_s"),
            "baseline_per_s_32": b.get("per_s"),
            "baseline_p99_ms_32": b.get("p99_ms"),
            "service_4proc_32": mp,
            "ratio_4proc_32": _ratio(mp, b),
            "p99_ms_4proc_32": mp.get("p99_ms"),
            "mixed_32": mixed,
            "queue": "new",
            "operators": "mixed skills (40% all products, 60% a subset of 5–20 of 50 products)",
            "give_back": (
                "after each take, untimed: claim cleared and due_at = now() (back of the "
                "queue), the same UPDATE for dozvon and the baseline; mixed_32 instead runs "
                f"call_attempt_record + order_apply_outcome(no_answer) every {cfg.outcome_every}"
                "th take, then puts the order back into New"
            ),
        }
    )
    return out


def growth(env, cfg: Config) -> dict:
    from bench.explain import explain_take
    from bench.reads import counts_service
    from bench.takenext import take_phase

    sizes = {}
    for size in cfg.growth_sizes:
        slug = f"bench-{size}"
        log(f"  growth {slug}")
        row = {
            "take_1": take_phase(
                env, mode="service", slug=slug, workers=1, duration_s=cfg.growth_s, pool="all"
            ),
            "take_32": take_phase(
                env, mode="service", slug=slug, workers=32, duration_s=cfg.growth_s, pool="all"
            ),
            "baseline_1": take_phase(
                env, mode="baseline", slug=slug, workers=1, duration_s=cfg.growth_s, pool="all"
            ),
            "counts": counts_service(slug, max_n=100, max_s=10),
        }
        row["counts"].pop("per_tab", None)
        plans = explain_take(cfg, slug, env.all_products[0], f"growth_{size}", env.projects[slug])
        row["take_explain_ms"] = plans[f"take_growth_{size}"]["execution_ms"]
        sizes[str(size)] = row
    return {"operators": "all-products operators (no skill filter)", "sizes": sizes}


def main() -> int:
    cfg = load()
    results: dict[str, Any] = {}
    from bench.explain import EXPLAIN_DIR

    try:
        created = db.ensure_database(cfg)
    except db.psycopg.OperationalError as exc:
        url = urlsplit(cfg.database_url)  # shown without the credentials
        where = urlunsplit(url._replace(netloc=url.netloc.rpartition("@")[2]))
        raise SystemExit(
            f"PostgreSQL is not reachable at {where} (set DATABASE_URL or "
            f"BENCH_DATABASE_URL, or start the server): {str(exc).strip()}"
        ) from None
    log(f"database {cfg.db_name}: {'created' if created else 'exists'}")
    if not cfg.profile:  # only this run's plans (a failed start keeps the last)
        shutil.rmtree(EXPLAIN_DIR, ignore_errors=True)
    bootstrap.setup_django(cfg)
    bootstrap.migrate_and_load()
    data = datagen.ensure_data(cfg, log)
    log(f"data ready: {data}")
    if not cfg.profile:  # issue 14: the DUN worklist at N orders (bench/dun.py)
        from bench import dun

        results["dun_worklist"] = _section(results, "dun_worklist", lambda: dun.phase(cfg, log))

    from bench import intake, lean, rawintake, reads
    from bench.anatomy import anatomy
    from bench.explain import explain_all
    from bench.http import Server
    from bench.takenext import soak

    moved = intake.archive_intake(cfg, cfg.main_slug)
    if moved:
        log(f"moved {moved} orders left by an earlier intake run to {intake.ARCHIVE_SLUG}")
    env = _env(cfg)
    env.reset()
    db.vacuum(cfg, "orders_order", "customers_customer", "customers_customerphone", analyze=True)
    main_id = env.projects[cfg.main_slug]
    mixed_op = next(u for u in env.operators if u not in env.all_products)
    started = datetime.now(UTC)
    results["meta"] = {
        "loadavg_start": list(os.getloadavg()),
        "orders": cfg.orders,
        "main_project": cfg.main_slug,
        "concurrency": list(cfg.concurrency),
        "started_at": started.isoformat(),
        "config": {
            k: v for k, v in cfg.__dict__.items() if k not in {"database_url", "growth_sizes"}
        }
        | {"growth_sizes": list(cfg.growth_sizes)},
        "machine": db.machine_facts(cfg),
        "data": data,
    }
    from dozvon.accounts.models import User

    supervisor = User.objects.get(username="bench-supervisor").pk
    integration = User.objects.get(username="bench-intake").pk
    http_ops = [env.operators[i] for i in range(32)]
    env.tokens = _tokens(env, [*http_ops, env.all_products[0], supervisor, integration])
    operator = env.all_products[0]  # the one-client HTTP phases' operator (every product)
    if cfg.profile:
        from bench import profiling

        return profiling.run(
            cfg,
            slug=cfg.main_slug,
            project_id=main_id,
            operator_id=operator,
            tokens={"operator": env.tokens[operator], "intake": env.tokens[integration]},
            log=log,
        )
    results["explain"] = _section(
        results,
        "explain",
        lambda: explain_all(
            cfg,
            slug=cfg.main_slug,
            project_id=main_id,
            mixed_op=mixed_op,
            all_op=env.all_products[0],
        ),
    )
    results["anatomy"] = _section(
        results,
        "anatomy",
        lambda: anatomy(
            cfg,
            slug=cfg.main_slug,
            project_id=main_id,
            operator_id=operator,
            operator_token=env.tokens[operator],
            supervisor_token=env.tokens[supervisor],
            intake_token=env.tokens[integration],
        ),
    )

    with Server(cfg, cfg.http_workers, "api") as server:
        env.port = server.port

        def http_requests():
            out = lean.http_phases(
                cfg,
                port=server.port,
                slug=cfg.main_slug,
                project_id=main_id,
                operator_id=operator,
                operator_token=env.tokens[operator],
                supervisor_token=env.tokens[supervisor],
            )
            floor = out["floor"].get("per_s")
            for name in ("take", "card", "outcome", "counts"):
                out[f"{name}_vs_floor"] = report.ratio(out[name].get("per_s"), floor)
            return out

        results["http"] = _section(results, "http", http_requests) or {}

        def counts():
            svc = reads.counts_service(cfg.main_slug, max_n=cfg.reads_max, max_s=cfg.reads_s)
            web = reads.counts_http(
                server.port,
                env.tokens[supervisor],
                cfg.main_slug,
                max_n=cfg.reads_max,
                max_s=cfg.reads_s,
            )
            return {
                "p50_ms": svc["p50_ms"],
                "p99_ms": svc["p99_ms"],
                "http_p50_ms": web["p50_ms"],
                "http_p99_ms": web["p99_ms"],
                "service": svc,
                "http": web,
                "how": "queue_counts(project, now) — one statement over the trigger-kept tab "
                "tally on PostgreSQL — called back to back in one thread; HTTP: GET "
                "/api/v1/projects/{slug}/queues on gunicorn",
            }

        results["counts"] = _section(results, "counts", counts) or {}
        results["counts"]["http_vs_floor"] = results["http"].get("counts_vs_floor")
        results["list"] = _section(
            results,
            "list",
            lambda: reads.lists(
                server.port,
                env.tokens[supervisor],
                cfg.main_slug,
                orders=cfg.orders,
                max_n=cfg.reads_max,
                max_s=cfg.reads_s * 2,
            ),
        )
        tn = _section(results, "take_next", lambda: take_next(env, cfg)) or {}

        def http_take():
            from bench.takenext import take_phase

            out = {}
            for n in (1, 32):
                log(f"  take next: HTTP × {n}")
                out[str(n)] = take_phase(
                    env, mode="http", slug=cfg.main_slug, workers=n, duration_s=cfg.phase_s
                )
                out[str(n)]["server_workers"] = cfg.http_workers
            return out

        h = _section(results, "take_next_http", http_take)
        if h:
            tn["http"] = h
            tn["ratio_http_32"] = _ratio(h["32"], tn.get("baseline", {}).get("32", {}))
            tn["p99_ms_http_32"] = h["32"].get("p99_ms")
            tn["p50_ms_http_1"] = h["1"].get("p50_ms")
        tn["p99_vs_baseline_32"] = report.ratio(tn.get("p99_ms_32"), tn.get("baseline_p99_ms_32"))
        results["take_next"] = tn
    results["soak"] = _section(results, "soak", lambda: soak(env, cfg.main_slug))
    # the same 2 minutes of raw-SQL claims: how much of the decline is PostgreSQL's own
    # (dead rows at the queue head) rather than dozvon's
    soak_baseline = _section(
        results, "soak_baseline", lambda: soak(env, cfg.main_slug, mode="baseline")
    )
    if results["soak"] and soak_baseline:
        results["soak"]["baseline"] = {
            k: v for k, v in soak_baseline.items() if k not in {"mode", "overall"}
        }
    results["growth"] = _section(results, "growth", lambda: growth(env, cfg))

    def intake_all():
        token = env.tokens[integration]
        one = intake.intake_phase(
            cfg, slug=cfg.main_slug, project_id=main_id, token=token, processes=1, clients=2
        )
        four = intake.intake_phase(
            cfg, slug=cfg.main_slug, project_id=main_id, token=token, processes=4, clients=8
        )
        return {
            "orders_per_s_1proc": one["orders_per_s"],
            "p50_ms_1proc": one["p50_ms"],
            "p99_ms_1proc": one["p99_ms"],
            "orders_per_s_4proc": four["orders_per_s"],
            "p50_ms_4proc": four["p50_ms"],
            "p99_ms_4proc": four["p99_ms"],
            "one_process": one,
            "four_processes": four,
            "how": "POST /api/v1/projects/{slug}/orders on gunicorn sync workers (loopback); "
            "2 client threads for 1 process, 8 for 4 processes; cod playbook (phone, "
            "obscenity and duplicate checks on); ~12% resubmissions, ~28% returning customers",
        }

    def intake_against_floors():
        """Single intake against the floor (one client each, interleaved) and batch intake
        against the raw-SQL intake (the same client threads), on the same gunicorn settings
        as the other HTTP phases."""
        out: dict[str, Any] = {}
        with Server(cfg, cfg.http_workers, "api-intake") as server:
            single = lean.intake_phases(
                cfg,
                port=server.port,
                slug=cfg.main_slug,
                project_id=main_id,
                operator_token=env.tokens[operator],
                intake_token=env.tokens[integration],
            )
            single["intake_vs_floor"] = report.ratio(
                single["intake"].get("per_s"), single["floor"].get("per_s")
            )
            out["single"] = single
            log(f"  batch intake × {cfg.batch_clients} clients")
            out["batch"] = lean.batch_phase(
                cfg,
                port=server.port,
                slug=cfg.main_slug,
                project_id=main_id,
                token=env.tokens[integration],
                clients=cfg.batch_clients,
            )
        log(f"  raw-SQL intake × {cfg.batch_clients} clients")
        out["raw_sql"] = rawintake.raw_intake_phase(
            cfg,
            project_id=main_id,
            actor_id=integration,
            clients=cfg.batch_clients,
            duration_s=cfg.intake_s,
        )
        out["batch_vs_raw"] = report.ratio(
            out["batch"].get("orders_per_s"), out["raw_sql"].get("orders_per_s")
        )
        return out

    floors = _section(results, "intake_floors", intake_against_floors) or {}
    results["intake"] = _section(results, "intake", intake_all) or {}
    results["intake"].update(floors)
    results["http"]["intake_vs_floor"] = (floors.get("single") or {}).get("intake_vs_floor")
    moved = intake.archive_intake(cfg, cfg.main_slug)
    log(f"moved {moved} intake orders to {intake.ARCHIVE_SLUG}")

    def reports_phase() -> dict:
        # issue 17: every report over a month of the main project, with its plans
        from bench.reports_timing import bench_reports

        timed = bench_reports(cfg.main_slug, out=log)
        EXPLAIN_DIR.mkdir(parents=True, exist_ok=True)
        for name, plans in (timed.pop("explain", None) or {}).items():
            path = EXPLAIN_DIR / f"report_{name.replace('/', '_')}.txt"
            path.write_text("\n\n".join(map(str, plans)) + "\n", encoding="utf-8")
        return timed

    results["reports"] = _section(results, "reports", reports_phase) or {}
    results["soak"] = results.get("soak") or {}
    if results["soak"]:
        results["soak"]["p99_ms"] = results["soak"]["overall"]["p99_ms"]
    results["meta"]["finished_at"] = datetime.now(UTC).isoformat()
    results["meta"]["loadavg_end"] = list(os.getloadavg())
    results["meta"]["seconds"] = round(time.perf_counter() - T0, 1)
    results["sql_per_request"] = report.statements(results.get("anatomy"))
    results["targets"] = report.verdicts(results)
    results["verdict"] = report.overall(results["targets"])
    results["earlier_targets"] = report.verdicts(results, report.EARLIER_TARGETS)
    path = report.write_json(results)
    log(f"wrote {path}")
    print(report.markdown(results))
    return 1 if results.get("failures") else 0
