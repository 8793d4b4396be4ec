"""Server time of the operator's two hottest screens at the demo data size (workspace
issue: order card and queue bar under 50 ms). Runs on its own SQLite demo database:

    .venv/bin/python -m bench.ui_timing        (also part of `make bench`)

Writes bench/results/ui.json and prints a markdown table. Measured, never asserted.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

ROUNDS = int(os.environ.get("BENCH_UI_ROUNDS", "200"))
RESULTS = Path(__file__).resolve().parent / "results"


def _setup() -> None:
    var = Path(tempfile.mkdtemp(prefix="dozvon-ui-bench-"))
    (var / "static").mkdir()
    os.environ["DOZVON_VAR_DIR"] = str(var)
    os.environ.pop("DATABASE_URL", None)  # the embedded demo database
    os.environ.setdefault("DOZVON_DEV", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "dozvon.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from dozvon.core import clock
    from dozvon.core.demo import build_demo

    call_command("setup", verbosity=0)
    build_demo(now=clock.now())


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure() -> dict[str, dict[str, float]]:
    _setup()
    from django.test import Client

    from dozvon.accounts.models import User
    from dozvon.orders.models import Order

    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(User.objects.get(username="op1"))
    order = Order.objects.filter(project__slug="cod-demo").order_by("-calls_total").first()
    screens = {
        "order_card": f"/orders/{order.pk}/",
        "queue_bar": "/p/cod-demo/queues",
        "workspace": "/p/cod-demo/",
    }
    results = {}
    for name, path in screens.items():
        assert client.get(path).status_code == 200, path  # warm up
        samples = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        results[name] = {
            "p50_ms": round(statistics.median(samples), 2),
            "p99_ms": round(_percentile(samples, 0.99), 2),
            "rounds": ROUNDS,
        }
    return results


def main() -> None:
    results = measure()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ui.json").write_text(json.dumps(results, indent=2), "utf-8")
    print("| screen (demo data, SQLite) | p50 ms | p99 ms | target |")
    print("|---|---|---|---|")
    for name, row in results.items():
        print(f"| {name} | {row['p50_ms']} | {row['p99_ms']} | < 50 |")


if __name__ == "__main__":
    main()
