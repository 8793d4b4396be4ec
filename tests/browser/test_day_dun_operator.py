"""Issue 23: the DUN operator's working day in real Chromium (SPEC DUN-1..8), one seam
after another: the worklist with its count for today (DUN-3), an order opened from it,
calls from both caller lines hours apart (DUN-7), a comment in Russian and one in English
refused (DUN-6), the bank details sent — the message page shows the order number in the
purpose of payment (item 11) — a bonus offer double-clicked that goes once (item 14),
a postponement (DUN-5), and back on the worklist with one order fewer for today.

The day runs at 11:30 and 14:00 Moscow time of today (time-machine moves the server's
clock; the browser's cookies stay valid)."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dozvon.automation.services import triggers_run
from dozvon.dunning.demo_data import BANK_DETAILS_RU, _templates
from dozvon.messaging.models import MailSettings, OutboxMessage
from dozvon.messaging.services import template_save
from dozvon.orders.models import Order
from tests.browser.test_operator_day import login
from tests.conftest import _world
from tests.web.test_dun_worklist import dun_order

pytestmark = pytest.mark.django_db(transaction=True)

MSK = ZoneInfo("Europe/Moscow")
NAMES = [
    "Смирнова Ольга Викторовна",
    "Кузнецов Андрей Петрович",
    "Попова Елена Сергеевна",
    "Васильев Игорь Николаевич",
]


def today_at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(datetime.now(MSK).date(), time(hour, minute), tzinfo=MSK)


def pharmacy(slug: str):
    """A DUN project with the pharmacy demo's bank details and Russian emails, and four
    orders that entered the worklist yesterday (DUN-1)."""
    world = _world("dun", slug)
    MailSettings.objects.create(
        project=world.project, sender_name="Аптека-Демо", bank_details=BANK_DETAILS_RU
    )
    for spec in _templates():
        template_save(project=world.project, actor=world.supervisor, now=today_at(8), **spec)
    orders = [
        dun_order(
            world,
            created_at=today_at(9) - timedelta(days=8, minutes=10 - i),
            n=i,
            name=name,
            quantity=4 + 2 * i,
        )
        for i, name in enumerate(NAMES)
    ]
    triggers_run(project=world.project, now=today_at(9) - timedelta(days=1))
    return world, orders


def call_from(page, line: str, result: str) -> None:
    page.select_option("[data-call-line]", line)
    page.click(f'[data-call="{result}"]')
    page.wait_for_load_state("load")


def test_the_dun_operator_s_day(pages, live_server, shots):
    world, orders = pharmacy("dun-day")
    newest = orders[-1]
    with time_machine.travel(today_at(11, 30), tick=True) as clock:
        # the operator opens the worklist: four orders to process today, newest first
        page = login(pages, live_server, world.operator.username)
        page.wait_for_url(re.compile(r"/p/dun-day/"))
        page.goto(f"{live_server.url}/p/dun-day/worklist")
        assert page.locator("[data-today-count]").inner_text() == "4"
        first = page.locator("table.worklist tbody tr").first
        assert first.get_attribute("data-row") == str(newest.pk)
        shots(page, "dun-operator-01-worklist")

        # opens the newest order from it
        first.locator("a").first.click()
        page.wait_for_url(re.compile(rf"/orders/{newest.pk}/\?from=worklist$"))
        assert page.locator("[data-dun-panel]").is_visible()
        shots(page, "dun-operator-02-card")

        # calls from Skype at 11:30: no answer
        call_from(page, "skype", "no_answer")
        page.wait_for_selector(".timeline li.kind-call")
        shots(page, "dun-operator-03-call-skype")

        # an email before the second call is refused (DUN-7), saying why
        page.click("[data-send=bank_details]")
        page.wait_for_selector("[data-dun-error]")
        assert page.locator("[data-dun-error]").first.inner_text().strip()
        assert not OutboxMessage.objects.filter(order=newest).exists()
        shots(page, "dun-operator-04-email-refused-before-calls")

        # 14:00: calls again from the other line, busy
        clock.move_to(today_at(14, 0))
        page.goto(f"{live_server.url}/orders/{newest.pk}/?from=worklist")
        call_from(page, "magna", "busy")
        assert page.locator(".timeline li.kind-call").count() == 2
        shots(page, "dun-operator-05-call-magna")

        # a comment in English is refused (DUN-6) and nothing is written
        page.fill("#comment-text", "Customer does not answer, called twice")
        page.click("form.comment button[type=submit]")
        page.wait_for_selector("form.comment .error, .error[role=alert]")
        assert "по-русски" in page.content() or "DUN-6" in page.content()
        assert page.locator(".timeline li.kind-comment").count() == 0
        shots(page, "dun-operator-06-comment-english-refused")

        # the same in Russian is taken
        page.fill("#comment-text", "Не берёт трубку, звонил со скайпа и с магны")
        page.click("form.comment button[type=submit]")
        page.wait_for_selector(".timeline li.kind-comment")
        shots(page, "dun-operator-07-comment-russian")

        # sends the bank details; the message page shows the order number in the purpose
        page.click("[data-send=bank_details]")
        page.wait_for_selector(".messages li.success")
        (bank,) = OutboxMessage.objects.filter(order=newest, template="bank_details")
        shots(page, "dun-operator-08-bank-details-sent")
        page.goto(f"{live_server.url}/messages/{bank.pk}/")
        text = page.locator("body").inner_text()
        assert f"оплата заказа № {newest.external_id}" in text
        assert "(номер заказа)" not in text
        shots(page, "dun-operator-09-bank-details-message")

        # sends a 25 % bonus offer with a double click: one email goes
        page.goto(f"{live_server.url}/orders/{newest.pk}/?from=worklist")
        page.select_option("select[name=bonus_percent]", "25")
        page.dblclick("[data-send=bonus_offer]")
        page.wait_for_selector(".messages li.success")
        page.wait_for_load_state("networkidle")
        offers = OutboxMessage.objects.filter(order=newest, template="bonus_offer")
        assert offers.count() == 1
        # and it states the units in the customer's terms (DUN-2: 10 units × 25 % = 3)
        assert offers.get().subject == f"3 шт. в подарок к заказу № {newest.external_id}"
        shots(page, "dun-operator-10-bonus-offer-once")

        # postpones: the customer will read the email and think, 2 days (DUN-5)
        page.click('.dun-actions [data-outcome="postpone"]')
        form = page.locator('[data-outcome-form="postpone"]')
        form.locator("select[name=reason]").select_option("will_think")
        form.locator("select[name=days]").select_option("2")
        form.locator("textarea[name=comment]").fill("Прочтёт письмо с бонусом и подумает")
        shots(page, "dun-operator-11-postpone")
        form.locator("button.save").click()

        # back on the worklist: three orders left for today
        page.wait_for_url(re.compile(r"/p/dun-day/worklist"))
        assert page.locator("[data-today-count]").inner_text() == "3"
        assert page.locator(f'tr[data-row="{newest.pk}"]').count() == 0
        shots(page, "dun-operator-12-back-on-the-worklist")
    saved = Order.objects.get(pk=newest.pk)
    assert (saved.status, saved.bucket) == ("postponed", "worklist")
