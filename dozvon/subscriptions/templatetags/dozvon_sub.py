"""Template filters of the SUB screens (the navigation shows "Subscriptions" only on a
project whose playbook keeps them)."""

from django import template

from dozvon.subscriptions.selectors import keeps_subscriptions as _keeps

register = template.Library()


@register.filter
def keeps_subscriptions(project) -> bool:
    return project is not None and _keeps(project)
