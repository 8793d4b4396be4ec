"""X-1/X-2: who may see and do what, checked on every read and write (UI and API alike).

Outside a user's projects everything is "not found" (never reveal existence); inside,
an action the role may not perform is "forbidden".
"""

from __future__ import annotations

from django.db.models import QuerySet

from dozvon.core.errors import Forbidden, NotFound
from dozvon.projects.models import Membership, Project, Role

READ = "read"
WORK = "work"  # process orders: calls, items, outcomes, comments, edits
INTAKE = "intake"  # create orders (partner sites, imports)
SUPERVISE = "supervise"  # VIP marks, reports, other people's claims

ACTION_ROLES: dict[str, frozenset[str]] = {
    READ: frozenset(Role.values),
    WORK: frozenset({Role.OPERATOR, Role.SUPERVISOR}),
    INTAKE: frozenset({Role.INTEGRATION, Role.SUPERVISOR}),
    SUPERVISE: frozenset({Role.SUPERVISOR}),
}


def projects_for(user) -> QuerySet[Project]:
    qs = Project.objects.filter(is_active=True).select_related("playbook")
    if getattr(user, "is_superuser", False):
        return qs
    return qs.filter(memberships__user=user)


def membership_of(user, project: Project) -> Membership | None:
    cache = getattr(user, "_dozvon_memberships", None)
    if cache is None:
        cache = {}
        user._dozvon_memberships = cache
    if project.pk not in cache:
        cache[project.pk] = (
            Membership.objects.filter(user=user, project=project).first()
            if user.is_authenticated
            else None
        )
    return cache[project.pk]


def role_of(user, project: Project) -> str | None:
    if getattr(user, "is_superuser", False):
        return "admin"
    member = membership_of(user, project)
    return member.role if member else None


def ensure_visible(user, project: Project) -> str:
    role = role_of(user, project)
    if role is None:
        raise NotFound()
    return role


def ensure_can(user, project: Project, action: str) -> str:
    """The caller's role in the project, or NotFound/Forbidden."""
    role = ensure_visible(user, project)
    if role != "admin" and role not in ACTION_ROLES[action]:
        raise Forbidden()
    return role


def project_for(user, slug: str) -> Project:
    project = projects_for(user).filter(slug=slug).first()
    if project is None:
        raise NotFound()
    return project
