"""The `dozvon` command: Django's management commands under one name.

dozvon demo [--no-serve]    set up the embedded demo and serve it
dozvon serve [HOST:PORT]    production server (gunicorn)
dozvon worker               background tasks (django-tasks database worker, periodic
                            queue snapshots)
dozvon token create USER    print a new API token (alone on the last line)
dozvon setup                migrate and load the playbook files
dozvon migrate, createsuperuser, check --deploy, … as in Django
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dozvon.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["dozvon", *args])


if __name__ == "__main__":
    main()
