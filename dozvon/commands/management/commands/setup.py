from django.core.management import call_command
from django.core.management.base import BaseCommand

from dozvon.core import clock
from dozvon.playbooks.services import playbook_load_all


class Command(BaseCommand):
    help = "Apply migrations and load the playbook files (idempotent)."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=options["verbosity"] - 1)
        for playbook, changed in playbook_load_all(now=clock.now()):
            state = "loaded" if changed else "unchanged"
            self.stdout.write(f"playbook {playbook.code} v{playbook.version}: {state}")
