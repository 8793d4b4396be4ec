"""X-6: the append-only history of an order or of an inbound interaction (work that is not
an order), in one neutral app the orders and the interactions both write to
(`orders.services.events.record`) and read (`history.words`: its values in words).

The table is `orders_timelineentry`, as before the model moved here (issue 26): the
append-only triggers and the report summaries' triggers are on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimelineKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    CALL = "call", _("Call")
    STATUS = "status", _("Status")
    MESSAGE = "message", _("Message")
    AUTO = "auto", _("Automatic action")
    EDIT = "edit", _("Edit")


class TimelineEntry(models.Model):
    """X-6: one ordered, append-only history per order, and per inbound interaction (SUB,
    NBO: work that is not an order). A line belongs to exactly one of the two. Never
    updated, never deleted."""

    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="timeline"
    )
    interaction = models.ForeignKey(
        "interactions.Interaction",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="timeline",
        verbose_name=_("interaction"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=TimelineKind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    text = models.TextField(_("text"), blank=True, default="")
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        db_table = "orders_timelineentry"  # where it has always been (triggers, reports)
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["order", "id"], name="timeline_order"),
            models.Index(fields=["interaction", "id"], name="timeline_interaction"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=False, interaction__isnull=True)
                | Q(order__isnull=True, interaction__isnull=False),
                name="timelineentry_one_subject",
            )
        ]

    def __str__(self) -> str:
        # the admin's inline row title; the line itself is rendered beside it
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("the timeline is append-only (X-6)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("the timeline is append-only (X-6)")
