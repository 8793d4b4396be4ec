"""Issue 24 in real Chromium: an operator types a formula as a comment on the card, then
downloads the order list from the workspace's Export links — the XLSX holds no formula and
the CSV escapes it — and a comment with an ESC character is refused (issue 25, X-11)."""

import re

import pytest

from dozvon.orders.models import Order
from tests.browser.test_operator_day import login
from tests.conftest import _world
from tests.exports.support import as_dicts, csv_rows, hostile, xlsx_rows

pytestmark = pytest.mark.django_db(transaction=True)


def _download(page, text: str) -> bytes:
    with page.expect_download() as info:
        page.locator(".exports a", has_text=text).click()
    with open(info.value.path(), "rb") as f:
        return f.read()


def test_an_operators_formula_comment_leaves_as_text_in_both_downloads(pages, live_server, shots):
    # given a COD order and its operator on the card
    world = _world("cod", "cod-x")
    order = world.intake(name="Клиентов Клиент Петрович")
    page = login(pages, live_server, world.operator.username)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    # when the operator saves a comment typed as a formula
    page.fill("#comment-text", hostile("="))
    page.click("form.comment button[type=submit]")
    page.wait_for_load_state()
    shots(page, "cod-operator-20-formula-comment")
    assert Order.objects.get(pk=order.pk).last_comment == hostile("=")
    # and downloads the order list from the workspace, both formats
    page.goto(f"{live_server.url}/p/cod-x/")
    shots(page, "cod-operator-21-workspace-exports")
    xlsx = as_dicts(xlsx_rows(_download(page, "XLSX")))
    csv = as_dicts(csv_rows(_download(page, "CSV")))
    # then the comment is a string in the XLSX and escaped in the CSV (checked on reading)
    assert [r["Последний комментарий"] for r in xlsx] == [hostile("=")]
    assert [r["Последний комментарий"] for r in csv] == ["'" + hostile("=")]


def test_a_comment_with_an_escape_character_is_refused_in_the_browser(pages, live_server, shots):
    # given the card of an order
    world = _world("cod", "cod-y")
    order = world.intake(name="Клиентов Клиент Петрович")
    page = login(pages, live_server, world.operator.username)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    # when a comment pasted with a terminal's colour codes is saved
    page.fill("#comment-text", "перезвонить \x1b[31mзавтра")
    page.click("form.comment button[type=submit]")
    page.wait_for_load_state()
    shots(page, "cod-operator-22-control-character-refused")
    # then the request is refused naming the field, and nothing is stored
    assert re.search(r"Управляющие символы.*\(text\)", page.content())
    assert Order.objects.get(pk=order.pk).last_comment == ""
