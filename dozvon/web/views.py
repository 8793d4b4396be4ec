"""Operator workspace (first screen). Views parse, call selectors/services, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language

from dozvon.core import clock
from dozvon.projects.access import projects_for
from dozvon.queues.selectors import queue_counts


@login_required
def home(request):
    now = clock.now()
    lang = get_language()
    projects = [
        {
            "project": p,
            "queues": [
                {"code": q.code, "name": q.names.get(lang), "count": n, "callable": q.callable}
                for q, n in queue_counts(project=p, now=now)
            ],
        }
        for p in projects_for(request.user).order_by("name")
    ]
    return render(request, "web/home.html", {"projects": projects})


def healthz(request):
    return JsonResponse({"ok": True})
