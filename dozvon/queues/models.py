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
