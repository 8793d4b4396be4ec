"""Shared pieces of the subscription services: the chunk size of `IN (…)` lists, the
fields an import or a PATCH may change, the project's local date and the plain form of a
value as the audit rows store it. Every other module of `subscriptions.services` uses them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dozvon.core import clock

CHUNK = 900  # ids per IN (…) list: under SQLite's variable limit with room to spare
# What an import or a PATCH may change, compared to tell "updated" from "unchanged".
WRITTEN = (
    "customer_id",
    "collection_id",
    "plan",
    "issues_total",
    "issues_delivered",
    "group",
    "suspend_on",
)


def today_of(project, now: datetime) -> date:
    return clock.local_date(now, project.time_zone)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
