"""Work that is not an order: an inbound interaction with a customer (SUB, NBO).

A subscriber phones in about a subscription, a telecom customer about a number; the
operator talks, maybe makes an offer or places an order, and records a subject and a
comment. The interaction is the subject of its own timeline lines (X-6), call attempts
(X-8) and audit rows (X-12), as an order is of its own; what a playbook adds (the
subscription contacted, the offers voiced) will hang from it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dozvon.core import limits
from dozvon.interactions.rules import SUBJECT_MAX


class Line(models.TextChoices):
    """The operator line that took the interaction (X-2; NBO-3: the second makes no offers)."""

    FIRST = "first", _("First line")
    SECOND = "second", _("Second line")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class Transfer(models.TextChoices):
    """Where the interaction was handed on (NBO-3: those to another split leave the offer
    reports)."""

    NONE = "", _("Not transferred")
    IVR = "ivr", _("To the IVR")
    OTHER_SPLIT = "other_split", _("To another split")
    SECOND_LINE = "second_line", _("To the second line")


class Interaction(models.Model):
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="interactions",
        verbose_name=_("project"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions",
        verbose_name=_("customer"),
        help_text=_("Empty for a caller who is not a known customer."),
    )
    phone = models.CharField(_("phone"), max_length=limits.PHONE, blank=True, default="")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
        verbose_name=_("operator"),
    )
    line = models.CharField(_("line"), max_length=8, choices=Line.choices, default=Line.FIRST)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.INBOUND
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX, blank=True, default="")
    comment = models.TextField(_("comment"), blank=True, default="")
    transferred_to = models.CharField(
        _("transferred to"), max_length=16, choices=Transfer.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(_("created at"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            # the inbound desk: this number's earlier interactions, newest first (SUB, NBO)
            models.Index(fields=["project", "phone", "-started_at"], name="interaction_phone"),
            # a customer card's history of contacts
            models.Index(
                fields=["project", "customer", "-started_at"], name="interaction_customer"
            ),
            # an operator's day, reports per operator
            models.Index(
                fields=["project", "operator", "-started_at"], name="interaction_operator"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.phone} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.ended_at is not None
