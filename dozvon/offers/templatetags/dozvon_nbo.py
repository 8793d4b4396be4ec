"""NBO on the screens: whether a project makes offers, for the navigation
(`{% if project|makes_offers %}`: the campaigns, KPI and archive screens)."""

from __future__ import annotations

from django import template

from dozvon.offers.selectors import offers_enabled

register = template.Library()


@register.filter
def makes_offers(project) -> bool:
    return project is not None and offers_enabled(project)
