"""API tokens: created once (raw value shown once), looked up by hash; scoped per project
for integrations (X-13)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from dozvon.accounts.models import ApiToken, User, hash_token
from dozvon.accounts.selectors import user_is_service_account
from dozvon.audit.actions import AuditAction
from dozvon.audit.services import audit_record
from dozvon.projects.models import Membership, Project, Role
from dozvon.projects.scopes import TOKEN_SCOPES_ATTR, TokenScope, known_scopes


def token_create(
    *,
    user: User,
    name: str = "",
    scopes: Mapping[Project, Iterable[str]] | None = None,
    actor=None,
    now: datetime,
) -> str:
    """A new token for `user`; its raw value (shown once).

    `scopes` limits the token to those projects and those scopes (`TokenScope`). Without
    it a person's token carries their roles, unrestricted, while a service account's
    token gets `intake` in each project where it is the integration (X-13): what it
    integrates, frozen now, not whatever roles it gains later.
    Raises ValueError for an unknown scope or a project where the user has no role.
    """
    if scopes is None and user_is_service_account(user):
        scopes = {
            m.project: [TokenScope.INTAKE]
            for m in Membership.objects.filter(user=user, role=Role.INTEGRATION).select_related(
                "project"
            )
        }
    stored = None if scopes is None else _checked_scopes(user, scopes)
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[3:9], key_hash=hash_token(raw), scopes=stored
    )
    audit_record(
        actor=actor,
        action=AuditAction.TOKEN_CREATE,
        target_type="api_token",
        target_id=token.pk,
        changes={
            "user": user.username,
            "prefix": token.prefix,
            "scopes": None if scopes is None else {p.slug: stored[str(p.pk)] for p in scopes},
        },
        now=now,
    )
    return raw


def _checked_scopes(user: User, scopes: Mapping[Project, Iterable[str]]) -> dict[str, list]:
    member_of = set(Membership.objects.filter(user=user).values_list("project_id", flat=True))
    stored: dict[str, list[str]] = {}
    for project, names in scopes.items():
        names = sorted(set(names))
        known = known_scopes()
        unknown = set(names) - set(known)
        if unknown:
            raise ValueError(
                f"unknown scope {', '.join(sorted(unknown))}; known: {', '.join(known)}"
            )
        if not names:
            raise ValueError(f"no scope given for project {project.slug}")
        if not user.is_superuser and project.pk not in member_of:
            raise ValueError(f"{user.username} has no role in project {project.slug}")
        stored[str(project.pk)] = names
    return stored


def user_for_token(raw: str, *, now: datetime) -> User | None:
    """The token's active user, carrying the token's scopes (`TOKEN_SCOPES_ATTR`), which
    `projects.access` applies to every check of this request."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    setattr(user, TOKEN_SCOPES_ATTR, token.project_scopes())
    return user
