import os
import shutil
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve dozvon with gunicorn (a production WSGI server)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 3)))

    def handle(self, *args, addrport, workers, **options):
        if ":" not in addrport:
            addrport = f"127.0.0.1:{addrport}" if addrport.isdigit() else f"{addrport}:8000"
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn"
        )
        if gunicorn is None:
            raise CommandError("gunicorn is not installed")
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            workers = min(workers, 2)
        argv = [
            gunicorn,
            "dozvon.wsgi:application",
            "--bind",
            addrport,
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ]
        self.stdout.write(f"dozvon serving on http://{addrport}/")
        self.stdout.flush()
        os.execv(gunicorn, argv)
