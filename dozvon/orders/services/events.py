"""X-6/X-12: the one way a change is recorded — a timeline line (or several) on the order
and one audit row, written together with a typed event kind (STYLE "record(event)")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from dozvon.audit.services import audit_record
from dozvon.orders.models import Order, TimelineEntry, TimelineKind


class Event(StrEnum):
    """What happened to an order; the value is the audit action."""

    RECEIVED = "order.intake"
    AUTO_INVALIDATED = "order.auto_invalidate"
    ITEM_ADDED = "order.item_add"
    EDITED = "order.edit"
    COMMENTED = "order.comment"
    OUTCOME = "order.outcome"
    CALLED = "call.record"
    RELEASED = "order.release"
    EFFECT = "order.effect"  # an outcome's declared effect, applied automatically
    TRIGGER = "order.trigger"  # a playbook trigger run by the worker


TIMELINE_KIND: dict[Event, str] = {
    Event.RECEIVED: TimelineKind.AUTO,
    Event.AUTO_INVALIDATED: TimelineKind.AUTO,
    Event.ITEM_ADDED: TimelineKind.EDIT,
    Event.EDITED: TimelineKind.EDIT,
    Event.COMMENTED: TimelineKind.COMMENT,
    Event.OUTCOME: TimelineKind.STATUS,
    Event.CALLED: TimelineKind.CALL,
    Event.RELEASED: TimelineKind.AUTO,
    Event.EFFECT: TimelineKind.AUTO,
    Event.TRIGGER: TimelineKind.AUTO,
}


@dataclass(frozen=True)
class Line:
    """One timeline line; `kind` defaults to the event's own."""

    text: str
    data: Mapping[str, Any] = field(default_factory=dict)
    kind: str | None = None


def record(
    event: Event,
    *,
    order: Order,
    actor,
    now: datetime,
    text: str = "",
    data: Mapping[str, Any] | None = None,
    lines: Sequence[Line] = (),
    changes: Mapping[str, Any] | None = None,
    audit: bool = True,
) -> TimelineEntry | None:
    """Append the event's timeline line(s) and its audit row; the last line written.

    `text`/`data` make one line; `lines` several (an edit of three fields, a comment and a
    status change). The audit row's changes default to the single line's data."""
    if text or data is not None:
        lines = [Line(text, data or {}), *lines]
    who = actor if getattr(actor, "pk", None) else None
    entries = [
        TimelineEntry(
            order=order,
            kind=line.kind or TIMELINE_KIND[event],
            at=now,
            actor=who,
            text=line.text,
            data=dict(line.data),
        )
        for line in lines
    ]
    if len(entries) == 1:
        entries[0].save(force_insert=True)
    elif entries:
        TimelineEntry.objects.bulk_create(entries)
    if audit:
        audit_record(
            actor=who,
            action=event.value,
            target_type="order",
            target_id=order.pk,
            project=order.project,
            changes=dict(changes if changes is not None else (data or {})),
            now=now,
        )
    return entries[-1] if entries else None
