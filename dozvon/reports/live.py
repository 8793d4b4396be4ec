"""The supervisor's live panel (X-11): who holds which order and for how long, idle claims,
queue sizes now; refreshed every LIVE_EVERY_S seconds by htmx (`reports/_live.html`). Reads
only: the claims are the orders', the queue sizes the queues'."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import get_language

from dozvon.core import clock
from dozvon.core.http_errors import domain_errors
from dozvon.orders.claims import claim_idle
from dozvon.orders.models import Order
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import SUPERVISE, ensure_can
from dozvon.projects.http import project_or_404
from dozvon.queues.tabs import queue_tabs

LIVE_EVERY_S = 15
MAX_CLAIMS = 200


def live_context(project, now: datetime, user) -> dict:
    """Claims held now (oldest first, idle ones marked), queue sizes now."""
    idle = claim_idle(project)
    pb = playbook_def(project.playbook)
    lang = get_language()
    zone = ZoneInfo(project.time_zone)
    claims = []
    for order in (
        Order.objects.filter(project=project, claimed_by__isnull=False)
        .select_related("claimed_by")
        .order_by("claimed_at")[:MAX_CLAIMS]
    ):
        who = order.claimed_by
        status = pb.statuses.get(order.status)
        claims.append(
            {
                "order": order,
                "operator": who.get_full_name() or who.get_username(),
                "username": who.get_username(),
                "status": status.names.get(lang) if status else order.status,
                "since": order.claimed_at.astimezone(zone),
                "minutes": int((now - order.claimed_at).total_seconds() // 60),
                "stale": order.claimed_at < now - idle,
            }
        )
    queues = queue_tabs(project, now, user)
    return {
        "project": project,
        "claims": claims,
        "idle_claims": sum(c["stale"] for c in claims),
        "holders": len({c["username"] for c in claims}),
        "idle_minutes": int(idle / timedelta(minutes=1)),
        "live_queues": queues,
        "live_at": now.astimezone(zone),
        "live_every": LIVE_EVERY_S,
    }


@login_required
@domain_errors
def supervisor_live(request, slug):
    """The live panel alone, for htmx to swap in every LIVE_EVERY_S seconds."""
    project = project_or_404(request, slug)
    ensure_can(request.user, project, SUPERVISE)
    return render(request, "reports/_live.html", live_context(project, clock.now(), request.user))
