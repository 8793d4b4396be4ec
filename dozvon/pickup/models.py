"""PICK: the facts of each order's parcel (SPEC PICK-1…5).

`Shipment` is one order's parcel as the partner last reported it, plus what the calls
about it decided (the day the customer will collect, an extension asked for, another
point asked for) and who reached the customer (PICK-4). `ShipmentReport` keeps every
report received, unique by (order, state, at): the same report again finds its row and
changes nothing (API.md round 3). `PickupReminder` is PICK-3's one reminder per parcel,
unique by order, so a reminder run twice (or by two workers) sends one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dozvon.pickup import rules


class ShipmentState(models.TextChoices):
    SHIPPED = rules.SHIPPED, _("Shipped")
    ARRIVED = rules.ARRIVED, _("Arrived at the pickup point")
    COLLECTED = rules.COLLECTED, _("Collected")
    RETURNED = rules.RETURNED, _("Returned")


class Shipment(models.Model):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.CASCADE,
        related_name="pickup_shipment",
        verbose_name=_("order"),
    )
    state = models.CharField(_("parcel state"), max_length=16, choices=ShipmentState.choices)
    state_at = models.DateTimeField(_("state reported for"))
    tracking = models.CharField(_("tracking number"), max_length=rules.TRACKING_MAX, blank=True)
    pickup_point = models.CharField(_("pickup point"), max_length=rules.POINT_MAX, blank=True)
    storage_until = models.DateField(_("stored until"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    # PICK-1/4: the first arrival (the buyout's cohort day) and the latest one (the clock
    # of the worklist: a parcel sent to another point arrives again)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    last_arrived_at = models.DateTimeField(_("arrived again at"), null=True, blank=True)
    enters_at = models.DateTimeField(_("enters the worklist at"), null=True, blank=True)
    entered_at = models.DateTimeField(_("entered the worklist at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("collected or returned at"), null=True, blank=True)
    # PICK-2: what the calls decided
    collect_on = models.DateField(_("will collect on"), null=True, blank=True)
    extension_asked_for = models.DateField(
        _("storage extension asked for the end"), null=True, blank=True
    )
    requested_point = models.CharField(
        _("pickup point asked for"), max_length=rules.POINT_MAX, blank=True
    )
    refuse_reason = models.CharField(_("refusal reason"), max_length=40, blank=True)
    # PICK-4: who reached the customer last (a saved result about the parcel)
    worked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reached by"),
    )
    worked_at = models.DateTimeField(_("reached at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        indexes = [
            # the worker's passes: parcels at their point by when they enter the worklist
            models.Index(fields=["state", "enters_at"], name="pickup_ship_state_enters"),
            models.Index(fields=["state", "storage_until"], name="pickup_ship_state_until"),
            # PICK-4: the buyout's cohorts per project and arrival day
            models.Index(fields=["project", "arrived_at"], name="pickup_ship_proj_arrived"),
        ]

    def __str__(self) -> str:
        return f"#{self.order_id} {self.state}"


class ShipmentReport(models.Model):
    """PICK-1: a report as the partner sent it; (order, state, at) once."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.CASCADE,
        related_name="pickup_reports",
        verbose_name=_("order"),
    )
    state = models.CharField(_("parcel state"), max_length=16, choices=ShipmentState.choices)
    at = models.DateTimeField(_("reported for"))
    pickup_point = models.CharField(_("pickup point"), max_length=rules.POINT_MAX, blank=True)
    storage_until = models.DateField(_("stored until"), null=True, blank=True)
    tracking = models.CharField(_("tracking number"), max_length=rules.TRACKING_MAX, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
    )
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("parcel report")
        verbose_name_plural = _("parcel reports")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "state", "at"], name="pickup_report_once_per_state_and_time"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.order_id} {self.state} {self.at:%Y-%m-%d %H:%M}"


class PickupReminder(models.Model):
    """PICK-3: the one reminder of a parcel (the email in the outbox, or why none went)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.CASCADE,
        related_name="pickup_reminder",
        verbose_name=_("order"),
    )
    storage_until = models.DateField(_("stored until"))
    message = models.ForeignKey(
        "messaging.OutboxMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("email"),
    )
    problem = models.CharField(_("not sent because"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("parcel reminder")
        verbose_name_plural = _("parcel reminders")

    def __str__(self) -> str:
        return f"#{self.order_id} {self.at:%Y-%m-%d}"
