"""Partner webhooks: a project's endpoints, one delivery per (endpoint, change) and one
log row per HTTP attempt. How a delivery is signed and sent: `dozvon.webhooks.sending`."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dozvon.changes.models import ChangeKind

SCHEMES = ("http", "https")


def new_secret() -> str:
    return secrets.token_hex(32)


def validate_url(value: str) -> None:
    """Only http/https: urllib would also open file:// and ftp:// URLs."""
    if urlsplit(value).scheme.lower() not in SCHEMES:
        raise ValidationError(_("Only http and https URLs are allowed."), code="scheme")


def validate_kinds(value) -> None:
    known = set(ChangeKind.values)
    if not isinstance(value, list) or not all(isinstance(k, str) and k in known for k in value):
        raise ValidationError(_("Unknown event kinds."), code="kinds")


class WebhookEndpoint(models.Model):
    """A URL of a partner's that receives the project's order changes of `kinds`."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(
        _("URL"), max_length=500, validators=[URLValidator(schemes=list(SCHEMES)), validate_url]
    )
    secret = models.CharField(_("secret"), max_length=128, default=new_secret, editable=False)
    kinds = models.JSONField(
        _("event kinds"), default=list, blank=True, validators=[validate_kinds]
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def save(self, *args, **kwargs):
        validate_url(self.url)  # refused however it is saved, not only through a form
        validate_kinds(self.kinds)
        super().save(*args, **kwargs)


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One change for one endpoint: sent at least once, deduped by the partner on
    `event_id` (the change id)."""

    # the endpoint's project, kept here so the admin scopes deliveries by project
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    change = models.ForeignKey("changes.Change", on_delete=models.CASCADE, related_name="+")
    event_id = models.BigIntegerField(_("event id"))
    body = models.TextField(_("body"))
    state = models.CharField(
        _("state"), max_length=8, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_status = models.PositiveIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # a worker's claim while it posts (compare-and-set, like the email outbox)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "change"], name="webhooks_one_per_change")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhooks_due")]

    def __str__(self) -> str:
        return f"event {self.event_id} → {self.endpoint_id}"


class WebhookAttempt(models.Model):
    """One HTTP POST of a delivery: the status code, or the error (timeout, refused)."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(_("at"))
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration, ms"), default=0)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error[:40]}"
