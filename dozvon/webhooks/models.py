"""Partner webhooks: a project's endpoints, one delivery per (endpoint, event) and one
log row per HTTP attempt. An event is an order change (the changes feed) or a balance
adjustment's event (NBO-6: created, then applied or rejected). How a delivery is signed
and sent: `dozvon.webhooks.sending`."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dozvon.changes.models import ChangeKind

SCHEMES = ("http", "https")


def new_secret() -> str:
    return secrets.token_hex(32)


def validate_url(value: str) -> None:
    """Only http/https: urllib would also open file:// and ftp:// URLs."""
    if urlsplit(value).scheme.lower() not in SCHEMES:
        raise ValidationError(_("Only http and https URLs are allowed."), code="scheme")


# endpoints subscribe to the kinds of the changes feed and to this one (NBO-6)
ADJUSTMENT = "adjustment"
EVENT_KINDS = [*ChangeKind.choices, (ADJUSTMENT, _("Balance adjustment"))]


def validate_kinds(value) -> None:
    known = {kind for kind, _label in EVENT_KINDS}
    if not isinstance(value, list) or not all(isinstance(k, str) and k in known for k in value):
        raise ValidationError(_("Unknown event kinds."), code="kinds")


class WebhookEndpoint(models.Model):
    """A URL of a partner's that receives the project's events of `kinds`: order changes,
    balance adjustments."""

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


class AdjustmentEvent(models.Model):
    """NBO-6: a balance adjustment created (pending) or decided (applied, rejected), as
    sent to the partner. Its own id space: the event id is minus this row's id (-1, -2,
    …, never reused), so it never meets an order change's id, which is positive."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    adjustment = models.ForeignKey("offers.Adjustment", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("state"), max_length=8)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("balance adjustment event")
        verbose_name_plural = _("balance adjustment events")
        constraints = [
            models.UniqueConstraint(
                fields=["adjustment", "state"], name="webhooks_one_event_per_state"
            )
        ]

    def __str__(self) -> str:
        return f"adjustment {self.adjustment_id} {self.state}"

    @property
    def event_id(self) -> int:
        return -self.pk


class WebhookDelivery(models.Model):
    """One event for one endpoint: sent at least once, deduped by the partner on
    `event_id` (the change id for an order change, minus the AdjustmentEvent's id for a
    balance adjustment). Exactly one of `change`, `adjustment_event` is set."""

    # the endpoint's project, kept here so the admin scopes deliveries by project
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    change = models.ForeignKey(
        "changes.Change", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    adjustment_event = models.ForeignKey(
        AdjustmentEvent, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
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
            models.UniqueConstraint(fields=["endpoint", "change"], name="webhooks_one_per_change"),
            models.UniqueConstraint(
                fields=["endpoint", "adjustment_event"], name="webhooks_one_per_adjustment_event"
            ),
            models.CheckConstraint(
                condition=Q(change__isnull=False, adjustment_event__isnull=True)
                | Q(change__isnull=True, adjustment_event__isnull=False),
                name="webhooks_one_source",
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhooks_due")]

    def __str__(self) -> str:
        return f"event {self.event_id} → {self.endpoint_id}"

    @property
    def kind(self) -> str:
        """The event's kind as the endpoint subscribed to it."""
        return ADJUSTMENT if self.adjustment_event_id else self.change.kind


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
