"""Keyboard (workspace issue): take next, record no-answer and save without the mouse."""

import re
from datetime import timedelta

import pytest

from dozvon.core import clock
from dozvon.orders.models import Order
from tests.conftest import _world

pytestmark = pytest.mark.django_db(transaction=True)


def test_take_next_no_answer_and_save_from_the_keyboard_cod_17(pages, live_server, shots):
    # given an operator with one new order waiting
    world = _world("cod", "cod-keys")
    order = world.intake(created_at=clock.now() - timedelta(minutes=10))
    page = pages()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", world.operator.username)
    page.fill("input[name=password]", "pw")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/p/cod-keys/"))
    # when they press Alt+T, the order card opens
    page.keyboard.press("Alt+KeyT")
    page.wait_for_url(re.compile(rf"/orders/{order.pk}/$"))
    # Alt+N records a failed call
    page.keyboard.press("Alt+KeyN")
    page.wait_for_selector(".timeline li.kind-call")
    # Alt+3 opens "No answer"; they choose the problem, type the comment, Ctrl+Enter saves
    page.keyboard.press("Alt+Digit3")
    form = page.locator('[data-outcome-form="no_answer"]')
    assert form.is_visible()
    form.locator("select[name=problem]").select_option("no_answer")
    form.locator("textarea[name=comment]").fill("23.11: не берёт трубку")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/p/cod-keys/"))
    shots(page, "09-keyboard-saved")
    # then the order waits in quick recall with its failed call counted
    saved = Order.objects.get(pk=order.pk)
    assert (saved.status, saved.failed_calls, saved.bucket) == ("no_answer", 1, "unreached")
