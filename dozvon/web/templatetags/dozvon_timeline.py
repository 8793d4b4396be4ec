"""The order's history on the card: links to an email's page from its lines (X-9)."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

MESSAGE_KINDS = ("message", "auto")


@register.simple_tag
def message_url(entry) -> str:
    """The message page of a history line about an email (X-9: kind `message`, or `auto`
    for a queued one, with the message's id in its data); "" for other lines, or while
    the messages screen is not there."""
    data = getattr(entry, "data", None) or {}
    message_id = data.get("message") if getattr(entry, "kind", "") in MESSAGE_KINDS else None
    if not isinstance(message_id, int) or isinstance(message_id, bool) or message_id <= 0:
        return ""
    try:
        return reverse("messaging:message", args=[message_id])
    except NoReverseMatch:
        return ""
