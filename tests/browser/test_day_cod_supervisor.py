"""The COD supervisor's working day in real Chromium (issue 23, items 7, 20, 21): the
supervisor screen with live tab counts; finding an order by the partner's number and by
a phone typed another way (X-4); opening a rejected order, reopening it with a reason
(X-7) and seeing New count it; an operator's take next hands it out (COD-7/9); the
operators report for the day (X-11) and its export. Screenshots of every step:
var/screenshots/cod-supervisor-NN-*.png."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from dozvon.core import clock
from dozvon.orders.services import order_apply_outcome
from dozvon.orders.services.calling import call_attempt_record
from tests.browser.test_operator_day import count, login
from tests.conftest import _world

pytestmark = pytest.mark.django_db(transaction=True)

SHOT = "cod-supervisor-{:02d}-{}"


def _rows(page) -> list[str]:
    return [t.strip() for t in page.locator("table.orders tbody tr").all_inner_texts()]


def test_cod_supervisor_finds_reopens_and_reports_the_day(
    pages, live_server, shots, tmp_path, midday
):
    # given a COD project: the partner's order PH-240042 the operator rejected this
    # morning, two orders waiting for a quick recall, and one confirmed
    world = _world("cod", "cod-day")
    now = clock.now()
    rejected = world.intake(
        external_id="PH-240042",
        name="Иванов Иван Петрович",
        phone="+79161234567",
        created_at=now - timedelta(hours=3),
    )
    call_attempt_record(order_id=rejected.pk, actor=world.operator, result="answered", now=now)
    order_apply_outcome(
        order_id=rejected.pk,
        actor=world.operator,
        code="reject",
        problem="too_expensive",
        comment="Отказ: дорого",
        now=now,
    )
    for i in range(2):
        waiting = world.intake(
            external_id=f"PH-2401{i}",
            name=f"Петрова Анна{i} Сергеевна",
            phone=f"+7903555000{i}",
            created_at=now - timedelta(hours=2),
        )
        call_attempt_record(
            order_id=waiting.pk,
            actor=world.operator,
            result="no_answer",
            now=now - timedelta(minutes=10),
        )
    confirmed = world.intake(
        external_id="PH-240200",
        name="Смирнов Олег Николаевич",
        phone="+79035550100",
        created_at=now - timedelta(hours=1),
    )
    call_attempt_record(order_id=confirmed.pk, actor=world.operator, result="answered", now=now)
    order_apply_outcome(order_id=confirmed.pk, actor=world.operator, code="confirm", now=now)

    # when the supervisor starts the day on the supervisor screen
    boss = login(pages, live_server, world.supervisor.username)
    boss.goto(f"{live_server.url}/p/cod-day/supervisor")
    shots(boss, SHOT.format(1, "supervisor-screen"))
    # then the live tab counts show who waits where: nothing new, two quick recalls
    assert count(boss, "new") == 0
    assert count(boss, "quick_recall") == 2
    assert boss.locator('[data-queue-now="quick_recall"] .num').inner_text() == "2"

    # the partner phones about their order PH-240042: found by the partner's number
    boss.goto(f"{live_server.url}/p/cod-day/")
    boss.fill("form.filters input[name=q]", "PH-240042")
    boss.click("form.filters button[type=submit]")
    boss.wait_for_url(re.compile(r"q=PH-240042"))
    shots(boss, SHOT.format(2, "found-by-partner-number"))
    rows = _rows(boss)
    assert len(rows) == 1 and f"#{rejected.pk}" in rows[0] and "Иванов Иван" in rows[0]
    # and by the customer's phone typed the old way
    boss.fill("form.filters input[name=q]", "8 916 123-45-67")
    boss.click("form.filters button[type=submit]")
    boss.wait_for_url(re.compile(r"q=8\+916"))
    shots(boss, SHOT.format(3, "found-by-phone"))
    rows = _rows(boss)
    assert len(rows) == 1 and f"#{rejected.pk}" in rows[0]

    # opens the rejected order: closed, with the reopen form
    boss.click(f'table.orders a[href$="/orders/{rejected.pk}/"]')
    boss.wait_for_selector("form.reopen")
    assert "Отказ" in boss.locator(".customer .status").inner_text()
    shots(boss, SHOT.format(4, "rejected-order"))

    # reopening without a reason is not possible (the browser asks for it) …
    boss.click("form.reopen button[type=submit]")
    assert boss.locator("form.reopen").count() == 1
    # … with the reason it is reopened
    boss.fill("form.reopen textarea[name=comment]", "Клиент передумал, согласен на доставку")
    boss.click("form.reopen button[type=submit]")
    boss.wait_for_selector("form.reopen", state="detached")
    assert "Новый" in boss.locator(".customer .status").inner_text()
    assert "Клиент передумал" in boss.locator(".timeline").inner_text()
    shots(boss, SHOT.format(5, "reopened"))

    # the workspace counts it in New, with nobody responsible
    boss.goto(f"{live_server.url}/p/cod-day/?q=PH-240042")
    assert count(boss, "new") == 1
    assert "Новый" in _rows(boss)[0]
    shots(boss, SHOT.format(6, "counted-in-new"))

    # and the operator's take next from New hands it out
    operator = login(pages, live_server, world.operator.username)
    operator.goto(f"{live_server.url}/p/cod-day/")
    assert count(operator, "new") == 1
    operator.click('[data-take="new"]')
    operator.wait_for_url(re.compile(r"/orders/\d+/\?from=new$"))
    assert f"/orders/{rejected.pk}/" in operator.url
    shots(operator, SHOT.format(7, "operator-takes-it"))

    # the supervisor's operators report for the day names the operator's calls
    boss.goto(f"{live_server.url}/p/cod-day/supervisor")
    row = boss.locator(f'.per-operator [data-operator="{world.operator.username}"]')
    assert row.count() == 1
    assert row.locator('[data-col="calls"]').get_attribute("data-value") == "4"
    note = boss.locator('[data-report="operators"] .report-note').inner_text()
    assert "Доля подтверждённых" in note
    shots(boss, SHOT.format(8, "operators-report"))

    # and exports it: the XLSX carries the same row
    with boss.expect_download() as download:
        boss.click('[data-report="operators"] [data-download="xlsx"]')
    path = tmp_path / "operators.xlsx"
    download.value.save_as(path)
    header, *rows = [list(r) for r in load_workbook(path).active.iter_rows(values_only=True)]
    wanted = next(r for r in rows if world.operator.username in map(str, r))
    assert wanted[header.index("Звонки")] == 4
    shots(boss, SHOT.format(9, "report-exported"))
