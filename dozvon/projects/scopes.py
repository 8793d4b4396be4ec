"""X-13: the scopes of a project's API tokens (`accounts.ApiToken.scopes`), read by the
access rules (`projects.access.SCOPE_ACTIONS`)."""

from __future__ import annotations

from django.db import models

from dozvon.core import plugins


class TokenScope(models.TextChoices):
    """What a scoped token may do in a project (X-13): each scope is one integration, and
    a token does only what its scopes say (`projects.access.SCOPE_ACTIONS`).

    `intake` creates orders (partner sites); `read` reads orders, timelines and reports;
    `payments` reports payments (DUN); `changes` polls the changes feed; `adjustments` is
    the billing's (NBO-6: lists and decides balance adjustments, with subscribers' phone
    numbers); `offers` loads campaigns and eligibility (NBO-1/NBO-4)."""

    INTAKE = "intake"
    PAYMENTS = "payments"
    CHANGES = "changes"
    READ = "read"
    ADJUSTMENTS = "adjustments"
    OFFERS = "offers"


def known_scopes() -> list[str]:
    """The built-in scopes and those the playbook plug-ins register (X-13)."""
    return [*TokenScope.values, *plugins.names(plugins.SCOPES)]


# The attribute `user_for_token` sets on the user it returns: the token's scopes
# ({project id: frozenset of TokenScope values}), or None for an unrestricted token.
TOKEN_SCOPES_ATTR = "_dozvon_token_scopes"
