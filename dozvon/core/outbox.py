"""An outbox worked by the `dozvon worker`: rows to send, each sent by one task, never lost
and sent by one worker at a time — the lease and the sweep written once, for the email
outbox (messaging.sending, X-9: docs/outbox.md) and the partner webhooks
(webhooks.sending).

An outbox row has these fields (their names are the recipe's):

``state``            "queued" until it is sent ("sent") or given up ("failed")
``next_attempt_at``  when it is due
``attempts``         the claims so far
``claimed_until``    the lease: while it runs, one sender works the row; null when free
``claim_token``      whose claim it is (empty when free)

and one send task, which takes the row's id. The recipe:

- **claim** (`Outbox.claim`): one compare-and-set UPDATE — queued, due, and nobody's live
  lease → our token, a lease (`lease()` from now), one more attempt — correct on SQLite
  and PostgreSQL alike (STACK-NOTES: SQLite ignores `select_for_update`). The sender then
  works *outside* any transaction and writes its result under its token
  (`Outbox.mine`, `release`, `retry`): a row a sweep took back meanwhile is left alone;
- **retry** (`Outbox.retry`): lease released, due again later, its task enqueued for that
  moment in the same transaction;
- **sweep** (`Outbox.sweep`, every few minutes): a queued row whose lease ran out (its
  sender died mid-send) is freed and its task enqueued to run now; a queued row nobody
  claimed `lost_after` past its due time (its task row is gone) is made due now and its
  task enqueued for now. Each take-back is a compare-and-set on what the sweep read, so a
  sender that moved on meanwhile keeps its row;
- **send again** (`Outbox.requeue`, a supervisor's retry): a failed row, or a queued one
  waiting for its next attempt and not being sent, is due now with its task enqueued.

The send task is named by its module path: the task's module imports its sender, which
uses this outbox to enqueue the task again (a retry, a sweep) — the path is resolved when
a task is enqueued, as django-tasks itself resolves a task row's path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from django.db import models, transaction
from django.db.models import F, Q
from django.utils.module_loading import import_string
from django_tasks.base import Task

log = logging.getLogger(__name__)

QUEUED = "queued"
FAILED = "failed"
LOST_AFTER = timedelta(minutes=10)  # queued, unclaimed and this long overdue: task lost
SWEEP_BATCH = 500


@dataclass(frozen=True)
class Outbox:
    """One outbox: its rows' model (the fields above), its send task, its lease; e.g.
    ``Outbox(OutboxMessage, "dozvon.messaging.tasks.send_message", lease)``."""

    model: type[models.Model]
    send_task: str  # the module path of the task that sends one row, given its id
    lease: Callable[[], timedelta]  # how long a claim keeps other senders off
    lost_after: timedelta = LOST_AFTER
    batch: int = SWEEP_BATCH

    # --- the send task ---------------------------------------------------------------

    def task(self) -> Task:
        """The send task, found by its path (see the module)."""
        task = import_string(self.send_task)
        if not isinstance(task, Task):
            raise TypeError(f"{self.send_task} is not a task")
        return task

    def enqueue(self, pk: int, *, at: datetime | None = None) -> None:
        """Enqueue the row's send task (to run at `at`, now when None), in the caller's
        transaction: it commits, or not, with the row's change."""
        task = self.task()
        (task.using(run_after=at) if at else task).enqueue(pk)

    # --- the lease ---------------------------------------------------------------------

    @staticmethod
    def free(now: datetime) -> Q:
        """Nobody's live claim."""
        return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)

    def claim(self, pk: int, *, now: datetime) -> str | None:
        """Claim the row if it is queued, due and free: our token, or None (sent already,
        not due yet, or being sent by another worker)."""
        token = uuid4().hex
        with transaction.atomic():
            claimed = (
                self.model.objects.filter(pk=pk, state=QUEUED, next_attempt_at__lte=now)
                .filter(self.free(now))
                .update(
                    claimed_until=now + self.lease(),
                    claim_token=token,
                    attempts=F("attempts") + 1,
                )
            )
        return token if claimed else None

    def mine(self, pk: int, token: str) -> models.QuerySet:
        """The row while it is queued under our claim: what a sender's result updates."""
        return self.model.objects.filter(pk=pk, state=QUEUED, claim_token=token)

    def release(self, pk: int, token: str, **changes) -> bool:
        """Write the result under our claim and give the claim up; False when the row is
        no longer ours (a sweep took it back)."""
        return bool(self.mine(pk, token).update(claimed_until=None, claim_token="", **changes))

    def retry(self, pk: int, token: str, *, at: datetime, **changes) -> bool:
        """Give the claim up with the row due again at `at`, its task enqueued for then, in
        one transaction (the caller's when there is one)."""
        with transaction.atomic(savepoint=False):
            done = self.release(pk, token, next_attempt_at=at, **changes)
            if done:
                self.enqueue(pk, at=at)
        return done

    # --- a supervisor's "send again" ----------------------------------------------------

    def retryable(self, now: datetime) -> Q:
        """What may be sent again now: failed, or queued for a later attempt and free (the
        compare-and-set of `requeue`, as `outbox_rules.retry_problems` says it)."""
        return Q(state=FAILED) | (Q(state=QUEUED, next_attempt_at__gt=now) & self.free(now))

    def requeue(self, pk: int, *, now: datetime, **changes) -> bool:
        """Queue the row again, due now, its task enqueued, in the caller's transaction;
        False when it may not be sent again (sent, or being sent)."""
        done = (
            self.model.objects.filter(pk=pk)
            .filter(self.retryable(now))
            .update(
                state=QUEUED, next_attempt_at=now, claimed_until=None, claim_token="", **changes
            )
        )
        if done:
            self.enqueue(pk)
        return bool(done)

    # --- the sweep -----------------------------------------------------------------------

    def sweep(self, *, now: datetime) -> int:
        """Enqueue again the queued rows whose sending was lost: claimed by a worker whose
        lease ran out (it died mid-send), or never claimed `lost_after` past their due time
        (the task row is gone). How many were enqueued."""
        expired = Q(claimed_until__lt=now)
        unclaimed = Q(claimed_until__isnull=True, next_attempt_at__lt=now - self.lost_after)
        lost = self.model.objects.filter(state=QUEUED).filter(expired | unclaimed)
        enqueued = 0
        for pk, token, claimed in lost.order_by("next_attempt_at").values_list(
            "pk", "claim_token", "claimed_until"
        )[: self.batch]:
            with transaction.atomic():
                # the same conditions again, as a compare-and-set: a worker may have moved on
                again = lost.filter(pk=pk, claim_token=token)
                changes = {"claimed_until": None, "claim_token": ""}
                if claimed is None:
                    # a lost task: due again now (so the next sweep waits lost_after again)
                    changes["next_attempt_at"] = now
                # an expired claim keeps its time (it was due), its task runs at once
                if again.update(**changes):
                    self.enqueue(pk, at=now if claimed is None else None)
                    enqueued += 1
                    log.warning(
                        "%s %s: its sending was lost, enqueued again",
                        self.model._meta.label,
                        pk,
                    )
        return enqueued
