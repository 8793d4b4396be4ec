from django.core.management import call_command
from django.core.management.base import BaseCommand

from dozvon.core import clock
from dozvon.core.demo import PASSWORD, build_demo


class Command(BaseCommand):
    help = "Set up the embedded demo (projects cod-demo and shop-demo) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="set up only")
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, no_serve, addrport, **options):
        call_command("setup", verbosity=options["verbosity"])
        counts = build_demo(now=clock.now())
        for slug, n in counts.items():
            self.stdout.write(f"demo project {slug}: {n} orders")
        self.stdout.write(
            f"\nLogins (password for all: {PASSWORD}):\n"
            "  admin       administrator (/admin/)\n"
            "  supervisor  supervisor of cod-demo and shop-demo\n"
            "  op1         COD operator, all products\n"
            "  op2         COD operator, first three products only\n"
            "  shop1       SHOP operator\n"
            "  delivery    SHOP delivery department\n"
            "  partner     integration user for the intake API "
            "(dozvon token create partner)\n"
        )
        if not no_serve:
            call_command("serve", addrport)
