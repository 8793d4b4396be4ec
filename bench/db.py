"""Raw PostgreSQL access for the harness: database creation, plain connections, facts."""

from __future__ import annotations

import os
import platform
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from bench.config import FORBIDDEN_DATABASES, Config

PG_SETTINGS = (
    "server_version",
    "shared_buffers",
    "work_mem",
    "maintenance_work_mem",
    "effective_cache_size",
    "max_connections",
    "synchronous_commit",
    "autovacuum",
    "autovacuum_naptime",
    "random_page_cost",
    "jit",
)


def conninfo(url: str, dbname: str | None = None) -> str:
    parts = urlsplit(url)
    if dbname is not None:
        parts = parts._replace(path="/" + dbname)
    scheme = "postgresql" if parts.scheme in {"postgres", "postgresql", "pgsql"} else parts.scheme
    return urlunsplit(parts._replace(scheme=scheme))


def check_target(cfg: Config) -> None:
    parts = urlsplit(cfg.database_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit("The benchmark needs PostgreSQL (DATABASE_URL=postgres://…).")
    if not cfg.db_name or cfg.db_name in FORBIDDEN_DATABASES:
        raise SystemExit(
            f"Refusing to benchmark in database {cfg.db_name!r}: give the bench its own "
            "database (BENCH_DATABASE_URL, or DATABASE_URL whose name gets `_bench` appended)."
        )


def ensure_database(cfg: Config) -> bool:
    """Create the benchmark database when missing; True when it was created."""
    check_target(cfg)
    with psycopg.connect(conninfo(cfg.database_url, "postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (cfg.db_name,)
        ).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg.db_name)))
        return True


def connect(cfg: Config, *, autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(conninfo(cfg.database_url), autocommit=autocommit)


def vacuum(cfg: Config, *tables: str, analyze: bool = False, full: bool = False) -> None:
    options = [name for name, on in (("FULL", full), ("ANALYZE", analyze)) if on]
    with connect(cfg) as conn:
        for table in tables:
            conn.execute(
                sql.SQL("VACUUM {}{}").format(
                    sql.SQL(f"({', '.join(options)}) ") if options else sql.SQL(""),
                    sql.Identifier(table),
                )
            )


def machine_facts(cfg: Config) -> dict:
    mem_kib = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem_kib = int(line.split()[1])
    except OSError:
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), ""
            )
    except OSError:
        pass
    with connect(cfg) as conn:
        pg = dict(
            conn.execute(
                "SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE name = ANY(%s)",
                (list(PG_SETTINGS),),
            ).fetchall()
        )
    import django

    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg,
        "database": cfg.db_name,
    }
