"""The changes feed (API.md round 2): order changes in commit order, for partners who poll.

A partner keeps the last `next_since_id` and asks again with it: ids strictly increase
and a poller never misses or repeats one (the design in docs/architecture.md). Readable with a
person's token that may read the project's orders, or an integration token with the
`changes` scope (X-13)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Router, Schema

from dozvon.changes.models import ChangeKind
from dozvon.changes.selectors import change_feed
from dozvon.httpkit.api_schemas import responses
from dozvon.httpkit.api_serializers import iso
from dozvon.projects.access import project_for

router = Router()

MAX_LIMIT = 500
SINCE_MAX = 2**63 - 1  # the id column is a bigint


class ChangesQuery(Schema):
    since_id: int = Field(
        0,
        ge=0,
        le=SINCE_MAX,
        description="The last id seen (`next_since_id` of the previous page); 0 at first.",
    )
    limit: int = Field(
        100, ge=1, le=MAX_LIMIT, description=f"At most this many changes (1–{MAX_LIMIT})."
    )


class ChangeOut(Schema):
    id: int = Field(description="Position in the feed: strictly increasing, in commit order.")
    order: int = Field(description="The order's id.")
    external_id: str | None = Field(description="The partner's order id, if it gave one.")
    kind: ChangeKind = Field(description="What happened: " + ", ".join(ChangeKind.values) + ".")
    status: str = Field(description="The order's status after the change.")
    status_group: str = Field(description="The group of that status.")
    at: datetime = Field(description="When the change was made, in the project's time zone.")


class ChangesOut(Schema):
    items: list[ChangeOut]
    next_since_id: int = Field(
        description="Pass as `since_id` next time: the last id returned, or `since_id` "
        "when there was nothing new."
    )


@router.get(
    "/projects/{slug}/changes",
    tags=["changes"],
    response=responses({200: ChangesOut}),
    summary="Order changes after `since_id`, in commit order (poll with `next_since_id`)",
)
def list_changes(request, slug: str, params: Query[ChangesQuery]):
    project = project_for(request.auth, slug)
    rows = change_feed(
        project=project, actor=request.auth, since_id=params.since_id, limit=params.limit
    )
    tz = project.time_zone
    return {
        "items": [
            {
                "id": r["id"],
                "order": r["order_id"],
                "external_id": r["external_id"],
                "kind": r["kind"],
                "status": r["status"],
                "status_group": r["status_group"],
                "at": iso(r["at"], tz),
            }
            for r in rows
        ],
        "next_since_id": rows[-1]["id"] if rows else params.since_id,
    }
