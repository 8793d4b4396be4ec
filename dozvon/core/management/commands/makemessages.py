"""makemessages that also extracts rule messages: `violation(rule, field, "message", …)`
carries an untranslated message id that `Violation.render()` translates at the edge."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=violation:3"]
