"""bench/results/latest.json and the markdown table on stdout."""

from __future__ import annotations

import json
from typing import Any

from bench.config import RESULTS_DIR

# Issue 18: every target a ratio against a baseline measured in the same run (absolute
# milliseconds drift up to 2x during a day on 2-core machines); five of six must be met.
TARGETS = {
    "http.take_vs_floor": (">=", 0.35),
    "http.intake_vs_floor": (">=", 0.3),
    "intake.batch_vs_raw": (">=", 0.3),
    "take_next.ratio_32": (">=", 0.6),
    "take_next.p99_vs_baseline_32": ("<=", 1.5),
    "counts.http_vs_floor": (">=", 0.6),
}
REQUIRED_MET = 5
# Issue 12's and 17's absolute targets, reported apart (not part of issue 18's verdict).
EARLIER_TARGETS = {
    "reports.slowest_ms": ("<=", 1000.0),
    "take_next.p99_ms_32": ("<=", 25.0),
    "counts.p99_ms": ("<=", 20.0),
    "intake.orders_per_s_1proc": (">=", 500.0),
    "soak.last_vs_first": (">=", 0.7),
}
# SQL statements per API request, measured in-process by bench/anatomy.py.
STATEMENT_KEYS = ("intake", "take_next", "outcome", "card", "counts", "whoami")


def ratio(a: Any, b: Any, digits: int = 3) -> float | None:
    """a / b, or None when either is missing or b is zero."""
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or not b:
        return None
    return round(a / b, digits)


