"""Writing the changes feed: one row per partner-visible order change, appended by
`orders.services.events.record` (the one place every order change passes through), in the
caller's transaction, so a rolled-back change leaves no row. The same function then queues
the change's partner webhooks (`webhooks.services.deliveries_queue`)."""

from __future__ import annotations

from datetime import datetime

from dozvon.changes.models import Change


def change_append(*, order, kind: str, now: datetime) -> Change:
    """The order (any object with `project_id`, `pk`, `status`, `status_group`) as it
    stands after the change: one INSERT. The id is set by the database (a trigger on
    PostgreSQL, AUTOINCREMENT on SQLite)."""
    change = Change(
        project_id=order.project_id,
        order_id=order.pk,
        kind=kind,
        status=order.status,
        status_group=order.status_group,
        at=now,
    )
    change.save(force_insert=True)
    return change
