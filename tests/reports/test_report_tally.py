"""X-11 summaries on PostgreSQL: kept by triggers in the writing transaction, equal to a
recount from the raw rows after any path (services, a rolled-back change, a deleted call,
a new time zone), and read in a few statements whatever the data's size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dozvon.calls.models import CallAttempt
from dozvon.orders.services import order_apply_outcome
from dozvon.orders.services.calling import call_attempt_record
from dozvon.reports import tally
from dozvon.reports.models import ActivityHour, FunnelDay, OperatorDay, OutcomeDay, OutcomeHour
from dozvon.reports.registry import report_for, run
from dozvon.reports.selectors import funnel_report, operators_report, outcomes_report
from tests.reports.scenario import week

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PG's triggers")


def summaries(project) -> dict:
    """Every summary row of the project that counts something."""
    out = {}
    for model, fields, counts in (
        (OperatorDay, ("day", "operator_id"), ("calls", "answered", "talk_s", "worked")),
        (ActivityHour, ("day", "hour", "slot"), ("calls", "answered", "talk_s", "worked")),
        (OutcomeDay, ("day", "operator_id", "outcome", "status", "problem"), OUTCOME),
        (OutcomeHour, ("day", "hour", "slot", "outcome", "status", "problem"), OUTCOME),
        (FunnelDay, ("day", "status", "slot"), ("n",)),
    ):
        rows = model.objects.filter(project=project).values_list(*fields, *counts)
        out[model.__name__] = sorted(r for r in rows if any(r[len(fields) :]))
    return out


OUTCOME = ("n", "amount", "upsells", "gifts")


def same_as_raw(world, start, end):
    for compute in (operators_report, outcomes_report):
        for group_by in ("operator", "day", "hour", "operator_day", "total"):
            assert compute(world.project, start, end, group_by) == compute(
                world.project, start, end, group_by, raw=True
            ), (compute.__name__, group_by)
    for group_by in ("day", "total"):
        assert funnel_report(world.project, start, end, group_by) == funnel_report(
            world.project, start, end, group_by, raw=True
        )


def test_summaries_kept_by_triggers_equal_a_rebuild_from_raw_rows_x_11(cod, now):
    week(cod, now=now, days=4, per_day=8)
    kept = summaries(cod.project)
    assert all(kept.values()), kept
    tally.rebuild(cod.project.pk)
    assert summaries(cod.project) == kept
    same_as_raw(cod, now.date() - timedelta(days=5), now.date())


def test_a_new_time_zone_recounts_the_local_days_and_hours_x_11(cod, now):
    week(cod, now=now, days=3, per_day=8)
    cod.project.time_zone = "Asia/Vladivostok"
    cod.project.save(update_fields=["time_zone"])
    same_as_raw(cod, now.date() - timedelta(days=4), now.date() + timedelta(days=1))


def test_a_rolled_back_change_leaves_the_summaries_as_they_were_x_11(cod, now):
    order = cod.intake(phone="+79160000001", created_at=now - timedelta(hours=1))
    before = summaries(cod.project)
    with pytest.raises(RuntimeError), transaction.atomic():
        call_attempt_record(order_id=order.pk, actor=cod.operator, result="answered", now=now)
        order_apply_outcome(order_id=order.pk, actor=cod.operator, code="confirm", now=now)
        assert summaries(cod.project) != before
        raise RuntimeError
    assert summaries(cod.project) == before


def test_a_deleted_call_is_taken_out_of_calls_talk_time_and_orders_worked_x_11(cod, now):
    order = cod.intake(phone="+79160000002", created_at=now - timedelta(hours=3))
    first = call_attempt_record(
        order_id=order.pk,
        actor=cod.operator,
        result="answered",
        started_at=now - timedelta(hours=2),
        duration_s=60,
        now=now,
    )
    call_attempt_record(order_id=order.pk, actor=cod.operator, result="busy", now=now)
    CallAttempt.objects.filter(pk=first.pk).delete()
    same_as_raw(cod, now.date() - timedelta(days=1), now.date())
    [row] = operators_report(cod.project, now.date(), now.date(), "total")
    assert (row["calls"], row["contacts"], row["talk_time"], row["orders_worked"]) == (1, 0, 0, 1)


def test_a_month_of_reports_reads_a_few_statements_x_11(cod, now):
    week(cod, now=now, days=3, per_day=6)
    start, end = now.date() - timedelta(days=30), now.date()
    for name, group_by, most in (("operators", "operator", 6), ("outcomes", "day", 4)):
        report = report_for(cod.project, name)
        with CaptureQueriesContext(connection) as ctx:
            run(cod.project, report, start, end, group_by)
        assert len(ctx.captured_queries) <= most, [q["sql"] for q in ctx.captured_queries]
        assert not any(
            "calls_callattempt" in q["sql"] or "orders_timelineentry" in q["sql"]
            for q in ctx.captured_queries
        )
