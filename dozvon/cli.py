"""The `dozvon` command: Django's management commands under one name.

dozvon demo [--no-serve] [HOST:PORT]   set up the embedded demo and serve it
dozvon serve [HOST:PORT]    production server (gunicorn)
dozvon worker               background tasks (django-tasks database worker, periodic
                            queue snapshots)
dozvon token create USER    print a new API token (alone on stdout)
dozvon setup                migrate and load the playbook files
dozvon migrate, createsuperuser, check --deploy, … as in Django

Settings come from the environment (dozvon/settings.py). One exception for the embedded
demo: `dozvon demo` runs in development mode, and leaves its settings in
`var/dozvon.env` (DOZVON_DEV=true, its DATABASE_URL if one was given), so every later
`.venv/bin/dozvon …` in that checkout talks to the demo. The file is read only when the
environment chooses no mode itself (none of DOZVON_DEV, DEBUG, SECRET_KEY is set): a
deployment that sets SECRET_KEY never sees it, and one that sets nothing, without the file,
still refuses to start.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from pathlib import Path

DEMO_ENV_NAME = "dozvon.env"
MODE_VARIABLES = ("DOZVON_DEV", "DEBUG", "SECRET_KEY")


def demo_env_path(environ: MutableMapping[str, str] = os.environ) -> Path:
    """var/dozvon.env of this checkout: the directory settings.VAR_DIR names."""
    var_dir = environ.get("DOZVON_VAR_DIR") or Path(__file__).resolve().parent.parent / "var"
    return Path(var_dir) / DEMO_ENV_NAME


def mode_chosen(environ: MutableMapping[str, str] = os.environ) -> bool:
    return any(environ.get(name) for name in MODE_VARIABLES)


def load_demo_env(environ: MutableMapping[str, str] = os.environ) -> Path | None:
    """Fill unset variables from var/dozvon.env (KEY=VALUE lines, # comments) when the
    environment chooses no mode; the file's path if it was used."""
    if mode_chosen(environ):
        return None
    path = demo_env_path(environ)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    for line in text.splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name and not name.startswith("#"):
            environ.setdefault(name.strip(), value.strip())
    return path


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if (used := load_demo_env()) is not None:
        print(f"dozvon: demo settings from {used}", file=sys.stderr)
    if args[:1] == ["demo"] and not mode_chosen():
        os.environ["DOZVON_DEV"] = "true"  # the demo is development mode by definition
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dozvon.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dozvon", *args])


if __name__ == "__main__":
    main()
