"""PICK-4: the buyout — collected / arrived — of parcels per arrival day and per operator
who reached the customer, beside the parcels nobody reached; the same numbers as JSON and
as a file (X-11)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from dozvon.pickup.selectors import buyout_rows
from dozvon.reports.registry import report_for, run
from tests.conftest import NOW, UserFactory
from tests.factories import MembershipFactory


def build(pick):
    """Arrived three days ago: two parcels reached by the operator (one collected), one
    reached by a second operator (collected), two nobody reached (one collected, one
    returned); one parcel arrived today, still there."""
    second = UserFactory(username="pick-op2", first_name="Роман", last_name="Посылкин")
    MembershipFactory(user=second, project=pick.project, role="operator")
    arrived = NOW - timedelta(days=3)
    orders = [pick.order(n) for n in range(6)]
    for i, order in enumerate(orders[:5]):  # minutes apart (never by pk: PostgreSQL's
        pick.arrive(order, arrived + timedelta(minutes=i))  # ids run on across tests)
    pick.arrive(orders[5], NOW - timedelta(hours=1))
    for order, who in ((orders[0], pick.operator), (orders[1], pick.operator), (orders[2], second)):
        pick.call(order, "answered", actor=who)
        pick.save(order, "will_collect", collect_on=NOW.date(), actor=who)
    # an answered call before the parcel arrived does not count (orders[3])
    for order in orders[3:5]:
        pick.call(order, "no_answer")
    for order in (orders[0], orders[2], orders[3]):
        pick.report(order, "collected", NOW + timedelta(hours=1), now=NOW + timedelta(hours=1))
    pick.report(orders[4], "returned", NOW + timedelta(hours=2), now=NOW + timedelta(hours=2))
    return second


def test_pick4_buyout_per_operator_against_parcels_nobody_reached(pick):
    second = build(pick)
    report = report_for(pick.project, "buyout")
    day = (NOW - timedelta(days=3)).date()
    result = run(pick.project, report, day, NOW.date(), "operator")
    rows = {r["operator"]: r for r in result.rows}
    assert rows[pick.operator.pk]["arrived"] == 2
    assert rows[pick.operator.pk]["collected"] == 1
    assert rows[pick.operator.pk]["buyout"] == Decimal("0.5")
    assert (rows[second.pk]["arrived"], rows[second.pk]["collected"]) == (1, 1)
    nobody = rows[None]
    assert (nobody["arrived"], nobody["collected"], nobody["returned"], nobody["waiting"]) == (
        3,
        1,
        1,
        1,
    )
    assert nobody["operator_name"] == "Никто не дозвонился"


def test_pick4_rows_are_per_arrival_day(pick):
    build(pick)
    rows = buyout_rows(pick.project, start=(NOW - timedelta(days=7)).date(), end=NOW.date())
    days = {r["day"] for r in rows}
    assert days == {(NOW - timedelta(days=3)).date(), NOW.date()}
    today = [r for r in rows if r["day"] == NOW.date()]
    assert [(r["operator"], r["arrived"], r["waiting"]) for r in today] == [(None, 1, 1)]


def test_pick4_the_api_and_the_csv_show_the_same_numbers(pick, api_for):
    build(pick)
    api = api_for(pick.supervisor)
    start, end = (NOW - timedelta(days=3)).date(), NOW.date()
    path = f"/projects/{pick.project.slug}/reports/buyout"
    answer = api.get(path, **{"from": start.isoformat(), "to": end.isoformat()})
    assert answer.status_code == 200, answer.data
    by_name = {r["operator_name"]: r for r in answer.data["rows"]}
    assert by_name["Никто не дозвонился"]["arrived"] == 3
    file = api.client.get(
        f"/api/v1{path}", {"from": start.isoformat(), "to": end.isoformat(), "format": "csv"}
    )
    assert file.status_code == 200
    text = b"".join(file.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert any("Никто не дозвонился" in row for row in table)
    # an operator does not read reports
    assert api_for(pick.operator).get(path).status_code == 403


def test_the_buyout_report_is_pick_s_only(cod):
    assert report_for(cod.project, "buyout") is None
