"""Reading the changes feed in commit order (API.md round 2; the design in docs/architecture.md).

A poller asks for ids above the last one it saw. Only rows that can no longer be preceded
by a row committing later are returned:

- PostgreSQL: an id is the writing transaction's id shifted left (`POSITION_BITS`) plus
  its ordinal in that transaction (migrations/0002). Transactions older than the oldest
  one still running (`pg_snapshot_xmin`) are finished, their rows visible to this query's
  snapshot, and every transaction that can still write has an id at or above it: so the
  rows below `HORIZON` are final, and every later row has a larger id. A long writing
  transaction delays the feed for its duration; it never makes a poller skip a row.
- SQLite: writers are serialised, so the AUTOINCREMENT id is commit order as it is.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL

from dozvon.changes.models import POSITION_BITS, Change
from dozvon.projects.access import CHANGES, ensure_can
from dozvon.projects.models import Project

# the first id a transaction still running (or yet to start) can write, in this snapshot
HORIZON = f"pg_snapshot_xmin(pg_current_snapshot())::text::bigint << {POSITION_BITS}"


def change_feed(*, project: Project, actor, since_id: int, limit: int) -> list[dict[str, Any]]:
    """The project's changes after `since_id`, oldest first, at most `limit`: `id`,
    `order_id`, `external_id`, `kind`, `status`, `status_group`, `at`. NotFound outside
    the caller's projects, Forbidden without the changes right (X-13)."""
    ensure_can(actor, project, CHANGES)
    rows = Change.objects.filter(project=project, id__gt=since_id)
    if connection.vendor == "postgresql":
        rows = rows.filter(id__lt=RawSQL(HORIZON, ()))
    return list(
        rows.order_by("id").values(
            "id",
            "order_id",
            "kind",
            "status",
            "status_group",
            "at",
            external_id=F("order__external_id"),
        )[:limit]
    )
