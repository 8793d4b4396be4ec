"""Queue sizes over the day for supervisors: a snapshot of every tab's count."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class QueueSnapshot(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE)
    at = models.DateTimeField(_("at"))
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        verbose_name = _("queue snapshot")
        verbose_name_plural = _("queue snapshots")
        indexes = [models.Index(fields=["project", "at"], name="queuesnapshot_project_at")]

    def __str__(self) -> str:
        return f"{self.project} {self.at:%Y-%m-%d %H:%M}"


class TabTally(models.Model):
    """How many orders of a project sit in one bucket, by local arrival day and failed calls
    (capped at FAILED_CAP), spread over SLOTS rows so concurrent intakes do not queue on one
    hot row. On PostgreSQL a trigger on orders_order keeps it exact inside every writing
    transaction (migration queues 0002), so the tab counts are a sum over a few thousand
    tally rows instead of a COUNT(*) over up to hundreds of thousands of orders. Never
    written from Python."""

    FAILED_CAP = 15
    SLOTS = 16

    # the unique key below starts with project: no separate index to keep up
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, db_index=False)
    bucket = models.CharField(max_length=40)
    day = models.DateField()
    failed = models.SmallIntegerField()
    slot = models.SmallIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "bucket", "day", "failed", "slot"], name="tabtally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.bucket} {self.day} {self.failed}: {self.n}"
