"""`BENCH_PROFILE=1 python -m bench`: where a hot request's time goes, as flame graphs.

In-process, through Django's WSGI handler (what gunicorn calls, without the socket), on the
bench database: the floor (`whoami`), take next, the order card, single intake, saving an
outcome, `BENCH_PROFILE_N` requests each (200) after a few warm-up ones, and batch
intake (100 orders a request, `BENCH_PROFILE_N` / 20 requests), sampled by pyinstrument
(wall time: the waits on PostgreSQL show as psycopg). Only the requests are profiled; the
untimed steps around them (giving an order back, claiming one for the outcome) are not.

Writes `bench/results/profile-<path>.html` (the interactive flame graph),
`profile-<path>.txt` (the call tree, with the summary on top) and `profile-summary.json`,
and prints the summary: per path, the share of time by kind of work (SQL round trips,
ORM compiling, model instances, validation and rendering, Django's request machinery,
dozvon's own code), dozvon's functions by inclusive time and the top functions by self
time. pyinstrument is a dev dependency; without it the mode says so and stops.
"""

from __future__ import annotations

import io
import json
import sys
import sysconfig
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from bench import db
from bench.config import RESULTS_DIR, Config

PATHS = ("floor", "take_next", "card", "intake", "outcome", "batch_intake")
BATCH = 100  # orders in a profiled batch intake request (BENCH_PROFILE_N / 20 requests)
WARMUP = 5
INTERVAL_S = 0.0005
SEP = "\x00"  # pyinstrument's frame identifier: function, file, line
ROOT = str(Path(__file__).resolve().parent.parent) + "/"

# Kinds of work, judged from the innermost frame that is not the standard library.
KINDS = (
    ("/psycopg", "SQL round trips (psycopg, PostgreSQL)"),
    ("/django/db/models/sql/", "ORM: building and compiling SQL"),
    ("/django/db/", "ORM: querysets, model instances, connection"),
    ("/pydantic", "pydantic: validating and dumping"),
    ("/ninja/", "django-ninja: routing, parsing, rendering"),
    ("/django/template", "Django templates"),
    ("/django/", "Django: request, middleware, i18n, utilities"),
    ("/dozvon/", "dozvon's own code"),
)
JSON_KIND = "JSON encode/decode"
STDLIB_KIND = "Python standard library"
OTHER_KIND = "other libraries"


def _stdlib_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    return tuple({paths["stdlib"], paths["platstdlib"]})


def _path(identifier: str) -> str:
    parts = identifier.split(SEP)
    return parts[1] if len(parts) > 1 else ""


