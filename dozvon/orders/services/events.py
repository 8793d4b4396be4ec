"""X-6/X-12: the one way a change is recorded — a timeline line (or several) on its subject
and one audit row, written together with a typed event kind (STYLE "record(event)"); and,
for an order change a partner cares about, its row in the changes feed (API.md round 2).

The subject is an order or an inbound interaction (SUB, NBO: work that is not an order);
the timeline line points at it and the audit row names it as `target_type`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from dozvon.audit.actions import AuditAction
from dozvon.audit.services import audit_record
from dozvon.changes.models import ChangeKind
from dozvon.changes.services import change_append
from dozvon.history.models import TimelineEntry, TimelineKind
from dozvon.orders.models import Order
from dozvon.webhooks.services import deliveries_queue

if TYPE_CHECKING:
    from dozvon.interactions.models import Interaction


class Event(StrEnum):
    """What happened to an order or an interaction; the value is its audit action (X-12,
    `audit.actions.AuditAction`)."""

    RECEIVED = AuditAction.ORDER_INTAKE.value
    AUTO_INVALIDATED = AuditAction.ORDER_AUTO_INVALIDATE.value
    ITEM_ADDED = AuditAction.ORDER_ITEM_ADD.value
    EDITED = AuditAction.ORDER_EDIT.value
    COMMENTED = AuditAction.ORDER_COMMENT.value
    OUTCOME = AuditAction.ORDER_OUTCOME.value
    CALLED = AuditAction.CALL_RECORD.value
    RELEASED = AuditAction.ORDER_RELEASE.value
    # a closed order opened again by a supervisor
    REOPENED = AuditAction.ORDER_REOPEN.value
    # an email queued in the outbox
    MESSAGE_QUEUED = AuditAction.MESSAGE_QUEUE.value
    # accepted by the mail server
    MESSAGE_SENT = AuditAction.MESSAGE_SEND.value
    # given up (a permanent failure)
    MESSAGE_FAILED = AuditAction.MESSAGE_FAIL.value
    # an outcome's declared effect, applied automatically
    EFFECT = AuditAction.ORDER_EFFECT.value
    # a playbook trigger run by the worker
    TRIGGER = AuditAction.ORDER_TRIGGER.value
    # the partner reported a payment (DUN: leaves the worklist)
    PAID = AuditAction.ORDER_PAYMENT.value
    # the partner reported a fact about the order that its playbook's plug-in keeps (where
    # the goods are, …): the report's own line; what it moves is the effects' lines
    REPORTED = AuditAction.ORDER_REPORT.value
    # inbound interactions (SUB, NBO)
    INTERACTION_STARTED = AuditAction.INTERACTION_START.value
    # finished: subject, comment, transfer
    INTERACTION_RECORDED = AuditAction.INTERACTION_RECORD.value
    # a recorded interaction corrected
    INTERACTION_EDITED = AuditAction.INTERACTION_EDIT.value
    INTERACTION_COMMENTED = AuditAction.INTERACTION_COMMENT.value
    INTERACTION_CALL = AuditAction.INTERACTION_CALL.value
    # NBO-1/2: an offer voiced, a response given
    INTERACTION_OFFER = AuditAction.INTERACTION_OFFER.value
    # NBO-6: a balance adjustment
    INTERACTION_ADJUSTMENT = AuditAction.INTERACTION_ADJUSTMENT.value


TIMELINE_KIND: dict[Event, str] = {
    Event.RECEIVED: TimelineKind.AUTO,
    Event.AUTO_INVALIDATED: TimelineKind.AUTO,
    Event.ITEM_ADDED: TimelineKind.EDIT,
    Event.EDITED: TimelineKind.EDIT,
    Event.COMMENTED: TimelineKind.COMMENT,
    Event.OUTCOME: TimelineKind.STATUS,
    Event.CALLED: TimelineKind.CALL,
    Event.RELEASED: TimelineKind.AUTO,
    Event.REOPENED: TimelineKind.STATUS,
    Event.MESSAGE_QUEUED: TimelineKind.MESSAGE,
    Event.MESSAGE_SENT: TimelineKind.MESSAGE,
    Event.MESSAGE_FAILED: TimelineKind.MESSAGE,
    Event.EFFECT: TimelineKind.AUTO,
    Event.TRIGGER: TimelineKind.AUTO,
    Event.PAID: TimelineKind.STATUS,
    Event.REPORTED: TimelineKind.AUTO,  # a message id and its values, put in words when read
    Event.INTERACTION_STARTED: TimelineKind.AUTO,
    Event.INTERACTION_RECORDED: TimelineKind.COMMENT,
    Event.INTERACTION_EDITED: TimelineKind.EDIT,
    Event.INTERACTION_COMMENTED: TimelineKind.COMMENT,
    Event.INTERACTION_CALL: TimelineKind.CALL,
    Event.INTERACTION_OFFER: TimelineKind.STATUS,
    Event.INTERACTION_ADJUSTMENT: TimelineKind.EDIT,
}


# The order events a partner polling the changes feed sees, and as what. Not here, so
# not partner changes: comments, calls, releases, messages, interactions.
CHANGE_KIND: dict[Event, str] = {
    Event.RECEIVED: ChangeKind.CREATED,
    Event.AUTO_INVALIDATED: ChangeKind.STATUS,
    Event.OUTCOME: ChangeKind.STATUS,
    Event.REOPENED: ChangeKind.STATUS,
    Event.EDITED: ChangeKind.EDITED,
    Event.ITEM_ADDED: ChangeKind.EDITED,
    Event.PAID: ChangeKind.PAID,
}
# Automatic actions (an outcome's effects, a trigger's) are a change only when one of
# their lines changed the status (automation/services: "from" → "to"); the rest (a due
# time, a queue, a mark, a message) is the call centre's own business.
STATUS_EFFECTS: dict[str, str] = {"set_status": ChangeKind.STATUS, "cancel": ChangeKind.CANCELLED}


@dataclass(frozen=True)
class Line:
    """One timeline line; `kind` defaults to the event's own."""

    text: str
    data: Mapping[str, Any] = field(default_factory=dict)
    kind: str | None = None


