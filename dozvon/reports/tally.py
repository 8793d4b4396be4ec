"""The report summaries on PostgreSQL (see models.py): trigger and rebuild SQL.

- `calls_callattempt` → `reports_operatorday` (per operator) and `reports_activityhour`
  (per hour): calls, answered, talk seconds (answered calls) at the call's local start,
  and orders worked.
- `orders_timelineentry` (an operator's result: a status line carrying `outcome`) →
  `reports_outcomeday` and `reports_outcomehour`, with the order's total, upsell and gift
  units at that moment; and orders worked.
- `orders_order` (status, arrival time, project) → `reports_funnelday`.
- `projects_project` (time zone) → the project recounted from the raw rows.

"Orders worked" is counted once per operator, order and local day: in the day summary
when an operator's first touch (a call or a result) of an order that day appears or the
last one goes; in the hour summary in the hour of the earliest touch, moved when a touch
recorded late is earlier. Deleting several calls of one order in one statement is not
followed exactly (orders and their history are never deleted); `rebuild()` recounts.

Every change is an upsert of ± on its own key, never an UPDATE of a row that must exist,
so rows may be merged or recounted freely. Hour rows are spread over slots (operator id
mod 16) so operators saving at once do not queue on one row. Functions are named
`dozvon_report_*`.
"""

from __future__ import annotations

from django.db import connection

from dozvon.reports.models import SLOTS

_ACTIVITY_SUMS = """
        calls = {t}.calls + EXCLUDED.calls,
        answered = {t}.answered + EXCLUDED.answered,
        talk_s = {t}.talk_s + EXCLUDED.talk_s,
        worked = {t}.worked + EXCLUDED.worked;"""


def _day(project, day, operator, calls, answered, talk, worked) -> str:
    """One upsert into the per-operator day summary (arguments are SQL expressions)."""
    return f"""
    INSERT INTO reports_operatorday (project_id, day, operator_id, calls, answered, talk_s,
                                     worked)
    VALUES ({project}, {day}, {operator}, {calls}, {answered}, {talk}, {worked})
    ON CONFLICT (project_id, day, operator_id) DO UPDATE SET{
        _ACTIVITY_SUMS.format(t="reports_operatorday")
    }"""


def _hour(project, day, hour, operator, calls, answered, talk, worked) -> str:
    """One upsert into the hour summary, in the operator's slot."""
    return f"""
    INSERT INTO reports_activityhour (project_id, day, hour, slot, calls, answered, talk_s,
                                      worked)
    VALUES ({project}, {day}, {hour}, mod({operator}, {SLOTS}), {calls}, {answered}, {talk},
            {worked})
    ON CONFLICT (project_id, day, hour, slot) DO UPDATE SET{
        _ACTIVITY_SUMS.format(t="reports_activityhour")
    }"""


# The earliest touch of an order by an operator in a local day, other than the row that
# fired (in its own table: rows inserted before it when inserting, every other row when
# taking one away), before and after the change.
WORKED_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dozvon_report_worked(
    p_project bigint, p_tz text, p_operator bigint, p_order bigint, p_day date,
    p_at timestamptz, p_sign integer, p_call bigint, p_line bigint, p_inserting boolean
) RETURNS void AS $$
DECLARE
    day_start timestamptz := p_day::timestamp AT TIME ZONE p_tz;
    day_end timestamptz := (p_day + 1)::timestamp AT TIME ZONE p_tz;
    others timestamptz;
    before timestamptz;
    after timestamptz;
    hour_before integer;
    hour_after integer;
BEGIN
    SELECT min(t) INTO others FROM (
        SELECT min(c.started_at) AS t FROM calls_callattempt c
        WHERE c.order_id = p_order AND c.operator_id = p_operator
          AND c.started_at >= day_start AND c.started_at < day_end
          AND (p_call IS NULL OR (CASE WHEN p_inserting THEN c.id < p_call
                                       ELSE c.id <> p_call END))
        UNION ALL
        SELECT min(e.at) FROM orders_timelineentry e
        WHERE e.order_id = p_order AND e.actor_id = p_operator AND e.kind = 'status'
          AND e.data ? 'outcome' AND e.at >= day_start AND e.at < day_end
          AND (p_line IS NULL OR (CASE WHEN p_inserting THEN e.id < p_line
                                       ELSE e.id <> p_line END))
    ) touches;
    IF p_sign > 0 THEN
        before := others;
        after := least(others, p_at);
    ELSE
        before := least(others, p_at);
        after := others;
    END IF;
    hour_before := extract(hour FROM before AT TIME ZONE p_tz);
    hour_after := extract(hour FROM after AT TIME ZONE p_tz);
    IF hour_before IS NOT DISTINCT FROM hour_after THEN
        RETURN;
    END IF;
    IF before IS NULL THEN{_day("p_project", "p_day", "p_operator", 0, 0, 0, 1)}
    ELSIF after IS NULL THEN{_day("p_project", "p_day", "p_operator", 0, 0, 0, -1)}
    END IF;
    IF hour_before IS NOT NULL THEN{
    _hour("p_project", "p_day", "hour_before", "p_operator", 0, 0, 0, -1)
}
    END IF;
    IF hour_after IS NOT NULL THEN{
    _hour("p_project", "p_day", "hour_after", "p_operator", 0, 0, 0, 1)
}
    END IF;
