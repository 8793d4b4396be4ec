"""Reads about accounts: who is a service account (X-13)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from dozvon.accounts.models import User
from dozvon.projects.models import Membership, Role


def users_with_service_flag(qs: QuerySet[User] | None = None) -> QuerySet[User]:
    """Users annotated with `is_service_account` in the same query.

    A service account (partner site, billing, PBX) is a user, not an administrator, whose
    every project role is `integration`: API-only, no web or admin sign-in (X-13). The
    rule follows the roles, so granting or removing a role needs no second flag to keep
    in step.
    """
    memberships = Membership.objects.filter(user=OuterRef("pk"))
    return (qs if qs is not None else User.objects.all()).annotate(
        is_service_account=Q(is_superuser=False)
        & Exists(memberships)
        & ~Exists(memberships.exclude(role=Role.INTEGRATION))
    )


def user_is_service_account(user: User) -> bool:
    flag = getattr(user, "is_service_account", None)
    if flag is None:
        if user.pk is None:
            return False
        flag = (
            users_with_service_flag().values_list("is_service_account", flat=True).get(pk=user.pk)
        )
    return bool(flag)
