"""Reads an operator screen makes all day: tab counts, deep list pages, searches."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from bench.http import Client
from bench.load import summary


def _loop(fn: Callable[[int], Any], *, max_n: int, max_s: float, warmup: int = 3) -> list[float]:
    """Run fn up to max_n times or max_s seconds (after `warmup` untimed calls)."""
    for i in range(warmup):
        fn(-1 - i)
    out: list[float] = []
    deadline = time.perf_counter() + max_s
    for i in range(max_n):
        if time.perf_counter() >= deadline:
            break
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _project(slug: str):
    from dozvon.projects.models import Project

    return Project.objects.select_related("playbook").get(slug=slug)


def counts_service(slug: str, *, max_n: int, max_s: float) -> dict[str, Any]:
    """`queue_counts` (all seven tabs) as the counts endpoint calls it, plus each tab alone."""
    from dozvon.core import clock
    from dozvon.orders.models import Order
    from dozvon.playbooks.selectors import playbook_def
    from dozvon.queues.selectors import queue_counts, queue_filter

    project = _project(slug)
    last: dict[str, int] = {}

    def run(_i: int) -> None:
        for q, n in queue_counts(project=project, now=clock.now()):
            last[q.code] = n

    out = summary(_loop(run, max_n=max_n, max_s=max_s))
    per_tab = {}
    base = Order.objects.filter(project=project)
    for q in playbook_def(project.playbook).queues:
        qs = base.filter(queue_filter(q, now=clock.now(), tz=project.time_zone))
        ms = _loop(lambda _i, qs=qs: qs.count(), max_n=max(10, max_n // 5), max_s=max_s / 7)
        per_tab[q.code] = {"count": last.get(q.code), **summary(ms)}
    out["per_tab"] = per_tab
    return out


def counts_http(port: int, token: str, slug: str, *, max_n: int, max_s: float) -> dict[str, Any]:
    client = Client(port, token)
    bad = []

    def run(_i: int) -> None:
        status, _ = client.call("GET", f"/api/v1/projects/{slug}/queues")
        if status != 200:
            bad.append(status)

    out = summary(_loop(run, max_n=max_n, max_s=max_s))
    client.close()
    out["errors"] = len(bad)
    return out


def _phones(slug: str, n: int, seed: int) -> list[str]:
    from dozvon.customers.models import CustomerPhone

    rng = random.Random(seed)
    project = _project(slug)
    top = CustomerPhone.objects.filter(project=project).order_by("-id").values_list("id")[:1]
    hi = top[0][0] if top else 0
    ids = [rng.randint(1, hi) for _ in range(n * 3)]
    phones = list(
        CustomerPhone.objects.filter(project=project, id__in=ids).values_list("phone", flat=True)
    )
    return phones[:n] or ["+79000000000"]


def _as_typed(e164: str, i: int) -> str:
    """A phone the way an operator types it: 8 (9xx) xxx-xx-xx, +7 9xx…, 9xxxxxxxxx."""
    d = e164[2:]
    return (
        f"8 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}",
        f"+7 {d[:3]} {d[3:6]} {d[6:]}",
        d,
    )[i % 3]


def lists(
    port: int, token: str, slug: str, *, orders: int, max_n: int, max_s: float
) -> dict[str, Any]:
    """List page depth 10,000 (page 500 × 20), first page, phone search, name search."""
    from dozvon.orders.selectors import order_list, page_of

    project = _project(slug)
    client = Client(port, token)
    phones = _phones(slug, 200, seed=5)
    depth_page = min(500, max(1, orders // 20))
    out: dict[str, Any] = {"page": depth_page, "page_size": 20, "depth": (depth_page - 1) * 20}
    errors: list[int] = []

    def get(query: dict) -> Callable[[int], None]:
        def run(i: int) -> None:
            q = {k: (v(i) if callable(v) else v) for k, v in query.items()}
            status, _ = client.call("GET", f"/api/v1/projects/{slug}/orders?{urlencode(q)}")
            if status != 200:
                errors.append(status)

        return run

    cases = {
        "api_page_depth": {"page": depth_page, "page_size": 20},
        "api_page_1": {"page": 1, "page_size": 20},
        "api_phone_search": {"phone": lambda i: _as_typed(phones[i % len(phones)], i)},
        "api_q_phone_digits": {"q": lambda i: phones[i % len(phones)][2:]},
        "api_q_name": {"q": lambda i: ("Иванов", "Петрова", "Соколов Илья", "Орлов")[i % 4]},
    }
    for name, query in cases.items():
        out[name] = summary(_loop(get(query), max_n=max_n, max_s=max_s / len(cases) + 1))

    def service_page(_i: int) -> None:  # as the API reads it: count, then the page
        qs = order_list(project=project)
        qs.count()
        page_of(qs, (depth_page - 1) * 20, 20)

    out["service_page_depth"] = summary(_loop(service_page, max_n=max_n, max_s=max_s / 5))
    client.close()
    out["errors"] = len(errors)
    out["p99_ms"] = out["api_page_depth"]["p99_ms"]
    out["search_p99_ms"] = out["api_phone_search"]["p99_ms"]
    return out
