"""Writing the changes feed: one row per partner-visible order change, appended by
`orders.services.events.record` (the one place every order change passes through), in the
caller's transaction, so a rolled-back change leaves no row."""

from __future__ import annotations

from datetime import datetime

from dozvon.changes.models import Change
from dozvon.orders.models import Order
from dozvon.webhooks.services import deliveries_queue


def change_append(*, order: Order, kind: str, now: datetime) -> Change:
    """The order as it stands after the change (status, status group): one INSERT. The id
    is set by the database (a trigger on PostgreSQL, AUTOINCREMENT on SQLite)."""
    change = Change(
        project_id=order.project_id,
        order_id=order.pk,
        kind=kind,
        status=order.status,
        status_group=order.status_group,
        at=now,
    )
    change.save(force_insert=True)
    deliveries_queue(change)
    return change