def _func(identifier: str) -> str:
    parts = identifier.split(SEP)
    name = parts[0].split("\x01")[0]
    path = parts[1] if len(parts) > 1 else ""
    for marker in ("/site-packages/", ROOT, "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{name}" if path else name


def _is_stdlib(path: str, stdlib: Sequence[str]) -> bool:
    return (
        not path
        or path.startswith("<")
        or (any(path.startswith(d) for d in stdlib) and "site-packages" not in path)
    )


def kind_of(stack: Sequence[str], stdlib: Sequence[str] = ()) -> str:
    """The kind of work a sample's stack (outermost frame first) was doing."""
    stdlib = stdlib or _stdlib_dirs()
    paths = [_path(f) for f in stack]
    if paths and _is_stdlib(paths[-1], stdlib) and "/json/" in paths[-1]:
        return JSON_KIND
    for path in reversed(paths):
        if _is_stdlib(path, stdlib):
            continue
        for marker, kind in KINDS:
            if marker in path:
                return kind
        return OTHER_KIND
    return STDLIB_KIND


def costs(
    records: Iterable[tuple[Sequence[str], float]],
    *,
    requests: int,
    top: int = 5,
    stdlib: Sequence[str] = (),
) -> dict[str, Any]:
    """From sampled stacks: milliseconds per request, the shares by kind of work, dozvon's
    functions by inclusive time and all functions by self time (the top `top` of each)."""
    stdlib = stdlib or _stdlib_dirs()
    total = 0.0
    kinds: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for stack, seconds in records:
        if not stack:
            continue
        total += seconds
        kinds[kind_of(stack, stdlib)] += seconds
        own[_func(stack[-1])] += seconds
        for name in {_func(f) for f in stack if "/dozvon/" in _path(f)}:
            inclusive[name] += seconds

    def shares(counter: Counter[str], n: int) -> list[dict]:
        return [
            {
                "what": name,
                "share": round(t / total, 3) if total else 0.0,
                "ms_per_request": round(t * 1000 / requests, 2) if requests else None,
            }
            for name, t in counter.most_common(n)
        ]

    return {
        "requests": requests,
        "ms_per_request": round(total * 1000 / requests, 2) if requests else None,
        "by_kind": shares(kinds, len(kinds)),
        # the request's roots (middleware, the view wrapper) hold ~all of it: left out
        "dozvon_inclusive": [r for r in shares(inclusive, top + 6) if r["share"] < 0.95][:top],
        "self_time": shares(own, top),
    }


def summary_text(name: str, c: dict[str, Any]) -> str:
    lines = [
        f"== {name}: {c['requests']} requests, {c['ms_per_request']} ms each (sampled wall "
        f"time), {c.get('cpu_ms_per_request', '–')} ms of CPU each"
    ]
    for title, key in (
        ("by kind of work", "by_kind"),
        ("dozvon functions, inclusive", "dozvon_inclusive"),
        ("functions by self time", "self_time"),
    ):
        lines.append(f"  {title}:")
        for row in c[key]:
            lines.append(
                f"    {row['share'] * 100:5.1f} %  {row['ms_per_request']:7.2f} ms  {row['what']}"
            )
    return "\n".join(lines)


class Wsgi:
    """Requests straight into Django's WSGI handler, as gunicorn makes them."""

    def __init__(self) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.app = WSGIHandler()

    def __call__(self, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
        payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "HTTP_ACCEPT": "application/json",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(payload)),
            "wsgi.input": io.BytesIO(payload),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        got: list[int] = []

        def start_response(status, headers, exc_info=None):
            got.append(int(status.split()[0]))

        result = self.app(environ, start_response)
        try:
            raw = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return got[0], (json.loads(raw) if raw else None)


def _profile(
    name: str,
    n: int,
    request: Callable[[], tuple[int, Any]],
    *,
    before: Callable[[], None] | None = None,
    after: Callable[[tuple[int, Any]], None] | None = None,
    ok: tuple[int, ...] = (200,),
) -> dict[str, Any]:
    from pyinstrument import Profiler

    profiler = Profiler(interval=INTERVAL_S)
    statuses: Counter[int] = Counter()
    t0 = time.perf_counter()
    warmup = 1 if n < WARMUP * 4 else WARMUP
    for i in range(warmup + n):
        if before is not None:
            before()
        timed = i >= warmup
        if timed:
            profiler.start()
        response = request()
        if timed:
            profiler.stop()
            statuses[response[0]] += 1
        if after is not None:
            after(response)
    wall = time.perf_counter() - t0
    session = profiler.last_session
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"profile-{name}.html").write_text(profiler.output_html(), encoding="utf-8")
    c = costs(session.frame_records, requests=n)
    # wall time is sampled (a busy machine's waits show as psycopg's); CPU time is not
    c["cpu_ms_per_request"] = round(session.cpu_time * 1000 / n, 2)
    c["statuses"] = {str(k): v for k, v in statuses.items()}
    c["bad_statuses"] = sum(v for k, v in statuses.items() if k not in ok)
    c["wall_s"] = round(wall, 1)
    tree = profiler.output_text(unicode=True, color=False)
    (RESULTS_DIR / f"profile-{name}.txt").write_text(
        summary_text(name, c) + "\n\n" + tree, encoding="utf-8"
    )
    return c


