"""Benchmark settings, all from the environment (see bench/README.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"  # the local test server (CI's)
BENCH_SUFFIX = "_bench"
# Databases the bench must never touch (the test suite's, the server's own).
FORBIDDEN_DATABASES = frozenset({"test", "test_test", "postgres", "template0", "template1"})
GROWTH_SIZES = (10_000, 100_000, 1_000_000)
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").replace("_", "").strip()
    return int(value) if value else default


def _float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Config:
    database_url: str
    orders: int
    phase_s: float
    warmup_s: float
    soak_s: float
    growth_s: float
    reads_s: float
    reads_max: int
    intake_s: float
    intake_max: int
    max_ops: int
    outcome_every: int
    regenerate: bool
    http_workers: int
    lean_s: float = 10.0
    lean_rounds: int = 2
    batch_clients: int = 4
    profile: bool = False
    profile_n: int = 200
    concurrency: tuple[int, ...] = (1, 8, 32)
    growth_sizes: tuple[int, ...] = field(default=())

    @property
    def db_name(self) -> str:
        return urlsplit(self.database_url).path.lstrip("/")

    @property
    def main_slug(self) -> str:
        return f"bench-{self.orders}"


def database_url() -> str:
    """BENCH_DATABASE_URL as given; otherwise the server and credentials of DATABASE_URL
    (default: the local test database) with a database of its own, `<name>_bench`, so the
    bench never truncates the data of the database it was pointed at."""
    explicit = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if explicit:
        return explicit
    parts = urlsplit(os.environ.get("DATABASE_URL", "").strip() or DEFAULT_URL)
    name = parts.path.lstrip("/") or "dozvon"
    if not name.endswith(BENCH_SUFFIX):
        name += BENCH_SUFFIX
    return urlunsplit(parts._replace(path="/" + name))


def load() -> Config:
    orders = _int("BENCH_ORDERS", 1_000_000)
    if not 1_000 <= orders <= 20_000_000:
        raise SystemExit("BENCH_ORDERS must be between 1,000 and 20,000,000")
    big = orders >= 1_000_000
    sizes = tuple(s for s in GROWTH_SIZES if s < orders) + (orders,)
    return Config(
        database_url=database_url(),
        orders=orders,
        phase_s=_float("BENCH_PHASE_S", 10.0),
        warmup_s=_float("BENCH_WARMUP_S", 1.0),
        soak_s=_float("BENCH_SOAK_S", 120.0 if big else 60.0),
        growth_s=_float("BENCH_GROWTH_S", 5.0),
        reads_s=_float("BENCH_READS_S", 15.0),
        reads_max=_int("BENCH_READS_MAX", 300),
        intake_s=_float("BENCH_INTAKE_S", 15.0),
        intake_max=_int("BENCH_INTAKE_MAX", 20_000),
        max_ops=_int("BENCH_MAX_OPS", 500_000),
        outcome_every=max(_int("BENCH_OUTCOME_EVERY", 5), 1),
        regenerate=_bool("BENCH_REGENERATE", False),
        http_workers=_int("BENCH_HTTP_WORKERS", 5),
        lean_s=_float("BENCH_LEAN_S", 10.0),
        lean_rounds=max(_int("BENCH_LEAN_ROUNDS", 2), 1),
        batch_clients=max(_int("BENCH_BATCH_CLIENTS", 4), 1),
        profile=_bool("BENCH_PROFILE", False),
        profile_n=max(_int("BENCH_PROFILE_N", 200), 1),
        growth_sizes=sizes,
    )
