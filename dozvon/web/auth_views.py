"""Sign-in edges for django-axes: the client address it keys failures by, and the page
it answers with once a username is locked out from an address (both login pages)."""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime

from axes.helpers import get_client_parameters, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from dozvon.core import clock


def client_ip(request) -> str | None:
    """REMOTE_ADDR; behind TRUSTED_PROXY_COUNT proxies that each append the address they
    saw to TRUSTED_PROXY_HEADER, the entry that many places from the header's right end.
    Entries further left are the client's own words and never count."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get(settings.TRUSTED_PROXY_HEADER, "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def lockout_ends_at(request, credentials) -> datetime:
    """When the lock on this username and address lifts: the cool-off after the last
    counted failure (failures during a lockout are not counted, so this holds)."""
    username = get_client_username(request, credentials)
    latest = None
    for filters in get_client_parameters(
        username, request.axes_ip_address, request.axes_user_agent, request, credentials
    ):
        at = AccessAttempt.objects.filter(**filters).aggregate(at=Max("attempt_time"))["at"]
        if at is not None and (latest is None or at > latest):
            latest = at
    return (latest or request.axes_attempt_time or clock.now()) + get_cool_off(request)


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with the local time the user may try again, and the
    same moment as `Retry-After` (seconds, RFC 9110) for clients and scripts (issue 25)."""
    now = clock.now()
    ends_at = lockout_ends_at(request, credentials)
    until = timezone.localtime(ends_at)
    same_day = until.date() == timezone.localtime(now).date()
    when = until.strftime("%H:%M" if same_day else "%d.%m.%Y %H:%M")
    message = _("Too many failed sign-in attempts. Try again after %(time)s.") % {"time": when}
    response = render(
        request,
        "web/locked_out.html",
        {"message": message, "until": until},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(max(1, math.ceil((ends_at - now).total_seconds())))
    return response
