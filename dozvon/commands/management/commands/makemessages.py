"""makemessages that also extracts `violation(rule, field, "message", …)` message ids
(translated at the edge by `Violation.render()`), `N_(…)` (gettext_noop) labels and `_g(…)`
(gettext, in modules whose `_` is gettext_lazy)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        "--keyword=violation:3",
        "--keyword=N_",
        "--keyword=_g",  # gettext where `_` is gettext_lazy (reports/selectors.py)
    ]
