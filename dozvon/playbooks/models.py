"""Playbooks as data (STYLE "Policy is data"): loaded from `dozvon/playbooks/*.toml`.

`definition` is the validated file the engine runs on; the rows below mirror it so
supervisors can inspect statuses, outcomes, rules and queues in the admin. Rows are
replaced only by loading a file (`dozvon playbooks`), which is audited.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Names(models.Model):
    name_ru = models.CharField(_("name (ru)"), max_length=200)
    name_uk = models.CharField(_("name (uk)"), max_length=200)
    name_en = models.CharField(_("name (en)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "ru")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_ru


class Playbook(Names):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    source_sha256 = models.CharField(max_length=64, editable=False)
    definition = models.JSONField(_("definition"), editable=False)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        ordering = ["code"]


class StatusGroup(Names):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("status group")
        verbose_name_plural = _("status groups")
        ordering = ["playbook", "position"]
        constraints = [
            models.UniqueConstraint(fields=["playbook", "code"], name="statusgroup_code")
        ]


class Status(Names):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="statuses")
    group = models.ForeignKey(StatusGroup, on_delete=models.CASCADE, related_name="statuses")
    code = models.CharField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    is_initial = models.BooleanField(_("initial"), default=False)

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["playbook", "position"]
        constraints = [models.UniqueConstraint(fields=["playbook", "code"], name="status_code")]


class Problem(Names):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="problems")
    code = models.CharField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["playbook", "position"]
        constraints = [models.UniqueConstraint(fields=["playbook", "code"], name="problem_code")]


class Outcome(Names):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="outcomes")
    code = models.CharField(_("code"), max_length=40)
    rule = models.CharField(_("SPEC rule"), max_length=20)
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="+")
    requires = models.JSONField(_("required fields"), default=list)
    forbids = models.JSONField(_("fields that must be empty"), default=list)
    problems = models.JSONField(_("allowed problems"), default=list)
    checks = models.JSONField(_("rules checked"), default=list)
    routes = models.JSONField(_("queue routing"), default=list)
    roles = models.JSONField(_("roles allowed"), default=list)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["playbook", "position"]
        constraints = [models.UniqueConstraint(fields=["playbook", "code"], name="outcome_code")]


class Queue(Names):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="queues")
    code = models.CharField(_("code"), max_length=40)
    callable = models.BooleanField(_("operators call from it"), default=True)
    take = models.CharField(_("order of taking"), max_length=32)
    match = models.JSONField(_("which orders it holds"), default=dict)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["playbook", "position"]
        constraints = [models.UniqueConstraint(fields=["playbook", "code"], name="queue_code")]
