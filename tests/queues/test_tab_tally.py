"""COD-1…6 live counts on PostgreSQL come from the trigger-kept tab tally: exact after any
write path (services, raw updates, deletes, rollbacks) and one statement per read."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dozvon.orders.models import Order
from dozvon.playbooks.selectors import playbook_def
from dozvon.queues import tally
from dozvon.queues.models import TabTally
from dozvon.queues.selectors import queue_counts, queue_filter
from dozvon.queues.services import queue_take_next

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PG's trigger")


def recount(world, now) -> dict[str, int]:
    base = Order.objects.filter(project=world.project)
    tz = world.project.time_zone
    return {
        q.code: base.filter(queue_filter(q, now=now, tz=tz)).count()
        for q in playbook_def(world.project.playbook).queues
    }


def counted(world, now) -> dict[str, int]:
    return {q.code: n for q, n in queue_counts(project=world.project, now=now)}


def test_counts_are_one_statement_over_the_tally_cod_1(cod, now):
    cod.intake(phone="+79161230001")
    with CaptureQueriesContext(connection) as ctx:
        counts = counted(cod, now)
    assert len(ctx.captured_queries) == 1
    assert "queues_tabtally" in ctx.captured_queries[0]["sql"]
    assert counts["new"] == 1


def test_tally_stays_exact_through_raw_updates_deletes_and_rollbacks_cod_1_6(cod, now):
    orders = [
        cod.intake(phone=f"+7916123{i:04d}", created_at=now - timedelta(days=i % 5, hours=1))
        for i in range(12)
    ]
    assert counted(cod, now) == recount(cod, now)
    # raw bucket/failed-call moves that bypass the services
    Order.objects.filter(pk=orders[0].pk).update(bucket="unreached", failed_calls=2)
    Order.objects.filter(pk=orders[1].pk).update(bucket="unreached", failed_calls=40)
    Order.objects.filter(pk=orders[2].pk).update(bucket="in_work")
    Order.objects.filter(pk=orders[3].pk).update(created_at=now - timedelta(days=9))
    Order.objects.filter(pk=orders[4].pk).update(bucket="")
    assert counted(cod, now) == recount(cod, now)
    # a change rolled back leaves the tally as it was
    before = counted(cod, now)
    with pytest.raises(RuntimeError), transaction.atomic():
        Order.objects.filter(pk=orders[5].pk).update(bucket="unreached", failed_calls=5)
        assert counted(cod, now) == recount(cod, now) != before
        raise RuntimeError
    assert counted(cod, now) == before == recount(cod, now)
    # claims do not touch the tally at all
    rows = list(TabTally.objects.values_list("id", "n"))
    queue_take_next(project=cod.project, queue_code="new", actor=cod.operator, now=now)
    assert list(TabTally.objects.values_list("id", "n")) == rows


def test_tally_counts_the_arrival_day_in_the_project_time_zone_cod_1(cod, now):
    # 23:30 in Vladivostok is still the same local day, 14:30 UTC the previous evening
    cod.project.time_zone = "Asia/Vladivostok"
    cod.project.save(update_fields=["time_zone"])
    for minutes in (5, 60 * 20, 60 * 30, 60 * 50):
        cod.intake(phone=f"+7916555{minutes:04d}", created_at=now - timedelta(minutes=minutes))
    Order.objects.filter(project=cod.project).update(bucket="unreached", failed_calls=4)
    for hours in (0, 6, 12, 18, 30):
        later = now + timedelta(hours=hours)
        assert counted(cod, later) == recount(cod, later), hours


def test_a_new_project_time_zone_recounts_the_arrival_days_cod_1(cod, now):
    # given orders that arrived over three days around midnight, counted by Moscow days
    for hours in (1, 4, 10, 28, 34, 52):
        cod.intake(phone=f"+7916444{hours:04d}", created_at=now - timedelta(hours=hours))
    Order.objects.filter(project=cod.project).update(bucket="unreached", failed_calls=4)
    assert counted(cod, now) == recount(cod, now)
    # when the project moves nine hours west, where those nights fall on other dates
    # (the admin saves every field)
    cod.project.time_zone = "America/Chicago"
    cod.project.save()
    # then the tabs count the arrival days of the new zone
    for hours in (0, 9, 17):
        later = now + timedelta(hours=hours)
        assert counted(cod, later) == recount(cod, later), hours
    # and saving the project without a change leaves the tally alone
    rows = list(TabTally.objects.order_by("id").values_list("id", "n"))
    cod.project.save()
    assert list(TabTally.objects.order_by("id").values_list("id", "n")) == rows


def test_folding_old_days_keeps_every_count_exact_cod_1_6(cod, now):
    # given orders that arrived over ten days, some failed calls among them
    orders = [
        cod.intake(phone=f"+7916333{i:04d}", created_at=now - timedelta(days=i % 10, hours=2))
        for i in range(30)
    ]
    for i, order in enumerate(orders):
        Order.objects.filter(pk=order.pk).update(bucket="unreached", failed_calls=i % 7)
    before = counted(cod, now)
    # when the worker folds the tally
    tally.compact(now=now)
    # then the days before the day before yesterday are one row per bucket and failed count
    old_days = TabTally.objects.filter(project=cod.project, day__lt=now.date() - timedelta(2))
    assert set(old_days.values_list("day", "slot")) == {(date(2000, 1, 1), 0)}
    assert counted(cod, now) == before == recount(cod, now)
    # and orders of folded days still leave and move exactly
    Order.objects.filter(pk=orders[9].pk).update(bucket="")
    Order.objects.filter(pk=orders[8].pk).update(failed_calls=12)
    Order.objects.filter(pk=orders[19].pk).update(created_at=now - timedelta(minutes=5))
    for hours in (0, 30, 80):
        later = now + timedelta(hours=hours)
        tally.compact(now=later)
        assert counted(cod, later) == recount(cod, later), hours
