"""SUB-1: the supervisor's click that starts an information run (`inform`), its task
enqueued in the same transaction as the run."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from dozvon.audit.services import audit_record
from dozvon.projects.access import SUPERVISE, ensure_can
from dozvon.subscriptions.audit_actions import SubAuditAction
from dozvon.subscriptions.models import InformRun
from dozvon.subscriptions.selectors import ensure_keeps_subscriptions
from dozvon.subscriptions.tasks import inform_run


@transaction.atomic
def inform_accelerated(*, project, actor, now: datetime) -> InformRun:
    """The supervisor's click: a run, worked off by the worker (progress on the
    subscriptions page)."""
    ensure_can(actor, project, SUPERVISE)
    ensure_keeps_subscriptions(project)
    run = InformRun.objects.create(project=project, started_by=actor, started_at=now)
    audit_record(
        actor=actor,
        action=SubAuditAction.SUBSCRIPTION_INFORM,
        target_type="informrun",
        target_id=run.pk,
        project=project,
        changes={},
        now=now,
    )
    inform_run.enqueue(run.pk)  # committed (or not) with the run
    return run