END;
$$ LANGUAGE plpgsql;
"""


def _call_change(row: str, sign: int) -> str:
    local = f"({row}.started_at AT TIME ZONE tz)"
    answered = f"{sign} * ({row}.result = 'answered')::int"
    talk = f"{sign} * (CASE WHEN {row}.result = 'answered' THEN {row}.duration_s ELSE 0 END)"
    operator = f"coalesce({row}.operator_id, 0)"
    day = f"{local}::date"
    values = (sign, answered, talk, 0)
    return f"""
        SELECT time_zone INTO tz FROM projects_project WHERE id = {row}.project_id;{
        _day(f"{row}.project_id", day, operator, *values)
    }{_hour(f"{row}.project_id", day, f"extract(hour FROM {local})", operator, *values)}
        IF {row}.order_id IS NOT NULL AND {row}.operator_id IS NOT NULL THEN
            PERFORM dozvon_report_worked({row}.project_id, tz, {row}.operator_id,
                {row}.order_id, {day}, {row}.started_at, {sign}, {row}.id, NULL,
                TG_OP = 'INSERT');
        END IF;"""


CALL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dozvon_report_call() RETURNS trigger AS $$
DECLARE
    tz text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN{_call_change("OLD", -1)}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN{_call_change("NEW", 1)}
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

CALL_TRIGGER = """
CREATE TRIGGER calls_callattempt_report
AFTER INSERT OR DELETE
   OR UPDATE OF project_id, order_id, operator_id, started_at, duration_s, result
ON calls_callattempt FOR EACH ROW EXECUTE FUNCTION dozvon_report_call()
"""


def _reason(data: str) -> str:
    """A result's reason: its problem, or the `reason` input (DUN-4/5 postpone, cancel)."""
    return f"coalesce(nullif({data} ->> 'problem', ''), {data} -> 'inputs' ->> 'reason', '')"


_OUTCOME_SUMS = """
        n = {t}.n + EXCLUDED.n,
        amount = {t}.amount + EXCLUDED.amount,
        upsells = {t}.upsells + EXCLUDED.upsells,
        gifts = {t}.gifts + EXCLUDED.gifts;"""

# A result saved by an operator: the timeline's status line that carries `outcome`.
# Timeline lines are never updated or deleted: inserts only.
OUTCOME_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dozvon_report_outcome() RETURNS trigger AS $$
DECLARE
    v_project bigint;
    v_tz text;
    v_amount numeric;
    v_upsell integer;
    v_gift integer;
    v_local timestamp;
    v_outcome text := NEW.data ->> 'outcome';
    v_status text := coalesce(NEW.data ->> 'to', '');
    v_reason text := {_reason("NEW.data")};
BEGIN
    SELECT o.project_id, p.time_zone, o.total INTO v_project, v_tz, v_amount
    FROM orders_order o JOIN projects_project p ON p.id = o.project_id
    WHERE o.id = NEW.order_id;
    SELECT (count(*) FILTER (WHERE NOT i.is_main AND i.discount_percent < 100) > 0)::int,
           coalesce(sum(i.quantity) FILTER (WHERE i.discount_percent >= 100), 0)
    INTO v_upsell, v_gift
    FROM orders_orderitem i WHERE i.order_id = NEW.order_id;
    v_local := NEW.at AT TIME ZONE v_tz;
    INSERT INTO reports_outcomeday (project_id, day, operator_id, outcome, status, problem,
                                    n, amount, upsells, gifts)
    VALUES (v_project, v_local::date, NEW.actor_id, v_outcome, v_status, v_reason, 1,
            v_amount, v_upsell, v_gift)
    ON CONFLICT (project_id, day, operator_id, outcome, status, problem)
    DO UPDATE SET{_OUTCOME_SUMS.format(t="reports_outcomeday")}
    INSERT INTO reports_outcomehour (project_id, day, hour, slot, outcome, status, problem,
                                     n, amount, upsells, gifts)
    VALUES (v_project, v_local::date, extract(hour FROM v_local), mod(NEW.actor_id, {SLOTS}),
            v_outcome, v_status, v_reason, 1, v_amount, v_upsell, v_gift)
    ON CONFLICT (project_id, day, hour, slot, outcome, status, problem)
    DO UPDATE SET{_OUTCOME_SUMS.format(t="reports_outcomehour")}
    PERFORM dozvon_report_worked(v_project, v_tz, NEW.actor_id, NEW.order_id, v_local::date,
                                 NEW.at, 1, NULL, NEW.id, true);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

