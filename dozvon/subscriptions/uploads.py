"""X-10: a supervisor's subscriptions file — read once, when it is uploaded (issue 25), its
rows and its preview (every row checked, the refused ones first) kept on the
`SubscriptionImport`; then committed through `subscriptions_upsert`.

The preview is read from what was kept: a page opened again never reads the file again
(its bytes are not kept). A commit of up to SYNC_ROWS rows is written in the request, all
rows or none, as before; a larger one is queued for the worker in the transaction of the
click (`tasks.import_run`, `import_work.py`), which checks the rows whole and writes them
in batches while the preview page shows its progress. A second click, or a click while
the worker works, queues nothing more; a file whose worker stopped (no progress for
STALLED) or that was stopped by a refusal may be committed again and carries on where it
stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from dozvon.core.errors import NotFound, RuleViolations, Violation, violation
from dozvon.projects.access import INTAKE, SUPERVISE, ensure_can
from dozvon.subscriptions import importing, rules
from dozvon.subscriptions.import_work import ACTIVE, BATCH, import_batch
from dozvon.subscriptions.models import ImportState, SubscriptionImport
from dozvon.subscriptions.selectors import ensure_keeps_subscriptions
from dozvon.subscriptions.services import subscriptions_check
from dozvon.subscriptions.tasks import import_run

KEEP = timedelta(days=7)  # files older than this (committed or not) are dropped on upload
PREVIEW_ROWS = 200  # rows kept for the preview (refused ones first); the counts cover all
SHOWN_CHARS = 100  # of a cell in the preview
SYNC_ROWS = BATCH  # a commit of up to this many rows is written in the request
STALLED = timedelta(minutes=10)  # a queued or running file without progress this long
SHOWN = ("number", "name", "phone", "collection", "plan", "issues_total", "issues_delivered")


@dataclass(frozen=True)
class PreviewRow:
    line: int
    raw: dict[str, str]  # the cells as shown (cut to SHOWN_CHARS)
    group: str  # the group the row gets (derived when the cell is empty), else the cell
    suspend_on: str
    violations: list[Violation] = field(default_factory=list)


@dataclass
class Preview:
    upload: SubscriptionImport
    problems: list[Violation] = field(default_factory=list)  # the file as a whole
    total: int = 0
    refused: int = 0
    rows: list[PreviewRow] = field(default_factory=list)  # the first PREVIEW_ROWS

    @property
    def ok(self) -> bool:
        return not self.problems and self.total > 0 and not self.refused

    @property
    def shown(self) -> int:
        return len(self.rows)


def _shown(value: Any) -> str:
    text = rules.text_of(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _preview_data(stored: list[list[Any]], checks) -> dict[str, Any]:
    order = sorted(range(len(checks)), key=lambda i: (not checks[i].violations, stored[i][0]))
    rows = []
    for i in order[:PREVIEW_ROWS]:
        line, raw = stored[i]
        check = checks[i]
        rows.append(
            {
                "line": line,
                "raw": {name: _shown(raw.get(name)) for name in SHOWN},
                "group": check.row.group if check.row else _shown(raw.get("group")),
                "suspend_on": _shown(raw.get("suspend_on")),
                "violations": [importing.violation_json(v) for v in check.violations],
            }
        )
    return {
        "problems": [],
        "total": len(checks),
        "refused": sum(1 for c in checks if c.violations),
        "rows": rows,
    }


def import_upload(
    *, project, actor, filename: str, content: bytes, now: datetime
) -> SubscriptionImport:
    """Read the file once and keep its rows and its preview (no subscription is written).
    A file that cannot be read is refused here (RuleViolations), nothing kept."""
    ensure_can(actor, project, SUPERVISE)
    ensure_keeps_subscriptions(project)
    if len(content) > importing.MAX_FILE_BYTES:
        raise RuleViolations([violation("X-10", "file", "The file is larger than 10 MB.")])
    sheet = importing.read_sheet(content, filename)
    if sheet.problems:
        raise RuleViolations(sheet.problems)
    stored = importing.stored_rows(sheet)
    # checked as kept: the rows the commit writes are these
    checks = subscriptions_check(project=project, rows=[row for _, row in stored], now=now)
    with transaction.atomic():
        SubscriptionImport.objects.filter(project=project, created_at__lt=now - KEEP).delete()
        return SubscriptionImport.objects.create(
            project=project,
            uploaded_by=actor,
            filename=(filename or "file")[-255:],
            rows=stored,
            preview=_preview_data(stored, checks),
            total=len(stored),
            created_at=now,
        )


def import_get(*, import_id: int, project, actor) -> SubscriptionImport:
    """The file with its preview and state (its rows are not loaded)."""
    ensure_can(actor, project, SUPERVISE)
    found = SubscriptionImport.objects.defer("rows").filter(pk=import_id, project=project).first()
    if found is None:
        raise NotFound()
    return found


def import_preview(*, upload: SubscriptionImport) -> Preview:
    """The preview kept at upload: the file is not read again."""
    data = upload.preview or {}
    return Preview(
        upload,
        problems=[importing.violation_of(v) for v in data.get("problems", [])],
        total=int(data.get("total", 0)),
        refused=int(data.get("refused", 0)),
        rows=[
            PreviewRow(
                line=row["line"],
                raw=row["raw"],
                group=row["group"],
                suspend_on=row["suspend_on"],
                violations=[importing.violation_of(v) for v in row["violations"]],
            )
            for row in data.get("rows", [])
        ],
    )


def import_stalled(*, upload: SubscriptionImport, now: datetime) -> bool:
    """Queued or running without progress for STALLED: its worker may have stopped."""
    at = upload.progress_at or upload.queued_at
    return upload.state in ACTIVE and (at is None or at < now - STALLED)


def import_failure(upload: SubscriptionImport) -> list[Violation]:
    return [importing.violation_of(v) for v in upload.failure or []]


def import_refusals(preview: Preview) -> list[Violation]:
    """Why a previewed file cannot be committed: the file's problems, or its refused rows
    as kept (each named by its line; the refused rows come first in the kept ones)."""
    return preview.problems + [
        replace(v, field=f"line {row.line}.{v.field}")
        for row in preview.rows
        for v in row.violations
    ]


def import_commit(*, import_id: int, project, actor, now: datetime) -> SubscriptionImport:
    """Commit the file: up to SYNC_ROWS rows written now (`done`, or RuleViolations naming
    each refused row's line and field with nothing written), more queued for the worker
    (`queued`). A file whose preview refused rows is refused as it is (upload it fixed).
    A file done, queued or running is returned as it is: nothing is queued twice; a
    stalled or stopped one carries on from the rows it wrote."""
    with transaction.atomic():
        upload = import_get(import_id=import_id, project=project, actor=actor)
        ensure_can(actor, project, INTAKE)
        ensure_keeps_subscriptions(project)
        upload = SubscriptionImport.objects.select_for_update().defer("rows").get(pk=upload.pk)
        if upload.state == ImportState.DONE:
            return upload
        if upload.state in ACTIVE and not import_stalled(upload=upload, now=now):
            return upload  # a second click: the worker has it
        refused = import_refusals(import_preview(upload=upload))
        if refused:
            raise RuleViolations(refused)
        if upload.state not in ACTIVE:
            upload.state = ImportState.QUEUED
            upload.committed_by = actor
            upload.failure = []
        upload.queued_at = upload.progress_at = now
        upload.save(update_fields=["state", "committed_by", "failure", "queued_at", "progress_at"])
        if upload.total - upload.done <= SYNC_ROWS:
            rows = SubscriptionImport.objects.values_list("rows", flat=True).get(pk=upload.pk)
            import_batch(import_id=upload.pk, rows=rows, now=now, size=SYNC_ROWS)
        else:
            import_run.enqueue(upload.pk)  # committed (or not) with the state
    return SubscriptionImport.objects.defer("rows").get(pk=upload.pk)
