"""Issue 15 inbound desk in real Chromium: a softphone opens the desk with the caller's
number, the operator sees the customer and their orders, records the interaction."""

import re

import pytest

from dozvon.interactions.models import Interaction
from tests.browser.test_operator_day import login
from tests.conftest import _world

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_takes_an_inbound_call_and_records_it(pages, live_server, shots):
    world = _world("cod", "cod-desk")
    order = world.intake(phone="+79161230077", name="Соколова Мария Андреевна")
    page = login(pages, live_server, world.operator.username)
    page.wait_for_url(re.compile(r"/p/cod-desk/"))
    page.goto(f"{live_server.url}/p/cod-desk/inbound?phone=89161230077")
    page.wait_for_selector(f'[data-customer="{order.customer_id}"]')
    assert f"#{order.pk}" in page.locator(".caller").inner_text()
    page.fill("input[name=subject]", "Когда доставка")
    page.fill("textarea[name=comment]", "Уточнила срок доставки заказа, ждёт курьера")
    shots(page, "17-inbound-desk")
    page.click(".record button[type=submit]")
    page.wait_for_selector(".messages li")
    shots(page, "18-inbound-recorded")
    saved = Interaction.objects.get()
    assert (saved.customer_id, saved.subject) == (order.customer_id, "Когда доставка")
