"""X-10 (issue 25): writing a committed subscriptions file, batch by batch.

The rows were read once, at upload (`SubscriptionImport.rows`). A commit (`uploads.
import_commit`) marks the file `queued`; the worker's task (`tasks.import_run`) then runs
`import_work`: the rows not written yet are checked whole first — a refused row stops the
file before anything is written — and written BATCH rows at a time, each batch one
transaction through `subscriptions_upsert` (the one write path) that also moves the
file's cursor (`done`) and counts. So a batch is written entirely or not at all, and
never twice: a second run, a task run again after a worker died, or two workers at once
each take the next batch from the locked cursor, and a finished file is left alone. A
row refused by a change made meanwhile stops the file (`failed`, saying which line and
why) with the batches before it written; a new commit carries on from there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import datetime
from typing import Any

from django.db import DatabaseError, transaction

from dozvon.audit.services import audit_record
from dozvon.core.errors import DomainError, RuleViolations, Violation, violation
from dozvon.subscriptions import importing
from dozvon.subscriptions.audit_actions import SubAuditAction
from dozvon.subscriptions.models import ImportState, SubscriptionImport
from dozvon.subscriptions.services import refused_rows, subscriptions_check, subscriptions_upsert

log = logging.getLogger(__name__)

BATCH = 500  # rows written in one transaction (and a file this small commits in the request)
ACTIVE = (ImportState.QUEUED, ImportState.RUNNING)
FAILURES_KEPT = 50  # refusals kept on a stopped file (the first ones, in line order)
COUNTS = ("created", "updated", "unchanged")


def line_prefix(rows: Sequence[list[Any]]) -> Callable[[int], str]:
    """A refusal's place: the row's line in the file (`line 7.customer.phone`)."""
    return lambda index: f"line {rows[index][0]}"


def import_batch(*, import_id: int, rows: Sequence[list[Any]], now: datetime, size: int = BATCH):
    """The next `size` rows of a queued or running file, written in one transaction with
    its cursor and counts; True once the file is finished (or was not running). A refusal
    raises (RuleViolations, or the actor's access gone) with nothing of the batch written."""
    with transaction.atomic():
        upload = (
            SubscriptionImport.objects.select_for_update(of=("self",))
            .select_related("project", "committed_by")
            .defer("rows", "preview")
            .filter(pk=import_id)
            .first()
        )
        if upload is None or upload.state not in ACTIVE:
            return True
        chunk = rows[upload.done : upload.done + size]
        counts = {name: 0 for name in COUNTS} | dict(upload.result or {})
        if chunk:
            results = subscriptions_upsert(
                project=upload.project,
                rows=[row for _, row in chunk],
                actor=upload.committed_by,
                now=now,
                prefix=line_prefix(chunk),
                source=f"file:{upload.pk}",
            )
            for result in results:
                counts[result.result] += 1
        upload.done += len(chunk)
        upload.result = counts
        upload.progress_at = now
        upload.state = ImportState.RUNNING
        if upload.done >= upload.total:
            upload.state = ImportState.DONE
            upload.committed_at = now
            audit_record(
                actor=upload.committed_by,
                action=SubAuditAction.SUBSCRIPTION_IMPORT,
                target_type="subscriptionimport",
                target_id=upload.pk,
                project=upload.project,
                changes={"file": upload.filename, **counts},
                now=now,
            )
        upload.save(update_fields=["done", "result", "progress_at", "state", "committed_at"])
        return upload.state == ImportState.DONE


def import_check_rest(*, import_id: int, rows: Sequence[list[Any]], now: datetime) -> bool:
    """Before the first write: the rows not written yet checked whole (reads only, no
    lock held); a refused row raises RuleViolations naming every refused line. Marks the
    file running; False when there is nothing to do (finished, stopped or gone)."""
    upload = (
        SubscriptionImport.objects.select_related("project")
        .defer("rows", "preview")
        .filter(pk=import_id)
        .first()
    )
    if upload is None or upload.state not in ACTIVE:
        return False
    rest = rows[upload.done :]
    checks = subscriptions_check(project=upload.project, rows=[row for _, row in rest], now=now)
    found = refused_rows(checks, line_prefix(rest))
    if found:
        raise RuleViolations(found)
    SubscriptionImport.objects.filter(pk=import_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING, progress_at=now
    )
    return True


def import_stop(*, import_id: int, why: Sequence[Violation], now: datetime) -> bool:
    """A running file stopped (`failed`), saying why; False when it was not running."""
    kept = [importing.violation_json(v) for v in why[:FAILURES_KEPT]]
    if len(why) > FAILURES_KEPT:
        more = violation("X-10", "file", "And %(n)s more refusals.", n=len(why) - FAILURES_KEPT)
        kept.append(importing.violation_json(more))
    stopped = SubscriptionImport.objects.filter(pk=import_id, state__in=ACTIVE).update(
        state=ImportState.FAILED, failure=kept, progress_at=now
    )
    return bool(stopped)


def refusals_of(exc: DomainError) -> list[Violation]:
    if isinstance(exc, RuleViolations):
        return exc.violations
    return [
        violation(
            "X-2",
            "file",
            "The person who started the import may no longer import into this project.",
        )
    ]


def import_work(*, import_id: int, now_fn: Callable[[], datetime]) -> SubscriptionImport | None:
    """The task's body: the file's rows not written yet checked, then written batch after
    batch. A refusal stops the file with its reasons; an unexpected error stops it too
    (the task then fails with the error, for the log)."""
    rows = SubscriptionImport.objects.filter(pk=import_id).values_list("rows", flat=True).first()
    if rows is None:
        return None
    try:
        if import_check_rest(import_id=import_id, rows=rows, now=now_fn()):
            while not import_batch(import_id=import_id, rows=rows, now=now_fn()):
                pass
    except DomainError as exc:
        import_stop(import_id=import_id, why=refusals_of(exc), now=now_fn())
    except Exception:
        log.exception("subscriptions file %s: the import stopped on an error", import_id)
        with suppress(DatabaseError):
            import_stop(
                import_id=import_id,
                why=[violation("X-10", "file", "The import stopped on an error; try again.")],
                now=now_fn(),
            )
        raise
    return SubscriptionImport.objects.defer("rows").filter(pk=import_id).first()
