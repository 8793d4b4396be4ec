from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dozvon.accounts.services import token_create
from dozvon.core import clock


class Command(BaseCommand):
    help = "API tokens: `token create USERNAME` prints a new token alone on its last line."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="")

    def handle(self, *args, action, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no such user: {username}")
        self.stdout.write(token_create(user=user, name=name, now=clock.now()))
