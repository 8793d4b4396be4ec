"""The tab tally on PostgreSQL (see TabTally): trigger and rebuild SQL, and the reader.

The trigger fires only when an order's bucket, failed calls, arrival time or project is
written (or the order is inserted or deleted), so a claim or an edit costs nothing. The
arrival day is taken in the project's time zone, as the tabs are (COD-1…6).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection

from dozvon.core import clock
from dozvon.playbooks import definition as engine
from dozvon.queues.models import TabTally

CAP = TabTally.FAILED_CAP
SLOTS = TabTally.SLOTS

_DAY = "(({row}.created_at AT TIME ZONE p.time_zone)::date)"


def _add(row: str, n: int) -> str:
    """Upsert `n` on the tally key of `row` (OLD or NEW): every change is ±1 on its own key,
    never an UPDATE of a row that must exist, so COMPACT may merge rows freely."""
    return f"""
    INSERT INTO queues_tabtally (project_id, bucket, day, failed, slot, n)
    SELECT {row}.project_id, {row}.bucket, {_DAY.format(row=row)},
           least({row}.failed_calls, {CAP}), mod({row}.id, {SLOTS}), {n}
    FROM projects_project p WHERE p.id = {row}.project_id
    ON CONFLICT (project_id, bucket, day, failed, slot)
    DO UPDATE SET n = queues_tabtally.n + EXCLUDED.n;"""


def _recount(where: str) -> str:
    """Insert the tally of the orders matching `where`, counted from the orders."""
    return f"""
    INSERT INTO queues_tabtally (project_id, bucket, day, failed, slot, n)
    SELECT o.project_id, o.bucket, {_DAY.format(row="o")}, least(o.failed_calls, {CAP}),
           mod(o.id, {SLOTS}), count(*)
    FROM orders_order o JOIN projects_project p ON p.id = o.project_id
    WHERE o.bucket <> '' AND {where}
    GROUP BY 1, 2, 3, 4, 5;"""


TRIGGER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dozvon_tab_tally() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.bucket = OLD.bucket AND NEW.project_id = OLD.project_id
     AND NEW.created_at = OLD.created_at
     AND least(NEW.failed_calls, {CAP}) = least(OLD.failed_calls, {CAP}) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.bucket <> '' THEN{_add("OLD", -1)}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.bucket <> '' THEN{_add("NEW", 1)}
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
CREATE TRIGGER orders_order_tab_tally
AFTER INSERT OR DELETE OR UPDATE OF bucket, failed_calls, created_at, project_id
ON orders_order FOR EACH ROW EXECUTE FUNCTION dozvon_tab_tally()
"""

DROP = """
DROP TRIGGER IF EXISTS orders_order_tab_tally ON orders_order;
DROP FUNCTION IF EXISTS dozvon_tab_tally();
"""

# A project's new time zone moves its orders' local arrival days: recount that project.
PROJECT_TRIGGER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dozvon_tab_tally_time_zone() RETURNS trigger AS $$
BEGIN
  IF NEW.time_zone IS DISTINCT FROM OLD.time_zone THEN
    DELETE FROM queues_tabtally WHERE project_id = NEW.id;{_recount("o.project_id = NEW.id")}
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

PROJECT_TRIGGER = """
CREATE TRIGGER projects_project_tab_tally
AFTER UPDATE OF time_zone ON projects_project
FOR EACH ROW EXECUTE FUNCTION dozvon_tab_tally_time_zone()
"""

PROJECT_DROP = """
DROP TRIGGER IF EXISTS projects_project_tab_tally ON projects_project;
DROP FUNCTION IF EXISTS dozvon_tab_tally_time_zone();
"""

# Recount from the orders (after a bulk load that bypassed triggers, or to repair).
REBUILD = f"""
DELETE FROM queues_tabtally;{_recount("TRUE")}
"""


# Every change is a ±1 on its own key, so only the sums per tab matter and rows may be
# merged freely. Rows of arrival days before the day before yesterday (in the project's
# time zone) can only ever count in "earlier" or in tabs without a day, so they are folded
# into one row per bucket and failed-call count, on a day before any real one: the tally
# then holds a few days' rows whatever the backlog's age. Run by the worker (tasks.py).
FOLDED_DAY = "2000-01-01"
_FOLD_BEFORE = engine.CREATED_DAYS["earlier"][1]  # days before today: "earlier" only
COMPACT = f"""
WITH gone AS (
    DELETE FROM queues_tabtally t USING projects_project p
    WHERE p.id = t.project_id
      AND t.day < ((%(now)s::timestamptz AT TIME ZONE p.time_zone)::date - {_FOLD_BEFORE})
      AND NOT (t.day = DATE '{FOLDED_DAY}' AND t.slot = 0)
    RETURNING t.project_id, t.bucket, t.failed, t.n
)
INSERT INTO queues_tabtally (project_id, bucket, day, failed, slot, n)
SELECT project_id, bucket, DATE '{FOLDED_DAY}', failed, 0, sum(n) FROM gone
GROUP BY project_id, bucket, failed
ON CONFLICT (project_id, bucket, day, failed, slot)
DO UPDATE SET n = queues_tabtally.n + EXCLUDED.n
"""


def compact(*, now: datetime) -> None:
    """Drop rows that count nothing and fold old days' rows (see COMPACT)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM queues_tabtally WHERE n = 0")
        cursor.execute(COMPACT, {"now": now})


def tally_in_use(queues: list[engine.QueueDef]) -> bool:
    """The tally answers when it runs (PostgreSQL) and every threshold is below the cap."""
    return connection.vendor == "postgresql" and all(
        q.bucket
        and (q.min_failed_calls is None or q.min_failed_calls < CAP)
        and (q.max_failed_calls is None or q.max_failed_calls < CAP)
        for q in queues
    )


def tally_counts(*, project, queues: list[engine.QueueDef], now: datetime) -> list[int]:
    """Every tab's size in one statement over the project's tally rows."""
    if not queues:  # a playbook without tabs (SUB: inbound work only)
        return []
    today = clock.local_date(now, project.time_zone)
    parts, params = [], []
    for q in queues:
        cond, args = ["bucket = %s"], [q.bucket]
        since, until = engine.CREATED_DAYS.get(q.created, (None, None))
        if since is not None:
            cond.append("day >= %s")
            args.append(today - timedelta(days=since))
        if until is not None:
            cond.append("day < %s")
            args.append(today - timedelta(days=until))
        if q.min_failed_calls is not None:
            cond.append("failed >= %s")
            args.append(q.min_failed_calls)
        if q.max_failed_calls is not None:
            cond.append("failed <= %s")
            args.append(q.max_failed_calls)
        parts.append(f"coalesce(sum(n) FILTER (WHERE {' AND '.join(cond)}), 0)")
        params += args
    sql = f"SELECT {', '.join(parts)} FROM queues_tabtally WHERE project_id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, project.pk])
        return [int(n) for n in cursor.fetchone()]
