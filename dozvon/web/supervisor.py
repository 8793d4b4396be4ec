"""The supervisor's screen (X-11): who holds which order and for how long, results per
operator today, queue sizes over the day. Reads only; snapshots are the worker's."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import get_language

from dozvon.core import clock
from dozvon.orders.models import Order, TimelineEntry
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import SUPERVISE, ensure_can, projects_for
from dozvon.queues.models import QueueSnapshot
from dozvon.queues.selectors import claim_idle
from dozvon.web.errors import domain_errors
from dozvon.web.views import _project, _queues


@login_required
@domain_errors
def supervisor(request, slug):
    project = _project(request, slug)
    ensure_can(request.user, project, SUPERVISE)
    now = clock.now()
    zone = ZoneInfo(project.time_zone)
    day_start = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), tzinfo=zone)
    idle = claim_idle(project)
    pb = playbook_def(project.playbook)
    lang = get_language()
    claims = [
        {
            "order": o,
            "minutes": int((now - o.claimed_at).total_seconds() // 60),
            "stale": o.claimed_at < now - idle,
        }
        for o in Order.objects.filter(project=project, claimed_by__isnull=False)
        .select_related("claimed_by")
        .order_by("claimed_at")
    ]
    outcome_rows = (
        TimelineEntry.objects.filter(
            order__project=project, kind="status", at__gte=day_start, actor__isnull=False
        )
        .values("actor__username", "data__outcome")
        .annotate(n=Count("id"))
        .order_by("actor__username", "data__outcome")
    )
    per_operator: dict[str, dict[str, int]] = {}
    for row in outcome_rows:
        per_operator.setdefault(row["actor__username"], {})[row["data__outcome"]] = row["n"]
    outcome_codes = list(pb.outcomes)
    snapshots = list(
        QueueSnapshot.objects.filter(project=project, at__gte=day_start).order_by("at")
    )
    step = max(1, len(snapshots) // 24)
    return render(
        request,
        "web/supervisor.html",
        {
            "project": project,
            "projects": projects_for(request.user).order_by("name"),
            "queues": _queues(project, now, request.user),
            "claims": claims,
            "idle_minutes": int(idle / timedelta(minutes=1)),
            "outcome_names": [pb.outcomes[c].names.get(lang) for c in outcome_codes],
            "operators": [
                {
                    "name": name,
                    "counts": [counts.get(c, 0) for c in outcome_codes],
                    "total": sum(counts.values()),
                }
                for name, counts in sorted(per_operator.items())
            ],
            "history": [
                {
                    "at": s.at.astimezone(zone),
                    "counts": [s.counts.get(q.code, 0) for q in pb.queues],
                }
                for s in snapshots[::step]
            ],
            "queue_names": [q.names.get(lang) for q in pb.queues],
        },
    )
