"""X-11 on the supervisor's screen: the live panel, reports for a typed range with charts
and downloads; only the project's supervisors (X-2), nothing about other projects (X-1)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dozvon.queues.services import queue_take_next
from tests.conftest import NOW
from tests.factories import MembershipFactory, UserFactory
from tests.reports.scenario import week


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def busy(cod):
    people = week(cod, now=NOW, days=3, per_day=8)
    cod.intake(phone="+79169990001", created_at=NOW - timedelta(minutes=30))
    queue_take_next(project=cod.project, queue_code="new", actor=people[1], now=NOW)
    return people


def test_the_screen_shows_claims_reports_charts_and_downloads_x_11(cod, busy, client):
    client.force_login(cod.supervisor)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/p/cod/supervisor", {"from": "21.11.2026", "to": "23.11.2026"})
    assert response.status_code == 200
    html = response.content.decode()
    # the live panel: who holds which order, refreshed every 15 s
    assert f'data-operator="{busy[1].username}"' in html
    assert 'hx-trigger="every 15s"' in html and "/p/cod/supervisor/live" in html
    # operators by full name, with their numbers
    for person in busy:
        assert person.get_full_name() in html
    assert re.search(r'data-report="operators"', html)
    # four charts drawn on the server, no script
    assert html.count("<svg") == 4 and "<script" not in html.split("<main>", 1)[1]
    # downloads for every table, in both formats, for the range asked
    for name in ("operators", "outcomes", "funnel"):
        for fmt in ("xlsx", "csv"):
            assert f"/p/cod/reports/{name}.{fmt}?from=21.11.2026" in html
    assert len(ctx.captured_queries) <= 60, len(ctx.captured_queries)


def test_a_mistyped_day_is_shown_next_to_its_field_and_today_is_kept_x_11(cod, client):
    client.force_login(cod.supervisor)
    response = client.get("/p/cod/supervisor", {"from": "32.11.2026", "group_by": "week"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-error="from"' in html and 'data-error="group_by"' in html
    assert 'value="32.11.2026"' in html  # what was typed stays to be fixed


def test_the_live_panel_refreshes_alone_x_11(cod, busy, client):
    client.force_login(cod.supervisor)
    response = client.get("/p/cod/supervisor/live")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<section") and f'data-operator="{busy[1].username}"' in html
    assert "<html" not in html


def test_a_download_from_the_screen_is_the_reports_file_x_11(cod, busy, client):
    client.force_login(cod.supervisor)
    response = client.get(
        "/p/cod/reports/operators.xlsx", {"from": "21.11.2026", "to": "23.11.2026"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 1 + len(busy)
    # a refused range goes back to the screen, which says why
    response = client.get("/p/cod/reports/operators.csv", {"from": "2026-13-01"})
    assert response.status_code == 302 and "/p/cod/supervisor?" in response["Location"]
    assert client.get("/p/cod/reports/nope.csv").status_code == 404
    assert client.get("/p/cod/reports/operators.pdf").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/p/cod/supervisor", "/p/cod/supervisor/live", "/p/cod/reports/operators.xlsx"],
)
def test_operators_get_403_and_other_projects_people_404_x_2(cod, shop, client, path):
    client.force_login(cod.operator)
    assert client.get(path).status_code == 403
    stranger = UserFactory(username="shop-only-operator")
    MembershipFactory(user=stranger, project=shop.project, role="supervisor")
    client.force_login(stranger)
    assert client.get(path).status_code == 404


def test_the_live_panel_tells_time_in_the_projects_time_zone_x_11(cod, client):
    cod.project.time_zone = "Asia/Vladivostok"  # 09:00 UTC is 19:00 there
    cod.project.save(update_fields=["time_zone"])
    cod.intake(phone="+79169990002", created_at=NOW - timedelta(minutes=5))
    queue_take_next(project=cod.project, queue_code="new", actor=cod.operator, now=NOW)
    client.force_login(cod.supervisor)
    for path in ("/p/cod/supervisor", "/p/cod/supervisor/live"):
        html = client.get(path).content.decode()
        claim = html.split('class="claims', 1)[1].split("</table>", 1)[0]
        assert "<td>19:00</td>" in claim, path
