"""makemessages that also extracts `violation(rule, field, "message", …)` message ids
(translated at the edge by `Violation.render()`) and `N_(…)` (gettext_noop) labels."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        "--keyword=violation:3",
        "--keyword=N_",
    ]
