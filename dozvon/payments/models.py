"""DUN payments reported by the partner (API.md round 2): one row per bank payment, unique
by the partner's reference within the project (the idempotency key of the report), with
the operator it is attributed to under DUN-9 frozen when it arrives."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dozvon.core import limits
from dozvon.payments.rules import REFERENCE


class WorkKind(models.TextChoices):
    """What the operator did last before the payment (DUN-9 Decisions: call, email,
    postponement or another result)."""

    CALL = "call", _("Call")
    OUTCOME = "outcome", _("Result")
    EMAIL = "email", _("Email")


class Payment(models.Model):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="payments", verbose_name=_("order")
    )
    amount = models.DecimalField(
        _("amount"), max_digits=limits.AMOUNT_DIGITS, decimal_places=limits.MONEY_PLACES
    )
    currency = models.CharField(_("currency"), max_length=limits.CURRENCY)
    paid_at = models.DateTimeField(_("paid at"))
    reference = models.CharField(_("reference"), max_length=REFERENCE)
    # DUN-9: the operator who worked the order last before the payment, what and when
    attributed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("attributed to"),
    )
    attributed_kind = models.CharField(
        _("last work"), max_length=16, choices=WorkKind.choices, blank=True, default=""
    )
    attributed_at = models.DateTimeField(_("last work at"), null=True, blank=True)
    # the status the order had when the payment arrived (a cancelled order may be paid)
    status_before = models.CharField(_("status before"), max_length=limits.CODE, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
    )
    created_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "reference"], name="payment_reference"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]
        indexes = [
            # DUN-9 KPI: a project's payments by day
            models.Index(fields=["project", "paid_at"], name="payment_project_paid"),
            models.Index(fields=["order", "id"], name="payment_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.currency}"
