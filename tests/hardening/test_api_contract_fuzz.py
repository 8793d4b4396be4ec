"""Issue 10: a schemathesis run over the whole API against the real server (gunicorn) on
a demo database of the same kind as the suite's (SQLite, or PostgreSQL when DATABASE_URL
names one): 0 server errors, 0 responses that differ from the published OpenAPI schema
(status codes, bodies, content types, headers). Bounded by a fixed seed and example count.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from tests.hardening.servers import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
    ]
)


def _database_url(tmp: Path) -> tuple[str, str | None]:
    """A database of its own: a file under tmp, or a fresh PostgreSQL database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp / 'fuzz.sqlite3'}", None
    cfg = dj_database_url.parse(url)
    name = f"{cfg['NAME']}_fuzz_{os.getpid()}"
    admin = f"postgresql://{cfg['USER']}@{cfg['HOST']}:{cfg['PORT']}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://{cfg['USER']}@{cfg['HOST']}:{cfg['PORT']}/{name}", admin


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    url, admin = _database_url(tmp)
    env = {**os.environ, "DATABASE_URL": url, "DOZVON_DEV": "true", "DOZVON_VAR_DIR": str(tmp)}
    env.pop("PYTEST_VERSION", None)
    subprocess.run(
        [str(BIN / "dozvon"), "demo", "--no-serve"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    tokens = {
        user: subprocess.run(
            [str(BIN / "dozvon"), "token", "create", user],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        for user in ("supervisor", "op1")
    }
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "dozvon.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp / "server.log").open("w"),
    )
    try:
        wait_for(port)
        yield f"http://127.0.0.1:{port}", tokens, tmp / "server.log"
    finally:
        server.terminate()
        server.wait(timeout=15)
        if admin:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.mark.parametrize("user", ["supervisor", "op1"])
def test_whole_api_fuzzed_gives_no_server_error_and_matches_its_schema(demo_server, user):
    base, tokens, log = demo_server
    run = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            f"{base}/api/v1/openapi.json",
            "-H",
            f"Authorization: Bearer {tokens[user]}",
            "--checks",
            CHECKS,
            "--max-examples",
            "30",
            "--seed",
            "20261125",
            "--workers",
            "1",
            "--no-color",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # long generated URLs would drown the report: keep each line short
    report = "\n".join(line[:300] for line in run.stdout.splitlines()[-120:])
    assert run.returncode == 0, f"{report}\n--- server log ---\n{log.read_text()[-4000:]}"
    assert "passed" in report and "generated" in report
