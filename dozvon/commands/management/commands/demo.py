import contextlib
import ctypes
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from dozvon.cli import DEMO_ENV_NAME
from dozvon.core import clock
from dozvon.core.demo import PASSWORD, build_demo


class Command(BaseCommand):
    help = (
        "Set up the embedded demo (a project for every playbook) and serve it with a worker "
        "and a local mail sink. Demo projects that exist are kept; --fresh starts over."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="set up only")
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="delete the embedded SQLite database first: new demo data as of today",
        )
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="HOST:PORT, PORT or HOST"
        )

    def handle(self, *args, no_serve, fresh, addrport, **options):
        if fresh:
            self.stdout.write(f"deleted {delete_embedded_database()}")
        call_command("setup", verbosity=options["verbosity"])
        counts = build_demo(now=clock.now())
        for slug, n in counts.items():
            self.stdout.write(f"demo project {slug}: {n} orders")
        if settings.DEV:
            self.stdout.write(f"demo settings for the dozvon command: {write_demo_env()}")
        self.stdout.write(
            f"\nLogins (password for all: {PASSWORD}):\n"
            "  admin       administrator (/admin/)\n"
            "  supervisor  supervisor of cod-demo and shop-demo\n"
            "  op1         COD operator, all products\n"
            "  op2         COD operator, first three products only\n"
            "  shop1       SHOP operator\n"
            "  delivery    SHOP delivery department\n"
            "  pharmacy-op1, pharmacy-op2  DUN operators (pharmacy-demo: worklist)\n"
            "  pharmacy-sup                DUN supervisor (clean-up, payments, outbox)\n"
            "  subs-op1, subs-sup          SUB operator and supervisor (subscriptions-demo)\n"
            "  tel1, tel2 / tel3           NBO first-line operators / second line (telecom-demo)\n"
            "  pick1, pick2                PICK operators (pickup-demo: parcels at pickup points)\n"
            "  partner     integration user for the intake API "
            "(.venv/bin/dozvon token create partner)\n"
        )
        if not no_serve:
            if os.environ.get("EMAIL_URL"):
                self.stdout.write(f"emails go to EMAIL_URL ({os.environ['EMAIL_URL']})")
            else:
                sink, port = start_mailsink()
                # the worker (a child) and the server (exec'd) read it from the environment
                os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
                self.stdout.write(
                    f"mail sink on 127.0.0.1:{port} (pid {sink.pid}): "
                    f"{Path(settings.VAR_DIR) / 'mail'}/*.eml, its log in {sink_log_path()}"
                )
            worker = start_worker()
            self.stdout.write(
                f"background worker started (pid {worker.pid}): queue sizes every 5 min"
            )
            call_command("serve", addrport)


def write_demo_env():
    """var/dozvon.env: what `dozvon` reads when the environment chooses no mode (cli.py),
    so `.venv/bin/dozvon token create partner` works in this checkout after `make demo`."""
    lines = [
        "# Written by `dozvon demo` (make demo): the embedded demo's settings. The dozvon",
        "# command reads them when none of DOZVON_DEV, DEBUG, SECRET_KEY is set.",
        "# Delete this file and dozvon demands production settings again.",
        "DOZVON_DEV=true",
    ]
    if os.environ.get("DATABASE_URL"):
        lines.append(f"DATABASE_URL={os.environ['DATABASE_URL']}")
    path = Path(settings.VAR_DIR) / DEMO_ENV_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def _die_with_parent():
    """In the worker's process: end when the demo's server (its parent) ends (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_worker() -> subprocess.Popen:
    """`dozvon worker` beside the demo's server, so the supervisor's queue-size history and
    the playbooks' triggers run in the demo too (issue 12); it stops with the server."""
    return subprocess.Popen(
        [sys.executable, "-m", "dozvon.cli", "worker"],
        preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads yet at this point
        stdout=subprocess.DEVNULL,
    )


def delete_embedded_database(db: dict | None = None) -> Path:
    """--fresh: remove the embedded SQLite file under var/ (and its journal files); a
    PostgreSQL database is never dropped by the demo."""
    db = db or settings.DATABASES["default"]
    path = Path(str(db["NAME"]))
    if not db["ENGINE"].endswith("sqlite3") or not path.is_relative_to(settings.VAR_DIR):
        raise CommandError("--fresh only deletes the embedded SQLite database under var/")
    connections.close_all()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def sink_log_path() -> Path:
    return Path(settings.VAR_DIR) / "mailsink.log"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_mailsink(deadline_s: float = 60) -> tuple[subprocess.Popen, int]:
    """The demo's SMTP server (X-9): what dozvon sends lands in var/mail/ as .eml files,
    nothing leaves the machine; it stops with the server. It takes a free port (two demos
    on one machine never share a sink) and is listening when this returns, so the worker
    never meets a refused connection; its log goes to var/mailsink.log, not the terminal."""
    log = sink_log_path()
    log.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(3):  # another program may take the free port before the sink does
        port = free_port()
        with log.open("ab") as errors:
            sink = subprocess.Popen(
                [sys.executable, "-m", "dozvon.cli", "mailsink", "--port", str(port)]
                + ["--dir", str(Path(settings.VAR_DIR) / "mail")],
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads yet at this point
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )
        if _listening(sink, deadline_s):
            return sink, port
        sink.kill()
        sink.wait()
    raise CommandError(f"the demo's mail sink did not start; see {log}")


def _listening(sink: subprocess.Popen, deadline_s: float) -> bool:
    """The sink prints one line once it listens (the mailsink command)."""
    deadline = time.monotonic() + deadline_s
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([sink.stdout], [], [], left)
        if not ready:
            break
        line = sink.stdout.readline()
        if not line:  # it exited
            return False
        if line.startswith("mail sink listening"):
            return True
    return False
