"""Keyboard (workspace issue): take next, record no-answer and save without the mouse."""

import re
from datetime import timedelta

import pytest

from dozvon.core import clock
from dozvon.orders.models import Order
from tests.conftest import _world

pytestmark = pytest.mark.django_db(transaction=True)


def test_take_next_no_answer_and_save_from_the_keyboard_cod_17(pages, live_server, shots):
    # given an operator with two new orders waiting
    world = _world("cod", "cod-keys")
    first = world.intake(phone="+79161234501", created_at=clock.now() - timedelta(minutes=10))
    second = world.intake(phone="+79161234502", created_at=clock.now() - timedelta(minutes=5))
    page = pages()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", world.operator.username)
    page.fill("input[name=password]", "pw")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/p/cod-keys/"))
    # when they press Alt+T, the oldest order's card opens
    page.keyboard.press("Alt+KeyT")
    page.wait_for_url(re.compile(rf"/orders/{first.pk}/\?from=new$"))
    shots(page, "09-keyboard-card")
    # Alt+N records the failed call and saves "No answer" in one step; the next opens
    page.keyboard.press("Alt+KeyN")
    page.wait_for_url(re.compile(rf"/orders/{second.pk}/\?from=new$"))
    saved = Order.objects.get(pk=first.pk)
    assert (saved.status, saved.problem, saved.failed_calls) == ("no_answer", "no_answer", 1)
    assert saved.bucket == "unreached" and saved.last_comment.endswith("Недозвон")
    # on the second: a failed call alone, then Alt+3 "No answer" typed by hand, Ctrl+Enter
    page.click('[data-call="no_answer"]')
    page.wait_for_selector(".timeline li.kind-call")
    page.keyboard.press("Alt+Digit3")
    form = page.locator('[data-outcome-form="no_answer"]')
    assert form.is_visible()
    form.locator("select[name=problem]").select_option("no_answer")
    form.locator("textarea[name=comment]").fill("23.11: не берёт трубку")
    page.keyboard.press("Control+Enter")
    # nothing else is due: back to the queue, with the reason on screen
    page.wait_for_url(re.compile(r"/p/cod-keys/\?queue=new"))
    shots(page, "10-keyboard-saved")
    saved = Order.objects.get(pk=second.pk)
    assert (saved.status, saved.failed_calls, saved.bucket) == ("no_answer", 1, "unreached")
