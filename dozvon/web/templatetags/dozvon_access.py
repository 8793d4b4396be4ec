"""Screens offer only what the user may do (X-2): `{% if user|supervises:project %}`."""

from __future__ import annotations

from django import template

from dozvon.projects.access import is_supervising

register = template.Library()


@register.filter
def supervises(user, project) -> bool:
    return bool(project) and user.is_authenticated and is_supervising(user, project)
