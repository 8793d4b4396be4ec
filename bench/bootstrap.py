"""Django for the harness: settings from the environment, migrations, playbook files."""

from __future__ import annotations

import os

from bench.config import Config


def setup_django(cfg: Config) -> None:
    os.environ["DATABASE_URL"] = cfg.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dozvon.settings")  # as manage.py does
    os.environ.setdefault("DOZVON_DEV", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def migrate_and_load() -> None:
    from django.core.management import call_command

    from dozvon.core import clock
    from dozvon.playbooks.services import playbook_load_all

    call_command("migrate", verbosity=0, interactive=False)
    playbook_load_all(now=clock.now())
