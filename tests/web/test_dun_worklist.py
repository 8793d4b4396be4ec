"""DUN-3 worklist screen: the preset filters, the count of orders to process today in the
project's time zone, newest first, 20 a page and at most 100, the filters by status, week
of work, bonus tier and reach, and the project's people only (X-1)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dozvon.automation.services import triggers_run
from dozvon.core import clock
from dozvon.customers.services import CustomerInput
from dozvon.dunning.selectors import WorklistFilter, worklist_count_today, worklist_page
from dozvon.orders import services as svc
from dozvon.orders.services import order_apply_outcome
from dozvon.orders.services.calling import call_attempt_record
from dozvon.projects.models import Project

MSK = ZoneInfo("Europe/Moscow")


def dun_order(
    world,
    *,
    created_at,
    n=0,
    email="ivanov@example.com",
    name=None,
    quantity=2,
    payment_method="bank_transfer",
):
    """A pending bank-transfer order of the DUN project, as the partner's site sends it."""
    order, _ = svc.order_intake(
        project=world.project,
        actor=world.partner,
        external_id=f"DUN-{n}",
        customer=CustomerInput(
            name=name or f"Петров Пётр Покупатель{n}",
            phone=f"+7916{3000000 + n:07d}",
            email=email,
        ),
        items=[svc.ItemInput(world.products[0].sku, quantity)],
        payment_method=payment_method,
        created_at=created_at,
        now=created_at,
    )
    return order


def entered(world, *, at, n=0, **kw):
    """An order that entered the worklist at `at` (DUN-1: 7 days after it was created);
    its due time is the moment it entered."""
    order = dun_order(world, created_at=at - timedelta(days=7, minutes=1), n=n, **kw)
    triggers_run(project=world.project, now=at)
    order.refresh_from_db()
    assert order.bucket == "worklist", order.bucket
    return order


def _ids(response) -> list[int]:
    return [r["row"].order.pk for r in response.context["rows"]]


# --- the count to process today ----------------------------------------------------------------


def test_count_today_counts_orders_due_by_the_end_of_the_moscow_day_dun_3(dun):
    # given "now" half an hour after midnight in Moscow (still the day before in UTC)
    now = datetime(2026, 11, 24, 0, 30, tzinfo=MSK)
    entered(dun, at=datetime(2026, 11, 23, 10, 0, tzinfo=MSK), n=1)  # due yesterday
    entered(dun, at=datetime(2026, 11, 24, 23, 30, tzinfo=MSK), n=2)  # due late today
    entered(dun, at=datetime(2026, 11, 25, 0, 10, tzinfo=MSK), n=3)  # due tomorrow
    # then yesterday's and today's count, tomorrow's does not (though the same UTC day)
    assert worklist_count_today(dun.project, now) == 2
    # and a day later all three are due
    assert worklist_count_today(dun.project, now + timedelta(days=1)) == 3


def test_count_today_follows_the_projects_own_time_zone_dun_3(dun):
    # given a project in Vladivostok (UTC+10), where 23:00 UTC is already the next day
    Project.objects.filter(pk=dun.project.pk).update(time_zone="Asia/Vladivostok")
    dun.project.refresh_from_db()
    vvo = ZoneInfo("Asia/Vladivostok")
    now = datetime(2026, 11, 24, 9, 0, tzinfo=vvo)
    entered(dun, at=datetime(2026, 11, 24, 23, 50, tzinfo=vvo), n=1)  # today there
    entered(dun, at=datetime(2026, 11, 25, 0, 5, tzinfo=vvo), n=2)  # tomorrow there
    assert worklist_count_today(dun.project, now) == 1


def test_young_orders_and_card_payments_are_not_counted_dun_1_dun_3(dun):
    now = datetime(2026, 11, 24, 12, 0, tzinfo=MSK)
    dun_order(dun, created_at=now - timedelta(days=3), n=1)  # too young: not in the worklist
    dun_order(dun, created_at=now - timedelta(days=9), n=2, payment_method="card")  # DUN-1
    triggers_run(project=dun.project, now=now - timedelta(hours=1))
    assert worklist_count_today(dun.project, now) == 0


# --- the screen --------------------------------------------------------------------------------


def test_the_screen_shows_the_count_and_newest_first_20_a_page_at_most_100_dun_3(client, dun):
    # given 23 orders in the worklist, created one after another
    now = clock.now()
    for i in range(23):
        dun_order(dun, created_at=now - timedelta(days=8, minutes=60 - i), n=i)
    triggers_run(project=dun.project, now=now - timedelta(minutes=5))
    client.force_login(dun.operator)
    # when the operator opens the worklist
    response = client.get("/p/dun/worklist")
    # then the count to process today is at the top, and 20 rows newest first
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"data-today-count>23<", page)
    shown = _ids(response)
    assert len(shown) == 20
    created = [r["row"].order.created_at for r in response.context["rows"]]
    assert created == sorted(created, reverse=True)
    # the second page holds the three oldest
    second = client.get("/p/dun/worklist", {"page": 2})
    assert len(_ids(second)) == 3 and set(_ids(second)).isdisjoint(shown)
    # up to 100 a page: more is held at 100, nonsense is the default 20
    assert (
        client.get("/p/dun/worklist", {"per_page": 500}).context["page"].paginator.per_page == 100
    )
    assert len(_ids(client.get("/p/dun/worklist", {"per_page": 50}))) == 23
    assert client.get("/p/dun/worklist", {"per_page": "x"}).context["filters"].per_page == 20