OUTCOME_TRIGGER = """
CREATE TRIGGER orders_timelineentry_report
AFTER INSERT ON orders_timelineentry FOR EACH ROW
WHEN (NEW.kind = 'status' AND NEW.order_id IS NOT NULL AND NEW.actor_id IS NOT NULL
      AND NEW.data ? 'outcome')
EXECUTE FUNCTION dozvon_report_outcome()
"""


def _funnel_add(row: str, n: int) -> str:
    return f"""
    INSERT INTO reports_funnelday (project_id, day, status, slot, n)
    SELECT {row}.project_id, ({row}.created_at AT TIME ZONE p.time_zone)::date, {row}.status,
           mod({row}.id, 8), {n}
    FROM projects_project p WHERE p.id = {row}.project_id
    ON CONFLICT (project_id, day, status, slot)
    DO UPDATE SET n = reports_funnelday.n + EXCLUDED.n;"""


FUNNEL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dozvon_report_funnel() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.status = OLD.status AND NEW.project_id = OLD.project_id
       AND NEW.created_at = OLD.created_at THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN{_funnel_add("OLD", -1)}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN{_funnel_add("NEW", 1)}
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

FUNNEL_TRIGGER = """
CREATE TRIGGER orders_order_report_funnel
AFTER INSERT OR DELETE OR UPDATE OF status, created_at, project_id
ON orders_order FOR EACH ROW EXECUTE FUNCTION dozvon_report_funnel()
"""

# Recount one project's summaries from the raw rows (a new time zone, a bulk load that
# bypassed the triggers, a repair). Amounts come from the orders as they stand now.
REBUILD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dozvon_report_rebuild(p bigint) RETURNS void AS $$
DECLARE
    tz text;
BEGIN
    SELECT time_zone INTO tz FROM projects_project WHERE id = p;
    DELETE FROM reports_operatorday WHERE project_id = p;
    DELETE FROM reports_activityhour WHERE project_id = p;
    DELETE FROM reports_outcomeday WHERE project_id = p;
    DELETE FROM reports_outcomehour WHERE project_id = p;
    DELETE FROM reports_funnelday WHERE project_id = p;

    CREATE TEMPORARY TABLE dozvon_report_activity ON COMMIT DROP AS
    SELECT d, h, op, sum(calls) AS calls, sum(answered) AS answered, sum(talk) AS talk,
           sum(worked) AS worked
    FROM (
        SELECT (c.started_at AT TIME ZONE tz)::date AS d,
               extract(hour FROM c.started_at AT TIME ZONE tz)::int AS h,
               coalesce(c.operator_id, 0) AS op, 1 AS calls,
               (c.result = 'answered')::int AS answered,
               CASE WHEN c.result = 'answered' THEN c.duration_s ELSE 0 END AS talk,
               0 AS worked
        FROM calls_callattempt c WHERE c.project_id = p
        UNION ALL
        SELECT (first_at AT TIME ZONE tz)::date, extract(hour FROM first_at AT TIME ZONE tz)::int,
               op, 0, 0, 0, 1
        FROM (
            SELECT op, min(at) AS first_at FROM (
                SELECT c.operator_id AS op, c.order_id AS ord, c.started_at AS at
                FROM calls_callattempt c
                WHERE c.project_id = p AND c.order_id IS NOT NULL AND c.operator_id IS NOT NULL
                UNION ALL
                SELECT e.actor_id, e.order_id, e.at
                FROM orders_timelineentry e JOIN orders_order o ON o.id = e.order_id
                WHERE o.project_id = p AND e.kind = 'status' AND e.actor_id IS NOT NULL
                  AND e.data ? 'outcome'
            ) touches
            GROUP BY op, ord, (at AT TIME ZONE tz)::date
        ) firsts
    ) x
    GROUP BY d, h, op;
    INSERT INTO reports_operatorday (project_id, day, operator_id, calls, answered, talk_s,
                                     worked)
    SELECT p, d, op, sum(calls), sum(answered), sum(talk), sum(worked)
    FROM dozvon_report_activity GROUP BY d, op;
    INSERT INTO reports_activityhour (project_id, day, hour, slot, calls, answered, talk_s,
                                      worked)
    SELECT p, d, h, mod(op, {SLOTS}), sum(calls), sum(answered), sum(talk), sum(worked)
    FROM dozvon_report_activity GROUP BY d, h, mod(op, {SLOTS});
    DROP TABLE dozvon_report_activity;

    CREATE TEMPORARY TABLE dozvon_report_results ON COMMIT DROP AS
    SELECT (e.at AT TIME ZONE tz)::date AS d, extract(hour FROM e.at AT TIME ZONE tz)::int AS h,
           e.actor_id AS op, e.data ->> 'outcome' AS outcome,
           coalesce(e.data ->> 'to', '') AS status, {_reason("e.data")} AS problem,
           count(*) AS n, sum(o.total) AS amount, sum(coalesce(i.upsell, 0)) AS upsells,
           sum(coalesce(i.gifts, 0)) AS gifts
    FROM orders_timelineentry e
    JOIN orders_order o ON o.id = e.order_id
    LEFT JOIN (
        SELECT order_id,
               (count(*) FILTER (WHERE NOT is_main AND discount_percent < 100) > 0)::int AS upsell,
               coalesce(sum(quantity) FILTER (WHERE discount_percent >= 100), 0) AS gifts
        FROM orders_orderitem GROUP BY order_id
    ) i ON i.order_id = e.order_id
    WHERE o.project_id = p AND e.kind = 'status' AND e.actor_id IS NOT NULL
      AND e.data ? 'outcome'
    GROUP BY 1, 2, 3, 4, 5, 6;
    INSERT INTO reports_outcomeday (project_id, day, operator_id, outcome, status, problem,
                                    n, amount, upsells, gifts)
    SELECT p, d, op, outcome, status, problem, sum(n), sum(amount), sum(upsells), sum(gifts)
    FROM dozvon_report_results GROUP BY d, op, outcome, status, problem;
    INSERT INTO reports_outcomehour (project_id, day, hour, slot, outcome, status, problem,
                                     n, amount, upsells, gifts)
    SELECT p, d, h, mod(op, {SLOTS}), outcome, status, problem, sum(n), sum(amount),
           sum(upsells), sum(gifts)
    FROM dozvon_report_results GROUP BY d, h, mod(op, {SLOTS}), outcome, status, problem;
    DROP TABLE dozvon_report_results;

    INSERT INTO reports_funnelday (project_id, day, status, slot, n)
    SELECT p, (o.created_at AT TIME ZONE tz)::date, o.status, mod(o.id, 8), count(*)
    FROM orders_order o WHERE o.project_id = p
    GROUP BY 2, 3, 4;
