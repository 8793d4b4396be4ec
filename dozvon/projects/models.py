"""X-1 projects and membership (roles X-2, skills COD-7/8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Project(models.Model):
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    playbook = models.ForeignKey(
        "playbooks.Playbook",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("playbook"),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    is_active = models.BooleanField(_("active"), default=True)
    settings = models.JSONField(_("project settings"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    SUPERVISOR = "supervisor", _("Supervisor")
    DELIVERY = "delivery", _("Delivery department")
    INTEGRATION = "integration", _("Integration (partner site, PBX)")


class Membership(models.Model):
    """A user's role in one project; operators also carry their skills (products)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    line = models.PositiveSmallIntegerField(
        _("line"), default=1, help_text=_("Operators: first or second line.")
    )
    all_products = models.BooleanField(_("all products"), default=True)
    skills = models.ManyToManyField(
        "catalog.Product", blank=True, related_name="skilled_members", verbose_name=_("products")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="membership_user_project")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.project} ({self.get_role_display()})"