def record(
    event: Event,
    *,
    order: Order | None = None,
    interaction: Interaction | None = None,
    actor,
    now: datetime,
    text: str = "",
    data: Mapping[str, Any] | None = None,
    lines: Sequence[Line] = (),
    changes: Mapping[str, Any] | None = None,
    audit: bool = True,
) -> TimelineEntry | None:
    """Append the event's timeline line(s), its audit row and, for an order change a
    partner sees (`change_kind`), its changes-feed row; the last line written.

    The subject is `order=` or `interaction=`, exactly one (with its project loaded, as
    the services' locks load it). `text`/`data` make one line; `lines` several (an edit of
    three fields, a comment and a status change). The audit row's changes default to the
    single line's data."""
    if (order is None) == (interaction is None):
        raise TypeError("record() takes exactly one subject: order= or interaction=")
    subject = order if order is not None else interaction
    if text or data is not None:
        lines = [Line(text, data or {}), *lines]
    who = actor if getattr(actor, "pk", None) else None
    entries = [
        TimelineEntry(
            order=order,
            interaction=interaction,
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
            target_type="order" if order is not None else "interaction",
            target_id=subject.pk,
            project=subject.project,
            changes=dict(changes if changes is not None else (data or {})),
            now=now,
        )
    if order is not None:
        kind = change_kind(event, lines)
        if kind is not None:
            change = change_append(order=order, kind=kind, now=now)
            deliveries_queue(change, external_id=order.external_id)
    return entries[-1] if entries else None


def change_kind(event: Event, lines: Sequence[Line]) -> str | None:
    """The changes-feed kind of an order event with these lines; None when a partner
    does not see it."""
    kind = CHANGE_KIND.get(event)
    if kind is not None or event not in (Event.EFFECT, Event.TRIGGER):
        return kind
    kinds = {
        STATUS_EFFECTS[line.data["effect"]]
        for line in lines
        if line.data.get("effect") in STATUS_EFFECTS
        and line.data.get("from") != line.data.get("to")
    }
    if ChangeKind.CANCELLED in kinds:
        return ChangeKind.CANCELLED
    return ChangeKind.STATUS if kinds else None
