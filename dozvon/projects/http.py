"""A project from a URL's slug for a web view: 404 outside the user's projects (X-1),
shared by the surfaces and the plug-ins' own views."""

from __future__ import annotations

from django.http import Http404

from dozvon.core.errors import NotFound
from dozvon.projects.access import project_for
from dozvon.projects.models import Project


def project_or_404(request, slug: str) -> Project:
    try:
        return project_for(request.user, slug)
    except NotFound as exc:
        raise Http404 from exc
