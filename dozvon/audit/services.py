"""X-12: the one way an audit row is written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dozvon.audit.actions import is_declared
from dozvon.audit.models import AuditEntry


def audit_record(
    *,
    actor,
    action: str,
    target_type: str,
    target_id: Any,
    changes: dict[str, Any] | None = None,
    project=None,
    now: datetime,
) -> AuditEntry:
    """One audit row. `action` is a declared one (`audit.actions`: `AuditAction`, a
    plug-in's enum, or `model_change`); any other is a programming error, refused."""
    if not is_declared(action):
        raise ValueError(f"undeclared audit action {action!r} (audit.actions)")
    return AuditEntry.objects.create(
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        project=project,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        changes=_jsonable(changes or {}),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