def met(value: Any, comparison: str, target: float) -> bool | None:
    """Whether `value comparison target` holds; None when there is no value."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if comparison == ">=":
        return value >= target
    if comparison == "<=":
        return value <= target
    raise ValueError(f"unknown comparison {comparison!r}")


def _get(results: dict, dotted: str) -> Any:
    section, key = dotted.split(".", 1)
    return (results.get(section) or {}).get(key)


def verdicts(results: dict, targets: dict | None = None) -> dict[str, dict]:
    """Each target: its value in `results`, the target, the comparison and whether met."""
    out = {}
    for key, (comparison, target) in (TARGETS if targets is None else targets).items():
        value = _get(results, key)
        out[key] = {
            "value": value,
            "target": target,
            "comparison": comparison,
            "met": met(value, comparison, target),
        }
    return out


def overall(targets: dict[str, dict], required: int = REQUIRED_MET) -> dict[str, Any]:
    """How many targets are met, of how many, and whether that is enough."""
    got = sum(1 for v in targets.values() if v["met"] is True)
    missing = [k for k, v in targets.items() if v["met"] is None]
    return {
        "met": got,
        "of": len(targets),
        "required": required,
        "passed": got >= required,
        "not_measured": missing,
    }


def statements(anatomy: dict | None) -> dict[str, float | None]:
    """SQL statements per request from the anatomy section (None where not measured)."""
    anatomy = anatomy or {}
    out = {k: (anatomy.get(k) or {}).get("sql_statements") for k in STATEMENT_KEYS}
    batch = anatomy.get("batch_intake") or {}
    out["batch_intake_per_order"] = batch.get("sql_per_order")
    return out


def write_json(results: dict) -> str:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / "latest.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n")
    return str(path)


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _target_row(key: str, v: dict) -> str:
    mark = {True: "yes", False: "**no**", None: "–"}[v["met"]]
    return f"| {key} | {_f(v['value'], 2)} | {v['comparison']} {v['target']:g} | {mark} |"


def _lean_tables(results: dict) -> list[str]:
    """The HTTP requests against the floor, batch against raw SQL, SQL per request."""
    http = results.get("http") or {}
    sql = results.get("sql_per_request") or {}
    single = (results.get("intake") or {}).get("single") or {}
    lines: list[str] = []
    rows = [
        ("floor: GET /api/v1/whoami", http.get("floor"), None, sql.get("whoami")),
        ("take next", http.get("take"), http.get("take_vs_floor"), sql.get("take_next")),
        ("order card", http.get("card"), http.get("card_vs_floor"), sql.get("card")),
        ("save an outcome", http.get("outcome"), http.get("outcome_vs_floor"), sql.get("outcome")),
        ("queue counts", http.get("counts"), http.get("counts_vs_floor"), sql.get("counts")),
        ("floor (intake block)", single.get("floor"), None, sql.get("whoami")),
        ("single intake", single.get("intake"), single.get("intake_vs_floor"), sql.get("intake")),
    ]
    if any(row[1] for row in rows):
        lines += [
            "",
            "| over HTTP, 1 client | req/s | p50 ms | p99 ms | machine CPU ms/req "
            "| vs floor | SQL statements |",
            "|---|---|---|---|---|---|---|",
        ]
        for label, row, vs, n in rows:
            if not row:
                continue
            lines.append(
                f"| {label} | {_f(row.get('per_s'))} | {_f(row.get('p50_ms'), 2)} "
                f"| {_f(row.get('p99_ms'), 2)} | {_f(row.get('machine_cpu_ms_per_request'), 2)} "
                f"| {_f(vs, 2)} | {_f(n)} |"
            )
    i = results.get("intake") or {}
    batch, raw = i.get("batch") or {}, i.get("raw_sql") or {}
    if batch or raw:
        lines += [
            "",
            "| intake throughput | client threads | orders/s | p50 ms | p99 ms "
            "| machine CPU ms/order | SQL statements/order |",
            "|---|---|---|---|---|---|---|",
            f"| batch over HTTP ({batch.get('batch_size', '–')} a request) "
            f"| {batch.get('clients', '–')} | {_f(batch.get('orders_per_s'))} "
            f"| {_f((batch.get('request') or {}).get('p50_ms'), 1)} (request) "
            f"| {_f((batch.get('request') or {}).get('p99_ms'), 1)} (request) "
            f"| {_f(batch.get('machine_cpu_ms_per_order'), 2)} "
            f"| {_f(sql.get('batch_intake_per_order'))} |",
            f"| raw SQL (psycopg, no HTTP/ORM) | {raw.get('clients', '–')} "
            f"| {_f(raw.get('orders_per_s'))} | {_f(raw.get('p50_ms'), 2)} "
            f"| {_f(raw.get('p99_ms'), 2)} | {_f(raw.get('machine_cpu_ms_per_order'), 2)} "
            f"| {_f(raw.get('sql_statements'))} |",
            f"| batch / raw | | {_f(i.get('batch_vs_raw'), 2)} | | | | |",
        ]
    return lines


def markdown(results: dict) -> str:
    tn = results.get("take_next", {})
    lines = [
        f"### dozvon bench — {results['meta']['orders']:,} orders "
        f"({results['meta']['machine']['cpus']} CPUs, "
        f"PostgreSQL {results['meta']['machine']['postgresql'].get('server_version')})",
        "",
        "| take next (queue New) | ops | dozvon /s | p50 ms | p99 ms | CPU ms/take "
        "| baseline /s | baseline p50 | baseline p99 | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in results["meta"]["concurrency"]:
        s = tn.get("service", {}).get(str(n), {})
        b = tn.get("baseline", {}).get(str(n), {})
        lines.append(
            f"| service layer | {n} | {_f(s.get('per_s'))} | {_f(s.get('p50_ms'), 2)} "
            f"| {_f(s.get('p99_ms'), 2)} | {_f(s.get('cpu_ms_per_take'), 2)} "
            f"| {_f(b.get('per_s'))} | {_f(b.get('p50_ms'), 2)} | {_f(b.get('p99_ms'), 2)} "
            f"| {_f(tn.get(f'ratio_{n}'), 2)} |"
        )
    b32 = tn.get("baseline", {}).get("32", {})
    outcome_every = (tn.get("mixed_32") or {}).get("outcome_every")
    extra = [
        ("service layer, 4 processes × 8 threads", tn.get("service_4proc_32")),
        (f"service layer + real outcome every {outcome_every}th", tn.get("mixed_32")),
    ]
    for h in (tn.get("http") or {}).values():
        extra.append((f"HTTP API ({h.get('server_workers')} gunicorn workers)", h))
    for label, row in extra:
        if not row:
            continue
        base = b32 if row["workers"] == 32 else tn.get("baseline", {}).get(str(row["workers"]), {})
        versus = _f(ratio(row.get("per_s"), base.get("per_s")), 2)
        lines.append(
            f"| {label} | {row['workers']} | {_f(row.get('per_s'))} | {_f(row.get('p50_ms'), 2)} "
            f"| {_f(row.get('p99_ms'), 2)} | {_f(row.get('cpu_ms_per_take'), 2)} | | | "
            f"| {versus} |"
        )
    soak = results.get("soak") or {}
    lines += [
        "",
        "| metric | value | target | met |",
        "|---|---|---|---|",
    ]
    for key, v in results.get("targets", {}).items():
        lines.append(_target_row(key, v))
    verdict = results.get("verdict") or {}
    if verdict:
        lines.append(
            f"| **issue 18 targets met** | {verdict['met']} of {verdict['of']} | "
            f">= {verdict['required']} | {'yes' if verdict['passed'] else '**no**'} |"
        )
    for key, v in results.get("earlier_targets", {}).items():
        lines.append(_target_row(f"{key} (issue 12)", v))
    c = results.get("counts", {})
    i = results.get("intake", {})
    ls = results.get("list", {})
    lines += [
        f"| counts p50 ms (service / HTTP) | {_f(c.get('p50_ms'), 2)} / "
        f"{_f(c.get('http_p50_ms'), 2)} | | |",
        f"| counts p99 ms HTTP | {_f(c.get('http_p99_ms'), 2)} | | |",
        f"| soak: first / last {soak.get('window_s', '–')} s takes/s | "
        f"{_f(soak.get('first_per_s'))} / {_f(soak.get('last_per_s'))} | | |",
        f"| soak of the raw-SQL baseline: first / last takes/s, last/first | "
        f"{_f((soak.get('baseline') or {}).get('first_per_s'))} / "
        f"{_f((soak.get('baseline') or {}).get('last_per_s'))}, "
        f"{_f((soak.get('baseline') or {}).get('last_vs_first'), 2)} | | |",
        f"| intake 1 process: orders/s, p99 ms | {_f(i.get('orders_per_s_1proc'))}, "
        f"{_f(i.get('p99_ms_1proc'), 1)} | | |",
        f"| intake 4 processes: orders/s, p99 ms | {_f(i.get('orders_per_s_4proc'))}, "
        f"{_f(i.get('p99_ms_4proc'), 1)} | | |",
        f"| list page depth {ls.get('depth', '–')}: p50 / p99 ms (API) | "
        f"{_f((ls.get('api_page_depth') or {}).get('p50_ms'), 1)} / {_f(ls.get('p99_ms'), 1)} "
        "| | |",
        f"| phone search p50 / p99 ms (API) | "
        f"{_f((ls.get('api_phone_search') or {}).get('p50_ms'), 1)} / "
        f"{_f(ls.get('search_p99_ms'), 1)} | | |",
        f"| name search (q) p50 / p99 ms (API) | "
        f"{_f((ls.get('api_q_name') or {}).get('p50_ms'), 1)} / "
        f"{_f((ls.get('api_q_name') or {}).get('p99_ms'), 1)} | | |",
    ]
    lines += _lean_tables(results)
    g = results.get("growth", {}).get("sizes", {})
    if g:
        lines += [
            "",
            "| growth: orders | take p50 ms @1 | take /s @32 | take p99 ms @32 "
            "| counts p50 ms | counts p99 ms | take EXPLAIN ms |",
            "|---|---|---|---|---|---|---|",
        ]
        for size, row in g.items():
            lines.append(
                f"| {int(size):,} | {_f(row['take_1'].get('p50_ms'), 2)} "
                f"| {_f(row['take_32'].get('per_s'))} | {_f(row['take_32'].get('p99_ms'), 2)} "
                f"| {_f(row['counts'].get('p50_ms'), 2)} | {_f(row['counts'].get('p99_ms'), 2)} "
                f"| {_f(row.get('take_explain_ms'), 3)} |"
            )
    return "\n".join(lines)
