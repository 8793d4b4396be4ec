"""X-10: a supervisor's subscriptions file — uploaded and kept, previewed with every
row's refusals, then committed through `subscriptions_upsert` (all rows or none)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction

from dozvon.audit.services import audit_record
from dozvon.core.errors import NotFound, RuleViolations, Violation, violation
from dozvon.projects.access import SUPERVISE, ensure_can
from dozvon.subscriptions import importing, rules
from dozvon.subscriptions.models import SubscriptionImport
from dozvon.subscriptions.selectors import ensure_keeps_subscriptions
from dozvon.subscriptions.services import subscriptions_check, subscriptions_upsert

KEEP = timedelta(days=7)  # files older than this (committed or not) are dropped on upload


@dataclass
class Preview:
    upload: SubscriptionImport
    problems: list[Violation] = field(default_factory=list)  # the file as a whole
    checks: list[rules.RowCheck] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    raw: list[dict] = field(default_factory=list)

    @property
    def refused(self) -> int:
        return sum(1 for c in self.checks if c.violations)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.checks) and not self.refused


@transaction.atomic
def import_upload(
    *, project, actor, filename: str, content: bytes, now: datetime
) -> SubscriptionImport:
    """Keep an uploaded file for its preview (nothing else is written)."""
    ensure_can(actor, project, SUPERVISE)
    ensure_keeps_subscriptions(project)
    if len(content) > importing.MAX_FILE_BYTES:
        raise RuleViolations([violation("X-10", "file", "The file is larger than 10 MB.")])
    SubscriptionImport.objects.filter(project=project, created_at__lt=now - KEEP).delete()
    return SubscriptionImport.objects.create(
        project=project,
        uploaded_by=actor,
        filename=(filename or "file")[-255:],
        content=content,
        created_at=now,
    )


def import_get(*, import_id: int, project, actor) -> SubscriptionImport:
    ensure_can(actor, project, SUPERVISE)
    found = SubscriptionImport.objects.filter(pk=import_id, project=project).first()
    if found is None:
        raise NotFound()
    return found


def import_preview(*, upload: SubscriptionImport, now: datetime) -> Preview:
    """The file read and every row checked as the commit would (nothing written)."""
    sheet = importing.read_sheet(bytes(upload.content), upload.filename)
    if sheet.problems:
        return Preview(upload, problems=sheet.problems)
    checks = subscriptions_check(project=upload.project, rows=sheet.rows, now=now)
    return Preview(upload, checks=checks, lines=sheet.lines, raw=sheet.rows)


def import_commit(*, import_id: int, project, actor, now: datetime) -> dict[str, int]:
    """Write the file's subscriptions (created/updated/unchanged counts), or refuse it
    whole: RuleViolations naming each refused row's line and field."""
    with transaction.atomic():
        upload = import_get(import_id=import_id, project=project, actor=actor)
        upload = SubscriptionImport.objects.select_for_update().get(pk=upload.pk)
        if upload.committed_at is not None:
            return dict(upload.result)
        sheet = importing.read_sheet(bytes(upload.content), upload.filename)
        if sheet.problems:
            raise RuleViolations(sheet.problems)
        results = subscriptions_upsert(
            project=project,
            rows=sheet.rows,
            actor=actor,
            now=now,
            prefix=lambda i: f"line {sheet.lines[i]}",
            source=f"file:{upload.pk}",
        )
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for r in results:
            counts[r.result] += 1
        upload.committed_at = now
        upload.result = counts
        upload.save(update_fields=["committed_at", "result"])
        audit_record(
            actor=actor,
            action="subscription.import",
            target_type="subscriptionimport",
            target_id=upload.pk,
            project=project,
            changes={"file": upload.filename, **counts},
            now=now,
        )
        return counts
