"""What the automation engine has done: one row per (order, trigger, occurrence) applied.

The unique key is the idempotency: a trigger run twice, or by two workers at once, finds
the row (or fails to insert it) and does nothing the second time. Rows are written in the
same transaction as the trigger's effects, so an effect is applied exactly when its row
exists. They are also the clock of triggers that count from another trigger's run
(DUN-1: six weeks from entering the worklist).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TriggerRun(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    # looked up through `trigger_run_once`, which starts with the order
    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    trigger = models.CharField(_("trigger"), max_length=40)
    # "once" for a trigger that runs once per order; "after:<run id>" for one that runs
    # once per run of the trigger it counts from (playbooks/automation_def.py)
    key = models.CharField(_("occurrence"), max_length=64)
    rule = models.CharField(_("SPEC rule"), max_length=16)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("trigger run")
        verbose_name_plural = _("trigger runs")
        constraints = [
            models.UniqueConstraint(fields=["order", "trigger", "key"], name="trigger_run_once")
        ]
        indexes = [
            # age triggers counting from another trigger's run: a range of `at`
            models.Index(fields=["project", "trigger", "at"], name="trigger_run_since")
        ]

    def __str__(self) -> str:
        return f"{self.trigger} #{self.order_id} {self.key}"


class TriggerSwitch(models.Model):
    """A project's own choice to run one of its playbook's triggers or not (DUN-8: the
    nightly clean-up of exhausted orders is off in the file until a supervisor switches
    it on for the project). Without a row the playbook's `enabled` holds."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    trigger = models.CharField(_("trigger"), max_length=40)
    enabled = models.BooleanField(_("enabled"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("trigger switch")
        verbose_name_plural = _("trigger switches")
        constraints = [
            models.UniqueConstraint(fields=["project", "trigger"], name="trigger_switch_once")
        ]

    def __str__(self) -> str:
        return f"{self.trigger} {'on' if self.enabled else 'off'} ({self.project_id})"
