"""bench/results/latest.json and the markdown table on stdout."""

from __future__ import annotations

import json
from typing import Any

from bench.config import RESULTS_DIR

TARGETS = {
    "take_next.ratio_32": (">=", 0.5),
    "take_next.p99_ms_32": ("<=", 25.0),
    "counts.p99_ms": ("<=", 20.0),
    "intake.orders_per_s_1proc": (">=", 500.0),
    "soak.last_vs_first": (">=", 0.7),
}


def _get(results: dict, dotted: str) -> Any:
    section, key = dotted.split(".", 1)
    return (results.get(section) or {}).get(key)


def verdicts(results: dict) -> dict[str, dict]:
    out = {}
    for key, (op, target) in TARGETS.items():
        value = _get(results, key)
        ok = None
        if isinstance(value, (int, float)):
            ok = value >= target if op == ">=" else value <= target
        out[key] = {"value": value, "target": f"{op} {target:g}", "met": ok}
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
        ratio = _f(round(row["per_s"] / b32["per_s"], 3), 2) if b32.get("per_s") else "–"
        if row["workers"] != 32:
            b = tn.get("baseline", {}).get(str(row["workers"]), {})
            ratio = _f(round(row["per_s"] / b["per_s"], 3), 2) if b.get("per_s") else "–"
        lines.append(
            f"| {label} | {row['workers']} | {_f(row.get('per_s'))} | {_f(row.get('p50_ms'), 2)} "
            f"| {_f(row.get('p99_ms'), 2)} | {_f(row.get('cpu_ms_per_take'), 2)} | | | "
            f"| {ratio} |"
        )
    soak = results.get("soak") or {}
    lines += [
        "",
        "| metric | value | target | met |",
        "|---|---|---|---|",
    ]
    for key, v in results.get("targets", {}).items():
        met = {True: "yes", False: "**no**", None: "–"}[v["met"]]
        lines.append(f"| {key} | {_f(v['value'], 2)} | {v['target']} | {met} |")
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