END;
$$ LANGUAGE plpgsql;
"""

PROJECT_FUNCTION = """
CREATE OR REPLACE FUNCTION dozvon_report_time_zone() RETURNS trigger AS $$
BEGIN
    IF NEW.time_zone IS DISTINCT FROM OLD.time_zone THEN
        PERFORM dozvon_report_rebuild(NEW.id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

PROJECT_TRIGGER = """
CREATE TRIGGER projects_project_report_time_zone
AFTER UPDATE OF time_zone ON projects_project
FOR EACH ROW EXECUTE FUNCTION dozvon_report_time_zone()
"""

INSTALL = (
    WORKED_FUNCTION,
    CALL_FUNCTION,
    OUTCOME_FUNCTION,
    FUNNEL_FUNCTION,
    REBUILD_FUNCTION,
    PROJECT_FUNCTION,
    CALL_TRIGGER,
    OUTCOME_TRIGGER,
    FUNNEL_TRIGGER,
    PROJECT_TRIGGER,
)

DROP = """
DROP TRIGGER IF EXISTS calls_callattempt_report ON calls_callattempt;
DROP TRIGGER IF EXISTS orders_timelineentry_report ON orders_timelineentry;
DROP TRIGGER IF EXISTS orders_order_report_funnel ON orders_order;
DROP TRIGGER IF EXISTS projects_project_report_time_zone ON projects_project;
DROP FUNCTION IF EXISTS dozvon_report_call();
DROP FUNCTION IF EXISTS dozvon_report_outcome();
DROP FUNCTION IF EXISTS dozvon_report_funnel();
DROP FUNCTION IF EXISTS dozvon_report_time_zone();
DROP FUNCTION IF EXISTS dozvon_report_rebuild(bigint);
DROP FUNCTION IF EXISTS dozvon_report_worked(bigint, text, bigint, bigint, date, timestamptz,
                                             integer, bigint, bigint, boolean);
"""


def in_use() -> bool:
    """The summaries answer where the triggers run: PostgreSQL."""
    return connection.vendor == "postgresql"


def rebuild(project_id: int | None = None) -> None:
    """Recount one project's summaries (or every project's) from the raw rows: after a
    bulk load that bypassed the triggers (`session_replication_role = replica`), or to
    repair. A no-op where the summaries are not in use."""
    if not in_use():
        return
    with connection.cursor() as cursor:
        if project_id is None:
            cursor.execute("SELECT dozvon_report_rebuild(id) FROM projects_project")
        else:
            cursor.execute("SELECT dozvon_report_rebuild(%s)", [project_id])
