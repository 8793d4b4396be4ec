"""Time at the edge: services take `now`; only callers ask the clock (STYLE 7)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def local_date(moment: datetime, tz_name: str) -> date:
    return moment.astimezone(ZoneInfo(tz_name)).date()


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def is_sane(moment: datetime) -> bool:
    """A business date: inside 2000–2099 (beyond that a typo, and date maths overflows)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        return EARLIEST <= aware <= LATEST
    except OverflowError:
        return False
