"""Where the report numbers come from: the trigger-kept summaries on PostgreSQL
(`models.py`, `tally.py`), or the raw calls, timeline lines and orders (SQLite, the
embedded demo; and on PostgreSQL when asked, to check the summaries).

Each function returns rows already summed to the requested key fields, a subset of
("operator", "day", "hour") in that order (never operator with hour) plus its own, over
an inclusive range of local days in the project's time zone. Both paths give the same
numbers (tests/reports)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import DecimalField

from dozvon.calls.models import CallAttempt, CallResult
from dozvon.history.models import TimelineEntry, TimelineKind
from dozvon.interactions.models import Interaction
from dozvon.orders.models import Order, OrderItem
from dozvon.reports import tally
from dozvon.reports.models import (
    ActivityHour,
    FunnelDay,
    OperatorDay,
    OutcomeDay,
    OutcomeHour,
)

KEY_FIELDS = ("operator", "day", "hour")
_COLUMN = {"operator": "operator_id", "day": "day", "hour": "hour"}
CHUNK = 900  # ids per IN (…) on SQLite


def _use_tally(raw: bool) -> bool:
    return not raw and tally.in_use()


def local_bounds(project, start: date, end: date) -> tuple[datetime, datetime]:
    """The moments the local days [start, end] begin and end."""
    zone = ZoneInfo(project.time_zone)
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _key(keys: Sequence[str], operator: int, local: datetime) -> tuple:
    parts = {"operator": operator, "day": local.date(), "hour": local.hour}
    return tuple(parts[k] for k in keys)


def _from_summary(model, project, start, end, keys, extra, sums) -> list[dict[str, Any]]:
    """Summary rows summed to the key fields: per operator from the day summaries, per
    hour (all operators) from the hour summaries; never both. One plain statement over
    the (project, day, …) key index; column names are this module's, never input."""
    if "hour" in keys and "operator" in keys:
        raise ValueError("the summaries have no operator per hour")
    fields = [*keys, *extra]
    columns = [_COLUMN.get(f, f) for f in fields]
    for column in [*columns, *sums]:
        model._meta.get_field(column)  # a column of the summary, or FieldDoesNotExist
    group = ", ".join(columns)
    totals = [
        f"sum({s})" if isinstance(model._meta.get_field(s), DecimalField) else f"sum({s})::bigint"
        for s in sums
    ]
    select = ", ".join([*columns, *totals])
    sql = (
        f"SELECT {select} FROM {model._meta.db_table} "  # noqa: S608 (names from code)
        "WHERE project_id = %s AND day >= %s AND day <= %s"
        + (f" GROUP BY {group}" if columns else "")  # the reports sort by names
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [project.pk, start, end])
        found = cursor.fetchall()
    names = [*fields, *sums]
    return [
        dict(zip(names, row, strict=True))
        for row in found
        if any(row[len(fields) :])  # a total over nothing is one row of NULLs
    ]


# --- calls, contacts, talk time, orders worked ---------------------------------------------

ACTIVITY = ("calls", "answered", "talk_s", "worked")


def operator_activity(
    project, start: date, end: date, *, keys: Sequence[str], raw: bool = False
) -> list[dict[str, Any]]:
    """Per key: calls, answered, talk_s (seconds of answered calls), worked (orders an
    operator worked in a local day, counted in the hour of the first touch)."""
    if _use_tally(raw):
        model = ActivityHour if "hour" in keys else OperatorDay
        return _from_summary(model, project, start, end, keys, (), ACTIVITY)
    zone = ZoneInfo(project.time_zone)
    lo, hi = local_bounds(project, start, end)
    acc: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ACTIVITY, 0))
    first: dict[tuple, datetime] = {}  # (operator, order, local day) → earliest touch
    calls = CallAttempt.objects.filter(
        project=project, started_at__gte=lo, started_at__lt=hi
    ).values_list("operator_id", "order_id", "started_at", "result", "duration_s")
    for operator, order, at, result, duration in calls.iterator(chunk_size=2000):
        local = at.astimezone(zone)
        a = acc[_key(keys, operator or 0, local)]
        a["calls"] += 1
        if result == CallResult.ANSWERED:
            a["answered"] += 1
            a["talk_s"] += duration
        if order is not None and operator is not None:
            _touch(first, (operator, order, local.date()), local)
    for operator, order, local, _data in _result_lines(project, lo, hi, zone):
        _touch(first, (operator, order, local.date()), local)
    for (operator, _order, _day), local in first.items():
        acc[_key(keys, operator, local)]["worked"] += 1
    return [{**dict(zip(keys, k, strict=True)), **v} for k, v in sorted(acc.items())]


def _touch(first: dict, key: tuple, local: datetime) -> None:
    if key not in first or local < first[key]:
        first[key] = local


def _result_lines(project, lo, hi, zone) -> Iterable[tuple[int, int, datetime, dict]]:
    """Results saved by operators: (operator, order, local moment, line data)."""
    lines = TimelineEntry.objects.filter(
        order__project=project,
        kind=TimelineKind.STATUS,
        actor__isnull=False,
        at__gte=lo,
        at__lt=hi,
    ).values_list("actor_id", "order_id", "at", "data")
    for actor, order, at, data in lines.iterator(chunk_size=2000):
        if isinstance(data, dict) and data.get("outcome"):
            yield actor, order, at.astimezone(zone), data


