"""X-2 users; API tokens (API.md "Auth"), scoped per project for integrations (X-13)."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An operator, supervisor, delivery clerk or administrator.

    Project roles live on `projects.Membership`; the administrator role is `is_superuser`.
    """

    language = models.CharField(_("language"), max_length=8, blank=True, default="")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_admin(self) -> bool:
        return self.is_superuser


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True, default="")
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)
    # None: the user's roles, unrestricted (a person's token). Otherwise
    # {"<project id>": ["intake", …]}: only those projects, only those scopes.
    scopes = models.JSONField(_("scopes"), null=True, blank=True, default=None, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def generate() -> str:
        return "dz_" + secrets.token_urlsafe(32)

    def project_scopes(self) -> dict[int, frozenset[str]] | None:
        if self.scopes is None:
            return None
        return {int(pk): frozenset(names) for pk, names in self.scopes.items()}
