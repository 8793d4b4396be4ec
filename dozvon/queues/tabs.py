"""The queue bar a page shows: every tab of a project with its count, and "Take" where
the user may take (X-3); shared by the workspace and the plug-ins' pages."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import get_language

from dozvon.projects.access import has_role
from dozvon.queues.selectors import queue_counts


def queue_tabs(project, now: datetime, user) -> list[dict]:
    lang = get_language()
    return [
        {
            "code": q.code,
            "name": q.names.get(lang),
            "count": n,
            "callable": q.callable and has_role(user, project, q.roles),
        }
        for q, n in queue_counts(project=project, now=now)
    ]
