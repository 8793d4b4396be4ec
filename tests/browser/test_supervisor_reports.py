"""Issue 17, X-11 in real Chromium at 1366×768: the supervisor's screen shows who holds what
(idle claims marked, refreshed by itself), reports for a typed range of days with charts,
operators by full name, tables that fit the screen, the same numbers as the API and the
XLSX download, and a print layout. Screenshots: var/screenshots/supervisor-*.png."""

from __future__ import annotations

import re
from datetime import timedelta

import openpyxl
import pytest

from dozvon.core import clock
from dozvon.queues.services import queue_take_next
from dozvon.reports.exports import json_rows
from dozvon.reports.registry import report_for, run
from tests.browser.conftest import SHOTS
from tests.conftest import _world
from tests.reports.scenario import week

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 1366, 768


@pytest.fixture
def screen(browser):
    context = browser.new_context(locale="ru-RU", viewport={"width": WIDTH, "height": HEIGHT})
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"supervisor-{name}.png"), full_page=True)


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def cells(page, report: str) -> list[dict[str, str]]:
    """The table's rows as {column: data-value}."""
    return page.evaluate(
        """(name) => [...document.querySelectorAll(`[data-report="${name}"] tbody tr`)]
            .filter(tr => tr.querySelector('td[data-col]'))
            .map(tr => Object.fromEntries([...tr.querySelectorAll('td[data-col]')]
              .map(td => [td.dataset.col, td.dataset.value ?? null])))""",
        report,
    )


def fits(page) -> dict:
    return page.evaluate(
        """() => ({
          page: document.documentElement.scrollWidth,
          tables: [...document.querySelectorAll('.report .scroll')].map(
            s => [s.closest('[data-report]').dataset.report, s.scrollWidth, s.clientWidth]),
        })"""
    )


def test_supervisor_reads_a_week_with_charts_downloads_and_prints_x_11(
    screen, live_server, tmp_path
):
    # given a COD project with a week of work by three operators and two claims held now
    world = _world("cod", "cod-sup")
    now = clock.now()
    people = week(world, now=now, days=7, per_day=9)
    for i in range(2):
        world.intake(phone=f"+7916900000{i}", created_at=now - timedelta(minutes=40 - i))
    for who, minutes in ((people[2], 26), (people[1], 25), (people[2], 0)):  # one left idle
        queue_take_next(
            project=world.project,
            queue_code="new",
            actor=who,
            now=now - timedelta(minutes=minutes),
        )
    page = screen
    login(page, live_server, world.supervisor.username)

    # when the supervisor opens the screen: today, the live panel, charts
    page.goto(f"{live_server.url}/p/cod-sup/supervisor")
    shot(page, "01-today")
    claims = page.locator(".claims tbody tr")
    assert claims.count() == 2
    # operators by full name; the idle claim (25 min > 10) is marked
    stale = page.locator(f'.claims tr.stale[data-operator="{people[1].username}"]')
    assert "Борис Петров" in stale.inner_text()
    assert page.locator('[data-live="idle"]').inner_text() == "1"
    assert page.locator("figure[data-chart] svg").count() == 4

    # and asks for the week grouped by operator, typing the days as dd.mm.yyyy
    today = clock.local_date(now, world.project.time_zone)
    start = today - timedelta(days=6)
    page.fill("input[name=from]", f"{start:%d.%m.%Y}")
    page.fill("input[name=to]", f"{today:%d.%m.%Y}")
    page.select_option("select[name=group_by]", "operator")
    page.click(".report-form button[type=submit]")
    page.wait_for_url(re.compile(r"group_by=operator"))
    shot(page, "02-week-by-operator")

    # then every operator is there by full name, and nothing spills out of the screen
    names = page.locator('[data-report="operators"] td[data-col="operator_name"]').all_inner_texts()
    assert sorted(names) == sorted(p.get_full_name() for p in people)
    width = fits(page)
    assert width["page"] <= WIDTH, width
    assert all(scroll <= client for _, scroll, client in width["tables"]), width
    # charts: queue sizes over the day, results per hour, approval per operator, trend
    for name in ("queues", "outcomes_per_hour", "approval", "trend"):
        figure = page.locator(f'figure[data-chart="{name}"] svg')
        assert figure.locator("rect, polyline, circle").count() > 0, name

    # the table carries the API's numbers
    report = report_for(world.project, "operators")
    result = run(world.project, report, start, today, "operator")
    api_rows = json_rows(result, world.project.time_zone)
    shown = cells(page, "operators")
    assert len(shown) == len(api_rows)
    for ui, api in zip(shown, sorted(api_rows, key=lambda r: r["operator_name"]), strict=True):
        for column in ("calls", "contacts", "talk_time", "orders_worked", "approved"):
            assert ui[column] == str(api[column]), (column, ui, api)

    # and the XLSX download holds the same numbers
    with page.expect_download() as info:
        page.click('[data-report="operators"] [data-download="xlsx"]')
    path = tmp_path / "operators.xlsx"
    info.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[1]]
    xlsx = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(2)]
    assert sorted(r["Звонки"] if "Звонки" in r else r["Calls"] for r in xlsx) == sorted(
        r["calls"] for r in api_rows
    )

    # grouped by day: one row per day with work
    page.select_option("select[name=group_by]", "day")
    page.click(".report-form button[type=submit]")
    page.wait_for_url(re.compile(r"group_by=day"))
    shot(page, "03-week-by-day")
    days = run(world.project, report, start, today, "day").rows
    assert page.locator('[data-report="operators"] tbody tr').count() == len(days) >= 6

    # by operator and day: the widest table still fits the screen
    page.select_option("select[name=group_by]", "operator_day")
    page.click(".report-form button[type=submit]")
    page.wait_for_url(re.compile(r"group_by=operator_day"))
    shot(page, "04-week-by-operator-and-day")
    width = fits(page)
    assert width["page"] <= WIDTH, width
    assert all(scroll <= client for _, scroll, client in width["tables"]), width

    # a mistyped day is refused next to its field, naming nothing technical
    page.fill("input[name=from]", "31.02.2026")
    page.click(".report-form button[type=submit]")
    page.wait_for_selector('[data-error="from"]')
    assert page.locator("input[name=from]").get_attribute("aria-invalid") == "true"
    shot(page, "05-refused-day")

    # the live panel refreshes by itself: a new claim shows up within 15 s
    page.fill("input[name=from]", f"{start:%d.%m.%Y}")
    page.click(".report-form button[type=submit]")
    page.wait_for_load_state()
    queue_take_next(project=world.project, queue_code="quick_recall", actor=people[0], now=now)
    world.intake(phone="+79169000099", created_at=now - timedelta(minutes=2))
    queue_take_next(project=world.project, queue_code="new", actor=people[0], now=clock.now())
    page.wait_for_selector(f'.claims tr[data-operator="{people[0].username}"]', timeout=20_000)

    # and it prints: no navigation or form, charts and tables kept
    page.emulate_media(media="print")
    shot(page, "06-print")
    assert page.locator("header.top").is_hidden()
    assert page.locator(".report-form").is_hidden()
    assert page.locator("figure[data-chart] svg").first.is_visible()
