import contextlib
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from dozvon.cli import DEMO_ENV_NAME
from dozvon.core import clock
from dozvon.core.demo import PASSWORD, build_demo


class Command(BaseCommand):
    help = "Set up the embedded demo (projects cod-demo and shop-demo) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="set up only")
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="HOST:PORT, PORT or HOST"
        )

    def handle(self, *args, no_serve, addrport, **options):
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
            "  partner     integration user for the intake API "
            "(.venv/bin/dozvon token create partner)\n"
        )
        if not no_serve:
            sink = start_mailsink()
            self.stdout.write(f"mail sink on 127.0.0.1:8025 (pid {sink.pid}): var/mail/*.eml")
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
    import ctypes
    import signal

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


def start_mailsink() -> subprocess.Popen:
    """The demo's SMTP server (X-9): what dozvon sends lands in var/mail/ as .eml files,
    nothing leaves the machine; it stops with the server."""
    return subprocess.Popen(
        [sys.executable, "-m", "dozvon.cli", "mailsink", "--port", "8025"],
        preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads yet at this point
        stdout=subprocess.DEVNULL,
    )
