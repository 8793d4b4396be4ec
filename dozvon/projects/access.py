"""X-1/X-2/X-13: who may see and do what, checked on every read and write (UI and API alike).

Outside a user's projects everything is "not found" (never reveal existence); inside,
an action the role may not perform is "forbidden".

An API request made with a scoped token (X-13) carries the token's scopes on its user
(`accounts.models.TOKEN_SCOPES_ATTR`, set by `accounts.services.user_for_token`). Such a
token is an integration credential: it sees only the projects it names, acts there as
the integration role, and may do only what its scopes allow.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from dozvon.core import plugins
from dozvon.core.compiled import CompiledRead
from dozvon.core.errors import Forbidden, NotFound
from dozvon.projects.models import Membership, Project, Role
from dozvon.projects.scopes import TOKEN_SCOPES_ATTR, TokenScope

READ = "read"  # orders, their lists, timelines and queues
WORK = "work"  # process orders: calls, items, outcomes, comments, edits
INTAKE = "intake"  # create orders (partner sites, imports)
SUPERVISE = "supervise"  # VIP marks, reports, other people's claims
CHANGES = "changes"  # the changes feed (API.md round 2): order changes in commit order
PAYMENTS = "payments"  # report the partner's payments (DUN; API.md round 2)
ADJUSTMENTS = "adjustments"  # NBO-6: the billing lists and decides balance adjustments
OFFERS = "offers"  # NBO-1/NBO-4: load campaigns and the numbers' eligibility

ACTION_ROLES: dict[str, frozenset[str]] = {
    # the integration role creates orders; reading them takes a `read` scope
    READ: frozenset(Role.values) - {Role.INTEGRATION},
    WORK: frozenset({Role.OPERATOR, Role.SUPERVISOR}),
    INTAKE: frozenset({Role.INTEGRATION, Role.SUPERVISOR}),
    SUPERVISE: frozenset({Role.SUPERVISOR}),
    # whoever reads the orders may read their changes; an integration only through a
    # `changes` scope, like `read`
    CHANGES: frozenset(Role.values) - {Role.INTEGRATION},
    # a supervisor enters a payment by hand; an integration only through a `payments`
    # scope: never an operator (the KPI of DUN-9 counts payments for operators)
    PAYMENTS: frozenset({Role.SUPERVISOR}),
    # NBO-6/NBO-1: the partner's billing and offer loading, or a supervisor by hand; a
    # token only through its own scope (X-13: never through `intake`)
    ADJUSTMENTS: frozenset({Role.INTEGRATION, Role.SUPERVISOR}),
    OFFERS: frozenset({Role.INTEGRATION, Role.SUPERVISOR}),
}

# What each token scope allows.
SCOPE_ACTIONS: dict[str, frozenset[str]] = {
    TokenScope.INTAKE: frozenset({INTAKE}),
    TokenScope.READ: frozenset({READ}),
    TokenScope.PAYMENTS: frozenset({PAYMENTS}),
    TokenScope.CHANGES: frozenset({CHANGES}),
    TokenScope.ADJUSTMENTS: frozenset({ADJUSTMENTS}),
    TokenScope.OFFERS: frozenset({OFFERS}),
}


@dataclass(frozen=True)
class PluginScope:
    """A token scope a playbook plug-in adds (registered at `plugins.SCOPES` under the
    scope's name): the action it allows, and the roles that may do that action."""

    action: str
    roles: frozenset[str]


def scope_actions(scope: str) -> frozenset[str]:
    if scope in SCOPE_ACTIONS:
        return SCOPE_ACTIONS[scope]
    return frozenset(
        ext.item.action for ext in plugins.extensions(plugins.SCOPES) if ext.name == scope
    )


def action_roles(action: str) -> frozenset[str]:
    if action in ACTION_ROLES:
        return ACTION_ROLES[action]
    found = [e.item.roles for e in plugins.extensions(plugins.SCOPES) if e.item.action == action]
    if not found:
        raise KeyError(action)  # a typo in a service, never a user's input
    return frozenset().union(*found)


def token_scopes(user) -> dict[int, frozenset[str]] | None:
    """The request's token scopes by project id; None when unrestricted (a session, or a
    person's token)."""
    return getattr(user, TOKEN_SCOPES_ATTR, None)


def projects_for(user) -> QuerySet[Project]:
    qs = Project.objects.filter(is_active=True).select_related("playbook")
    scopes = token_scopes(user)
    if scopes is not None:
        qs = qs.filter(pk__in=list(scopes))
    if getattr(user, "is_superuser", False):
        return qs
    return qs.filter(memberships__user=user)


def _remember(user, project: Project, member: Membership | None) -> None:
    """The user's membership of the project, for the rest of the request (the user object
    lives as long as the request: a session's or a token's)."""
    cache = getattr(user, "_dozvon_memberships", None)
    if cache is None:
        cache = user._dozvon_memberships = {}
    cache[project.pk] = member


def membership_of(user, project: Project) -> Membership | None:
    cache = getattr(user, "_dozvon_memberships", None)
    if cache is None or project.pk not in cache:
        member = (
            Membership.objects.filter(user=user, project=project).first()
            if user.is_authenticated
            else None
        )
        _remember(user, project, member)
        return member
    return cache[project.pk]


def _own_role(user, project: Project) -> str | None:
    if getattr(user, "is_superuser", False):
        return "admin"
    member = membership_of(user, project)
    return member.role if member else None


def role_of(user, project: Project) -> str | None:
    scopes = token_scopes(user)
    if scopes is None:
        return _own_role(user, project)
    if project.pk not in scopes or _own_role(user, project) is None:
        return None
    return Role.INTEGRATION.value


def may(user, project: Project, role: str, action: str) -> bool:
    scopes = token_scopes(user)
    if scopes is not None:
        return any(action in scope_actions(s) for s in scopes.get(project.pk, ()))
    return role == "admin" or role in action_roles(action)


def ensure_can(user, project: Project, action: str) -> str:
    """The caller's role in the project, or NotFound/Forbidden."""
    role = role_of(user, project)
    if role is None:
        raise NotFound()
    if not may(user, project, role, action):
        raise Forbidden()
    return role


def ensure_visible(user, project: Project) -> str:
    """Reading the project's orders: NotFound outside it, Forbidden for a role that may
    see the project but not read its orders (an integration, X-13)."""
    return ensure_can(user, project, READ)


# A user's membership of an active project by its slug, with the project and its playbook
# (the stored definition left deferred): read on every request, compiled once.
_MEMBER_OF = CompiledRead(
    Membership,
    lambda user_id, slug: (
        Membership.objects.filter(user_id=user_id, project__slug=slug, project__is_active=True)
        .select_related("project__playbook")
        .defer("project__playbook__definition")[:1]
    ),
    int,
    str,
)


def project_for(user, slug: str) -> Project:
    """The active project `slug` of the caller's, with its playbook, or NotFound.

    One statement for a member: their membership with the project and its playbook, kept
    for the request's later checks (`membership_of`). The playbook's stored definition is
    not read: its parsed form is cached by content hash (`playbook_def`), which reads the
    definition only the first time a process meets that hash (issue 18)."""
    scopes = token_scopes(user)
    if getattr(user, "is_superuser", False) or not getattr(user, "is_authenticated", False):
        qs = projects_for(user).defer("playbook__definition").filter(slug=slug)
        project = qs.first()
        if project is None:
            raise NotFound()
        return project
    member = _MEMBER_OF.first(user.pk, slug)
    if member is None or (scopes is not None and member.project_id not in scopes):
        raise NotFound()
    _remember(user, member.project, member)
    return member.project


# --- one home for role questions (an administrator counts as every role) ----------------

ADMIN = "admin"


def has_role(user, project: Project, roles) -> bool:
    """Whether the user acts in the project in one of these roles (an administrator in
    all of them): may they see this outcome, take from this queue…"""
    role = role_of(user, project)
    return role is not None and (role == ADMIN or role in roles)


def is_supervising(user, project: Project) -> bool:
    """A supervisor of the project or an administrator: steps into others' claims (COD-9),
    marks VIPs (X-3), releases others' orders."""
    return has_role(user, project, (Role.SUPERVISOR,))
