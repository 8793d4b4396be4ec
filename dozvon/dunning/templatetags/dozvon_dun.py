"""DUN on the screens (issue 14): whether a project has a worklist (DUN-3), for the
navigation: `{% if project|has_worklist %}`."""

from __future__ import annotations

from django import template

from dozvon.dunning.selectors import is_dunning
from dozvon.playbooks.selectors import playbook_def

register = template.Library()


@register.filter
def has_worklist(project) -> bool:
    """A project whose playbook works unpaid orders in a worklist (DUN-3)."""
    return bool(project) and is_dunning(playbook_def(project.playbook))