# --- inbound contacts (SUB, NBO) -------------------------------------------------------------


def interaction_counts(
    project, start: date, end: date, *, keys: Sequence[str]
) -> list[dict[str, Any]]:
    """Per key: interactions, the inbound contacts operators recorded (SUB-3's contacts of
    subscribers, NBO-1's inbound calls) — over the (project, operator, started_at) index,
    the same rows on both databases (no summary: a contact is one row already)."""
    zone = ZoneInfo(project.time_zone)
    lo, hi = local_bounds(project, start, end)
    acc: dict[tuple, int] = defaultdict(int)
    rows = Interaction.objects.filter(
        project=project, operator__isnull=False, started_at__gte=lo, started_at__lt=hi
    ).values_list("operator_id", "started_at")
    for operator, at in rows.iterator(chunk_size=2000):
        acc[_key(keys, operator, at.astimezone(zone))] += 1
    return [{**dict(zip(keys, k, strict=True)), "interactions": n} for k, n in sorted(acc.items())]


# --- results ---------------------------------------------------------------------------------

OUTCOME_SUMS = ("n", "amount", "upsells", "gifts")


def reason_of(data: dict) -> str:
    """A result's reason: its problem, or its `reason` input (DUN-4/5)."""
    return data.get("problem") or (data.get("inputs") or {}).get("reason") or ""


def outcome_counts(
    project,
    start: date,
    end: date,
    *,
    keys: Sequence[str],
    by: Sequence[str] = ("status",),
    sums: Sequence[str] = OUTCOME_SUMS,
    raw: bool = False,
) -> list[dict[str, Any]]:
    """Results saved by operators per key and `by` (a subset of outcome, status, problem):
    n, amount (the orders' totals), upsells (orders with a secondary non-gift item) and
    gifts (gift units), or only the `sums` asked for (n always). The raw path reads totals
    and items as they stand now, the summaries as they stood when the result was saved
    (the same for closed orders)."""
    if _use_tally(raw):
        model = OutcomeHour if "hour" in keys else OutcomeDay
        rows = _from_summary(model, project, start, end, keys, by, sums)
        return [r for r in rows if r["n"]]
    zone = ZoneInfo(project.time_zone)
    lo, hi = local_bounds(project, start, end)
    found = list(_result_lines(project, lo, hi, zone))
    facts = _order_facts({order for _, order, _, _ in found})
    acc: dict[tuple, dict[str, Any]] = {}
    for operator, order, local, data in found:
        values = {
            "outcome": data.get("outcome") or "",
            "status": data.get("to") or "",
            "problem": reason_of(data),
        }
        key = _key(keys, operator, local) + tuple(values[b] for b in by)
        a = acc.setdefault(key, {"n": 0, "amount": Decimal(0), "upsells": 0, "gifts": 0})
        total, upsell, gifts = facts.get(order, (Decimal(0), 0, 0))
        a["n"] += 1
        a["amount"] += total
        a["upsells"] += upsell
        a["gifts"] += gifts
    names = (*keys, *by)
    return [{**dict(zip(names, k, strict=True)), **v} for k, v in sorted(acc.items())]


def _order_facts(ids: set[int]) -> dict[int, tuple[Decimal, int, int]]:
    """order id → (total, 1 if it has a secondary non-gift item, gift units)."""
    ids_list = sorted(ids)
    totals: dict[int, Decimal] = {}
    upsell: dict[int, int] = defaultdict(int)
    gifts: dict[int, int] = defaultdict(int)
    for i in range(0, len(ids_list), CHUNK):
        part = ids_list[i : i + CHUNK]
        totals.update(Order.objects.filter(pk__in=part).values_list("pk", "total"))
        items = OrderItem.objects.filter(order_id__in=part).values_list(
            "order_id", "is_main", "discount_percent", "quantity"
        )
        for order, is_main, discount, quantity in items:
            if discount >= 100:
                gifts[order] += quantity
            elif not is_main:
                upsell[order] = 1
    return {pk: (total, upsell[pk], gifts[pk]) for pk, total in totals.items()}


# --- funnel ----------------------------------------------------------------------------------


def funnel_counts(
    project, start: date, end: date, *, by_day: bool, raw: bool = False
) -> list[dict[str, Any]]:
    """Orders received on the local days [start, end] by the status they stand in now
    (per day when `by_day`): rows of ([day], status, n)."""
    keys = ("day",) if by_day else ()
    if _use_tally(raw):
        rows = _from_summary(FunnelDay, project, start, end, keys, ("status",), ("n",))
        return [r for r in rows if r["n"]]
    zone = ZoneInfo(project.time_zone)
    lo, hi = local_bounds(project, start, end)
    acc: dict[tuple, int] = defaultdict(int)
    orders = Order.objects.filter(project=project, created_at__gte=lo, created_at__lt=hi)
    for created, status in orders.values_list("created_at", "status").iterator(chunk_size=5000):
        day = created.astimezone(zone).date()
        acc[((day,) if by_day else ()) + (status,)] += 1
    names = (*keys, "status")
    return [{**dict(zip(names, k, strict=True)), "n": n} for k, n in sorted(acc.items())]
