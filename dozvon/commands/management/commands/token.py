from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dozvon.accounts.services import token_create
from dozvon.core import clock
from dozvon.projects.models import Project
from dozvon.projects.scopes import known_scopes


class Command(BaseCommand):
    help = (
        "API tokens: `token create USERNAME` prints a new token alone on its last line. "
        "`--project SLUG --scope intake` (both repeatable) limits it to those projects and "
        "scopes (X-13); without them a person's token carries their roles and a service "
        "account's gets `intake` in each of its projects."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--project", action="append", default=[], metavar="SLUG", help="repeatable"
        )
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            choices=known_scopes(),
            help="repeatable; applies to every --project",
        )

    def handle(self, *args, action, username, name, project, scope, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no such user: {username}")
        if bool(project) != bool(scope):
            raise CommandError("--project and --scope go together")
        scopes = None
        if project:
            found = {p.slug: p for p in Project.objects.filter(slug__in=project)}
            missing = sorted(set(project) - set(found))
            if missing:
                raise CommandError(f"no such project: {', '.join(missing)}")
            scopes = {p: scope for p in found.values()}
        try:
            raw = token_create(user=user, name=name, scopes=scopes, now=clock.now())
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(raw)
