"""Every command README.md shows in a ```sh block works as pasted, so the README cannot rot.

The blocks run in document order in a copy of this checkout (the files git lists, no
`var/`: a fresh clone after `make`), with an environment stripped of every variable the
settings read: the commands must find their settings themselves. The copy's `.venv` is an
empty virtualenv that sees this checkout's installed packages (and imports dozvon from
the copy), with its install stamp fresh, so `make demo` there skips the installation.

How a line runs:
- servers (`make demo`, `dozvon demo|serve|worker`, without --no-serve) start in the
  background and stay up until the end; the next line runs once the port answers (the
  worker: once it has stayed up for a few seconds). README's ports (8000, 8001) become free
  ports, the same in every line of the demo (production's apart); a bare `make demo` gets `PORT=`.
- `make test` is skipped: it is what runs this test.
- every other line runs in bash with `-euo pipefail`, consecutive lines in one shell
  (TOKEN=… then curl), and must succeed; a curl of the queues must print the queues JSON.
A block preceded by `<!-- tests/test_readme.py: production … -->` runs as a deployment
would: SECRET_KEY, a SQLite DATABASE_URL under the temporary directory, ALLOWED_HOSTS.
The production install block (`<!-- tests/test_production_install.py …`) is left to that
test, which runs it in a fresh clone with a venv of its own.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
PRODUCTION_MARK = "<!-- tests/test_readme.py: production"
INSTALL_MARK = "<!-- tests/test_production_install.py"
SKIPPED = {"make test": "the suite this test is part of"}
SERVER = re.compile(r"\bmake demo\b|\bdozvon (demo|serve|worker)\b")
PORT_IN_TEXT = re.compile(r"(?<=[:=])(80\d\d)\b")


@dataclass
class Block:
    line: int  # README line of the opening fence
    commands: list[str]
    production: bool
    install: bool = False  # the production install, run by tests/test_production_install.py


def sh_blocks(markdown: str) -> list[Block]:
    blocks: list[Block] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```sh":
            start = i
            body: list[str] = []
            i += 1
            while lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            before = next((x for x in reversed(lines[:start]) if x.strip()), "")
            blocks.append(
                Block(
                    start + 1,
                    join_continuations(body),
                    PRODUCTION_MARK in before or INSTALL_MARK in before,
                    INSTALL_MARK in before,
                )
            )
        i += 1
    return blocks


def join_continuations(body: list[str]) -> list[str]:
    commands: list[str] = []
    pending = ""
    for raw in body:
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        command = (pending + raw).strip()
        pending = ""
        if command and not command.startswith("#"):
            commands.append(command)
    return commands


def without_comment(command: str) -> str:
    return re.sub(r"\s+#.*$", "", command).strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_variables() -> set[str]:
    text = (REPO / "dozvon" / "settings.py").read_text(encoding="utf-8")
    names = re.findall(r"""(?:env_\w+|environ\.get)\(\s*["']([A-Z0-9_]+)["']""", text)
    return set(names)


def clean_environment() -> dict[str, str]:
    drop = settings_variables() | {"PYTHONPATH", "VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS"}
    prefixes = ("DOZVON_", "DJANGO_", "PYTEST_", "MAKE")
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(prefixes)}


def copy_checkout(dest: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file() and not name.startswith(("var/", ".venv/")):
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def overlay_venv(checkout: Path) -> None:
    """checkout/.venv: a venv with no packages of its own that sees this test's venv (a
    .pth file) and imports dozvon from `checkout` (an earlier .pth line), with its own
    copies of the console scripts and a fresh `make` stamp."""
    venv = checkout / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    site = Path(sysconfig.get_path("purelib", vars={"base": venv, "platbase": venv}))
    shared = sysconfig.get_path("purelib")
    (site / "00_dozvon_checkout.pth").write_text(f"{checkout}\n")
    (site / "01_shared_venv.pth").write_text(f"import site; site.addsitedir({shared!r})\n")
    shebang = f"#!{sys.prefix}/bin/python"
    for script in Path(sys.prefix, "bin").iterdir():
        target = venv / "bin" / script.name
        if target.exists() or not script.is_file():
            continue
        with script.open("rb") as f:
            if f.read(len(shebang)).decode(errors="replace") != shebang:
                continue
        rest = script.read_text().split("\n", 1)[1]
        target.write_text(f"#!{venv}/bin/python\n{rest}")
        target.chmod(0o755)
    (venv / ".installed").touch()
    (venv / ".installed-runtime").touch()


class Background:
    """Server lines: started in their own process group, all stopped at the end."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.procs: list[tuple[subprocess.Popen, Path]] = []

    def start(self, command: str, cwd: Path, env: dict[str, str]) -> tuple[subprocess.Popen, Path]:
        log = self.logs / f"server-{len(self.procs)}.log"
        proc = subprocess.Popen(
            ["bash", "-c", command],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append((proc, log))
        return proc, log

    def stop(self) -> None:
        for proc, _ in self.procs:
            with_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc, _ in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(max(0.1, deadline - time.monotonic()))
            with_group(proc, signal.SIGKILL)  # gunicorn's workers, if any are left
            proc.wait()


def with_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def answers(port: int) -> bool:
    """Any HTTP answer on the port: a page, a redirect to HTTPS, a 404."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/")
        connection.getresponse()
    except OSError:
        return False
    finally:
        connection.close()
    return True


def wait_until_serving(
    proc: subprocess.Popen, log: Path, port: int, what: str, deadline_s: float = 600
) -> None:
    """Until the port answers: a readiness wait with a deadline generous enough for a
    loaded machine (a server that died fails at once)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}:\n{tail(log)}")
        if answers(port):
            return
        time.sleep(0.3)
    pytest.fail(f"{what} does not answer on port {port}:\n{tail(log)}")


def stays_up(proc: subprocess.Popen, log: Path, what: str, seconds: float = 3) -> None:
    try:
        proc.wait(seconds)
    except subprocess.TimeoutExpired:
        return
    pytest.fail(f"{what} exited with {proc.returncode}:\n{tail(log)}")


def tail(log: Path, n: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-n:])


def test_readme_shows_its_commands_in_sh_blocks():
    blocks = sh_blocks(README.read_text(encoding="utf-8"))
    commands = [without_comment(c) for b in blocks for c in b.commands]
    # the two commands first, the API example with a token command whose errors show
    assert commands[:2] == ["make demo", "make test"]
    assert "TOKEN=$(.venv/bin/dozvon token create op1)" in commands
    assert not any(re.search(r"\|\s*tail\b", c) for c in commands)
    # and the production block is marked as such
    assert any(b.production and any("dozvon serve" in c for c in b.commands) for b in blocks)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"),
    reason="runs on SQLite only: the same commands once per CI run are enough",
)
@pytest.mark.skipif(shutil.which("git") is None or shutil.which("curl") is None, reason="git, curl")
def test_every_readme_command_works_as_pasted_in_a_fresh_checkout(tmp_path):
    checkout = tmp_path / "dozvon"
    copy_checkout(checkout)
    overlay_venv(checkout)
    assert not (checkout / "var").exists()
    ports: dict[tuple[bool, str], int] = {}  # the demo's 8000 is not production's 8000

    def with_free_ports(command: str, block: Block) -> str:
        def port(readme_port: str) -> str:
            return str(ports.setdefault((block.production, readme_port), free_port()))

        command = PORT_IN_TEXT.sub(lambda m: port(m[1]), command)
        if re.search(r"\bmake demo\b", command) and "PORT=" not in command:
            command = command.replace("make demo", f"make demo PORT={port('8000')}", 1)
        return command

    dev_env = clean_environment()
    production_env = {
        **dev_env,
        "SECRET_KEY": "readme-test-" + secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    servers = Background(tmp_path)
    outputs: list[tuple[str, str]] = []  # (shell script, stdout)

    def run(script: list[str], block: Block, env: dict[str, str]) -> None:
        if not script:
            return
        text = "\n".join(script)
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", text],
            cwd=checkout,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, (
            f"README.md:{block.line}: exit {done.returncode}\n$ {text}\n"
            f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
        if block.production:  # a deployment's SECRET_KEY: the demo's var/dozvon.env unread
            assert "demo settings from" not in done.stderr, done.stderr
        outputs.append((text, done.stdout))
        script.clear()

    try:
        for block in sh_blocks(README.read_text(encoding="utf-8")):
            if block.install:
                continue
            env = production_env if block.production else dev_env
            script: list[str] = []
            for pasted in block.commands:
                command = without_comment(pasted)
                if command in SKIPPED:
                    continue
                command = with_free_ports(command, block)
                if SERVER.search(command) and "--no-serve" not in command:
                    run(script, block, env)
                    port = re.search(r"(?:PORT=|:)(\d+)\b", command)
                    what = f"README.md:{block.line}: {command}"
                    if port:  # an answer on it must come from this server
                        assert not answers(int(port[1])), f"{what}: port already in use"
                    proc, log = servers.start(command, checkout, env)
                    if port:
                        wait_until_serving(proc, log, int(port[1]), what)
                    else:
                        stays_up(proc, log, what)
                else:
                    script.append(command)
            run(script, block, env)
    finally:
        servers.stop()

    # the API example printed the demo's queues
    queues = [json.loads(out) for text, out in outputs if "curl" in text and "/queues" in text]
    assert queues, "no curl of the queues in README.md"
    assert {"code", "count", "callable"} <= set(queues[0][0])
    assert sum(q["count"] for q in queues[0]) > 0
