"""X-8 call attempts: each with time, duration and result, made on an order or on an
inbound interaction (SUB, NBO) — exactly one of the two."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dozvon.core import limits


class CallResult(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    INVALID_NUMBER = "invalid_number", _("Invalid number")
    VOICEMAIL = "voicemail", _("Voicemail")


class CallAttempt(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="calls"
    )
    interaction = models.ForeignKey(
        "interactions.Interaction",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calls",
        verbose_name=_("interaction"),
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("operator"),
    )
    started_at = models.DateTimeField(_("started at"))
    duration_s = models.PositiveIntegerField(_("duration, s"), default=0)
    result = models.CharField(_("result"), max_length=16, choices=CallResult.choices)
    # the caller line it was made from, one of the playbook's `caller_lines` (DUN-7: calls
    # from different numbers); empty on attempts recorded before lines existed
    line = models.CharField(_("caller line"), max_length=limits.CODE, null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")
        ordering = ["started_at", "id"]
        indexes = [
            models.Index(fields=["order", "started_at"], name="call_order_started"),
            models.Index(fields=["interaction", "started_at"], name="call_interaction_started"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=False, interaction__isnull=True)
                | Q(order__isnull=True, interaction__isnull=False),
                name="callattempt_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.started_at:%d.%m.%Y %H:%M} {self.get_result_display()}"
