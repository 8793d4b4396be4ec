"""README's production install, exactly as pasted, in a fresh clone (issue 24 item 7).

No `make`, no gettext, no dev tools: a new venv, the pinned runtime from
requirements/prod.txt, dozvon itself with --no-deps, `dozvon setup`, `dozvon serve`,
`dozvon worker` and `dozvon check --deploy`, with a deployment's settings in the
environment. The login page it serves must be Russian: the compiled translations ship in
the repository, not only from `make messages`.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import subprocess

import pytest

from tests.test_readme import (
    README,
    REPO,
    SERVER,
    Background,
    clean_environment,
    free_port,
    sh_blocks,
    stays_up,
    wait_until_serving,
    without_comment,
)

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"),
        reason="runs on SQLite only: one production install per CI run is enough",
    ),
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
]


def install_block():
    blocks = [b for b in sh_blocks(README.read_text(encoding="utf-8")) if b.install]
    assert len(blocks) == 1, "README.md has one production install block"
    return blocks[0]


def get(port: int, path: str) -> tuple[int, str, dict[str, str]]:
    """A request as the TLS proxy forwards it (BEHIND_TLS_PROXY: no redirect to https)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return response.status, response.read().decode(), dict(response.getheaders())
    finally:
        connection.close()


def test_readme_install_block_installs_without_make_and_dev_tools():
    commands = [without_comment(c) for c in install_block().commands]
    assert commands[0] == "python3 -m venv .venv"
    assert ".venv/bin/pip install -r requirements/prod.txt" in commands
    assert not any(c.startswith("make") for c in commands)
    assert any("dozvon serve" in c for c in commands)


def test_production_install_as_readme_says_serves_a_russian_login_page(tmp_path):
    # given a fresh clone of the committed tree (no var/, no .venv, no compiled by make)
    clone = tmp_path / "dozvon"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    assert not (clone / ".venv").exists()
    port = free_port()
    env = {
        **clean_environment(),
        "SECRET_KEY": "install-test-" + secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "true",
        "TRUSTED_PROXY_COUNT": "1",
    }
    servers = Background(tmp_path)
    try:
        # when README's production block runs there line by line
        for pasted in install_block().commands:
            command = re.sub(r"0\.0\.0\.0:8000\b", f"127.0.0.1:{port}", without_comment(pasted))
            what = f"README.md production install: {command}"
            if SERVER.search(command):
                proc, log = servers.start(command, clone, env)
                if "serve" in command:
                    wait_until_serving(proc, log, port, what)
                else:
                    stays_up(proc, log, what)
                continue
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", command],
                cwd=clone,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=900,
            )
            assert done.returncode == 0, f"{what}: exit {done.returncode}\n{done.stderr}"

        # then the login page speaks Russian (no Accept-Language: the default language)
        status, body, _ = get(port, "/login/")
        assert status == 200, body[:500]
        assert 'lang="ru"' in body
        assert "Войти" in body and "Sign in" not in body
        assert "Пароль" in body
    finally:
        servers.stop()
