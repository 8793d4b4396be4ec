"""Operator workspace: projects, the order list of a project, the queue bar and take
next (htmx + Django templates). The order card is `web/card.py`, the call loop
`web/calling.py`, the supervisor's screen `web/supervisor.py`.

Views parse input, call one service or selector, and render; no rule lives here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dozvon.catalog.models import Product
from dozvon.core import clock
from dozvon.core.errors import RuleViolations
from dozvon.core.http_errors import RETRY_AFTER_S, database_unreachable, domain_errors
from dozvon.delivery.selectors import delivery_list_groups
from dozvon.orders import selectors as order_sel
from dozvon.orders.claims import claim_idle
from dozvon.orders.models import Order
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import (
    projects_for,
    role_of,
)
from dozvon.projects.http import project_or_404
from dozvon.queues import services as queue_svc
from dozvon.queues.tabs import queue_tabs
from dozvon.web.order_list import filtered_orders, list_filter


@login_required
def home(request):
    projects = list(projects_for(request.user).order_by("name"))
    if len(projects) == 1:
        (project,) = projects
        if role_of(request.user, project) == "delivery" and delivery_list_groups(
            playbook_def(project.playbook)
        ):  # the delivery department's day starts on its list (SHOP-3, SHOP-7)
            return redirect("delivery:list", slug=project.slug)
        return redirect("web:workspace", slug=project.slug)
    now = clock.now()
    rows = [{"project": p, "queues": queue_tabs(p, now, request.user)} for p in projects]
    return render(request, "web/home.html", {"rows": rows, "projects": projects})


@login_required
@domain_errors
def workspace(request, slug):
    project = project_or_404(request, slug)
    now = clock.now()
    pb = playbook_def(project.playbook)
    lang = get_language()
    f = list_filter(request.GET)
    qs = filtered_orders(project, f, pb=pb, now=now)
    page = order_sel.IdsFirstPaginator(
        qs.select_related("project", "project__playbook", "claimed_by"), f.page_size
    ).get_page(request.GET.get("page"))
    held = Order.objects.filter(
        project=project, claimed_by=request.user, claimed_at__gte=now - claim_idle(project)
    ).first()
    return render(
        request,
        "web/workspace.html",
        {
            "project": project,
            "projects": projects_for(request.user).order_by("name"),
            "queues": queue_tabs(project, now, request.user),
            "page": page,
            "rows": [
                {
                    "order": o,
                    "queue": order_sel.order_queue_code(o, now=now),
                    "status": pb.statuses[o.status].names.get(lang)
                    if o.status in pb.statuses
                    else o.status,
                    "problem": pb.problems[o.problem].get(lang)
                    if o.problem in pb.problems
                    else o.problem,
                }
                for o in page
            ],
            "statuses": [(s.code, s.names.get(lang)) for s in pb.statuses.values()],
            "groups": [(code, names.get(lang)) for code, names in pb.groups.items()],
            "operators": order_sel.project_operators(project),
            "products": Product.objects.filter(project=project).order_by("name"),
            "filters": f,
            "held": held,
            "role": role_of(request.user, project),
        },
    )


@login_required
@domain_errors
def queue_bar(request, slug):
    project = project_or_404(request, slug)
    now = clock.now()
    return render(
        request,
        "web/_queue_bar.html",
        {"project": project, "queues": queue_tabs(project, now, request.user)},
    )


@login_required
@require_POST
@domain_errors
def take_next(request, slug, code):
    project = project_or_404(request, slug)
    try:
        order = queue_svc.queue_take_next(
            project=project, queue_code=code, actor=request.user, now=clock.now()
        )
    except RuleViolations as exc:
        for v in exc.violations:
            messages.error(request, v.render())
        return redirect("web:workspace", slug=slug)
    if order is None:
        messages.info(request, _("No orders are due in this queue right now."))
        return redirect(f"{reverse('web:workspace', args=[slug])}?queue={code}")
    return redirect(f"{reverse('web:order', args=[order.pk])}?from={code}")


def healthz(request):
    """Readiness (issue 25): 200 only when the database answers a query; 503 with
    `Retry-After` while it is away, so a load balancer or an orchestrator stops sending
    requests that could not be served. Needs no session and no login."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        if not database_unreachable(exc):
            raise
        # the broken connection is dropped so the next probe connects afresh
        connection.close_if_unusable_or_obsolete()
        response = JsonResponse({"ok": False, "database": "unreachable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_S)
        return response
    return JsonResponse({"ok": True, "database": "ok"})


def livez(request):
    """Liveness (issue 25): the process serves requests; touches no database, so a
    database outage does not make an orchestrator restart healthy web processes."""
    return JsonResponse({"ok": True})