def run(cfg: Config, *, slug: str, project_id: int, operator_id: int, tokens: dict, log) -> int:
    """Profile the four request paths; 0, or 2 when pyinstrument is not installed."""
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        log(
            "BENCH_PROFILE=1 needs pyinstrument (a dev dependency: pip install pyinstrument); "
            "skipped"
        )
        return 2
    from bench.intake import Payloads, _existing_phones, archive_intake
    from bench.lean import card_ids
    from bench.takenext import BASELINE_SQL, FREE_SQL, REFILL_SQL, RESET_SQL

    wsgi = Wsgi()
    n = cfg.profile_n
    op, partner = tokens["operator"], tokens["intake"]
    raw = db.connect(cfg)
    raw.execute(RESET_SQL, ([project_id],))
    cards = card_ids(cfg, project_id, 500)
    seq = iter(range(10**9))
    payloads = Payloads(
        31337, _existing_phones(cfg, project_id, 2000), f"profile-{time.time():.0f}"
    )
    held: list[int] = []

    def give_back(response) -> None:
        if response[0] == 200:
            raw.execute(FREE_SQL, (response[1]["id"],))

    def claim() -> None:
        order_id = raw.execute(BASELINE_SQL, (operator_id, project_id)).fetchone()[0]
        held.append(order_id)
        status, _ = wsgi("POST", f"/api/v1/orders/{order_id}/calls", op, {"result": "no_answer"})
        if status != 201:
            raise RuntimeError(f"call attempt: HTTP {status}")

    def refill(_response) -> None:
        raw.execute(REFILL_SQL, (held.pop(),))

    outcome_body = {"code": "no_answer", "problem": "no_answer", "comment": "Не берёт трубку"}
    plans = {
        "floor": dict(request=lambda: wsgi("GET", "/api/v1/whoami", op)),
        "take_next": dict(
            request=lambda: wsgi("POST", f"/api/v1/projects/{slug}/queues/new/next", op),
            after=give_back,
            ok=(200, 204),
        ),
        "card": dict(
            request=lambda: wsgi("GET", f"/api/v1/orders/{cards[next(seq) % len(cards)]}", op)
        ),
        "intake": dict(
            request=lambda: wsgi(
                "POST", f"/api/v1/projects/{slug}/orders", partner, payloads.next()
            ),
            ok=(200, 201),
        ),
        "outcome": dict(
            request=lambda: wsgi("POST", f"/api/v1/orders/{held[-1]}/outcome", op, outcome_body),
            before=claim,
            after=refill,
        ),
        "batch_intake": dict(
            request=lambda: wsgi(
                "POST",
                f"/api/v1/projects/{slug}/orders/batch",
                partner,
                [payloads.next() for _ in range(BATCH)],
            ),
        ),
    }
    sizes = {"batch_intake": max(1, n // 20)}
    out: dict[str, Any] = {"interval_s": INTERVAL_S, "orders": cfg.orders, "paths": {}}
    try:
        for name in PATHS:
            count = sizes.get(name, n)
            log(f"  profile {name} × {count}")
            out["paths"][name] = _profile(name, count, **plans[name])
    finally:
        while held:
            raw.execute(REFILL_SQL, (held.pop(),))
        raw.execute(RESET_SQL, ([project_id],))
        raw.close()
        moved = archive_intake(cfg, slug)
        log(f"  moved {moved} profiled intake orders to the archive project")
    path = RESULTS_DIR / "profile-summary.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("\n\n".join(summary_text(k, v) for k, v in out["paths"].items()))
    log(f"wrote {path} and profile-<path>.html|txt")
    bad = {k: v["bad_statuses"] for k, v in out["paths"].items() if v["bad_statuses"]}
    if bad:
        log(f"requests with an unexpected status: {bad}")
        return 1
    return 0
