"""X-11 report summaries, kept incrementally on PostgreSQL (like the queue tab tally).

Triggers on calls, timeline lines and orders (migration 0002, SQL in `tally.py`) keep
these rows exact inside every writing transaction, keyed by the project's *local* day
(per operator) or local day and hour (all operators), so a month's report sums a few
thousand summary rows instead of scanning hundreds of thousands of calls and timeline
lines. A change of the project's time zone recounts the
project. Never written from Python; SQLite (the embedded demo) reads the raw rows instead
(`sources.py`). `operator_id` is a user id, 0 when nobody (a call without an operator).
"""

from __future__ import annotations

from django.db import models

SLOTS = 16  # hour rows are spread over slots (operator id mod SLOTS): no hot row


class OperatorDay(models.Model):
    """Calls, contacts (answered calls), talk time (seconds of answered calls) and orders
    worked (once per operator, order and local day) per project, local day and operator."""

    # the unique key below starts with project: no separate index to keep up
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    day = models.DateField()
    operator_id = models.BigIntegerField()
    calls = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    talk_s = models.BigIntegerField(default=0)
    worked = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "day", "operator_id"], name="reports_operatorday_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.day} op {self.operator_id}"


class ActivityHour(models.Model):
    """The same per local day and hour, all operators together (orders worked counted in
    the hour of an operator's first touch of the order that day), over SLOTS rows."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    day = models.DateField()
    hour = models.SmallIntegerField()
    slot = models.SmallIntegerField()
    calls = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    talk_s = models.BigIntegerField(default=0)
    worked = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "day", "hour", "slot"], name="reports_activityhour_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.day} {self.hour}h"


class OutcomeDay(models.Model):
    """Results saved by operators per project, local day, operator, outcome, the status it
    set and its reason (problem); with the orders' totals, upsells (orders with a
    secondary, non-gift item) and gift units at the moment of saving."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    day = models.DateField()
    operator_id = models.BigIntegerField()
    outcome = models.CharField(max_length=40)
    status = models.CharField(max_length=40)
    problem = models.CharField(max_length=40)
    n = models.IntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    upsells = models.IntegerField(default=0)
    gifts = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "day", "operator_id", "outcome", "status", "problem"],
                name="reports_outcomeday_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.day} op {self.operator_id} {self.outcome}"


class OutcomeHour(models.Model):
    """The same per local day and hour, all operators together, over SLOTS rows."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    day = models.DateField()
    hour = models.SmallIntegerField()
    slot = models.SmallIntegerField()
    outcome = models.CharField(max_length=40)
    status = models.CharField(max_length=40)
    problem = models.CharField(max_length=40)
    n = models.IntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    upsells = models.IntegerField(default=0)
    gifts = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "day", "hour", "slot", "outcome", "status", "problem"],
                name="reports_outcomehour_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.day} {self.hour}h {self.outcome}"


class FunnelDay(models.Model):
    """How many orders received on a local day stand in each status now, spread over
    SLOTS rows so concurrent intakes do not queue on one hot row."""

    SLOTS = 8

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    day = models.DateField()
    status = models.CharField(max_length=40)
    slot = models.SmallIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "day", "status", "slot"], name="reports_funnelday_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.day} {self.status}: {self.n}"