def test_each_row_shows_week_tier_units_comment_and_due_dun_2_dun_3(client, dun):
    now = clock.now()
    order = entered(dun, at=now - timedelta(days=2), n=1, quantity=10)
    client.force_login(dun.operator)
    response = client.get("/p/dun/worklist")
    (row,) = response.context["rows"]
    assert (row["row"].bonus.week, row["row"].bonus.percent, row["row"].bonus.units) == (1, 15, 2)
    page = response.content.decode()
    assert f'data-row="{order.pk}"' in page
    assert "data-units>+2<" in page and "data-tier>15 %<" in page
    assert "+7 916 300-00-01" in page


def test_filters_by_status_week_tier_reach_and_search_dun_3(client, dun):
    now = clock.now()
    # given an order in its fourth week (25 %) and one in its first (15 %)
    old = entered(dun, at=now - timedelta(days=22), n=1, name="Старов Олег")
    new = entered(dun, at=now - timedelta(days=2), n=2, name="Новикова Анна")
    # the new one was reached by phone and marked unreachable by email after a failed call
    call_attempt_record(
        order_id=new.pk, actor=dun.operator, result="answered", line="skype", now=now
    )
    call_attempt_record(
        order_id=old.pk, actor=dun.operator, result="invalid_number", line="skype", now=now
    )
    order_apply_outcome(
        order_id=old.pk,
        actor=dun.operator,
        code="unreachable",
        comment="Номер не существует",
        now=now,
    )
    client.force_login(dun.operator)

    def ids(**params):
        return set(_ids(client.get("/p/dun/worklist", params)))

    assert ids() == {old.pk, new.pk}
    assert ids(week=4) == {old.pk} and ids(week=1) == {new.pk} and ids(week=2) == set()
    assert ids(tier=25) == {old.pk} and ids(tier=15) == {new.pk}
    assert ids(reached="yes") == {new.pk} and ids(reached="no") == {old.pk}
    assert ids(status="unreachable") == {old.pk} and ids(status="pending") == {new.pk}
    assert ids(status="group:paid") == set() and ids(status="all") == {old.pk, new.pk}
    assert ids(q="Новикова") == {new.pk} and ids(q="89163000001") == {old.pk}
    assert ids(q=str(old.pk)) == {old.pk}
    # malformed values are the preset, never an error
    assert ids(week="x", tier="7", reached="maybe", status="nope", due="?") == {old.pk, new.pk}


def test_orders_postponed_past_today_show_only_with_any_due_date_dun_3_dun_5(client, dun):
    now = clock.now()
    later = entered(dun, at=now + timedelta(days=2), n=1)
    client.force_login(dun.operator)
    assert _ids(client.get("/p/dun/worklist")) == []
    assert _ids(client.get("/p/dun/worklist", {"due": "all"})) == [later.pk]


def test_the_worklist_is_for_dun_projects_and_their_people_only_x_1_dun_3(client, dun, cod):
    # a COD project has no worklist
    client.force_login(cod.operator)
    assert client.get("/p/cod/worklist").status_code == 404
    # another project's operator does not see this one
    assert client.get("/p/dun/worklist").status_code == 404
    # the DUN project's delivery person may not work orders
    client.force_login(dun.delivery)
    assert client.get("/p/dun/worklist").status_code == 403


def test_a_supervisor_sees_the_exhausted_orders_and_the_clean_up_button_dun_8(client, dun):
    now = clock.now()
    order = entered(dun, at=now - timedelta(days=2), n=1)
    for minutes in range(8, 0, -1):  # eight failed calls: more than 7 contacts
        call_attempt_record(
            order_id=order.pk,
            actor=dun.operator,
            result="no_answer",
            line="skype",
            started_at=now - timedelta(minutes=minutes),
            now=now,
        )
    entered(dun, at=now - timedelta(days=2), n=2)
    client.force_login(dun.supervisor)
    page = client.get("/p/dun/worklist").content.decode()
    assert "data-exhausted-count>1<" in page
    assert 'action="/p/dun/worklist/clean-up"' in page
    client.force_login(dun.operator)
    page = client.get("/p/dun/worklist").content.decode()
    assert "clean-up" not in page and "data-exhausted-count" not in page


def test_the_worklist_costs_a_fixed_number_of_queries_dun_3(
    client, dun, django_assert_max_num_queries
):
    now = clock.now()
    for i in range(25):
        dun_order(dun, created_at=now - timedelta(days=8, minutes=30 - i), n=i)
    triggers_run(project=dun.project, now=now - timedelta(minutes=1))
    client.force_login(dun.supervisor)
    client.get("/p/dun/worklist")  # warm the playbook cache
    with django_assert_max_num_queries(12):
        response = client.get("/p/dun/worklist", {"per_page": 100})
    assert len(_ids(response)) == 25


def test_the_selector_pages_with_the_filter_it_is_given_dun_3(dun):
    now = datetime(2026, 11, 24, 12, 0, tzinfo=MSK)
    for i in range(3):
        entered(dun, at=now - timedelta(days=1, minutes=10 - i), n=i)
    page, rows = worklist_page(dun.project, WorklistFilter(), 1, 2, now)
    assert page.paginator.count == 3 and len(rows) == 2
    assert [r.bonus.week for r in rows] == [1, 1]
