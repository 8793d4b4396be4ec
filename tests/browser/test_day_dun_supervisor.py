"""Issue 23: the DUN supervisor's day in real Chromium. A customer's receipt arrives: the
supervisor confirms the payment on the order's card, and the payments-after-calls report
(DUN-9) credits it to the operator who worked the order (item 10), as a payment the
partner reports would be. Then the clean-up of exhausted orders (DUN-8): the preview
shows which orders will be cancelled and which emails will go (one customer has no
address), and only the confirmation does it (item 13).

The day runs at 14:00 Moscow time of today (time-machine moves the server's clock)."""

import re
from datetime import timedelta

import pytest
import time_machine

from dozvon.automation.services import triggers_run
from dozvon.messaging.models import OutboxMessage
from dozvon.orders.models import Order
from dozvon.orders.services import order_add_comment
from dozvon.orders.services.calling import call_attempt_record
from dozvon.payments.models import Payment
from tests.browser.test_day_dun_operator import pharmacy, today_at
from tests.browser.test_operator_day import login
from tests.web.test_dun_worklist import dun_order

pytestmark = pytest.mark.django_db(transaction=True)


def _call(world, order, at, line, result="no_answer"):
    call_attempt_record(
        order_id=order.pk, actor=world.operator, result=result, line=line, started_at=at, now=at
    )


def test_the_dun_supervisor_s_day(pages, live_server, shots):
    # given the operator worked an order this morning: two calls, two lines, a comment
    world, orders = pharmacy("dun-sup")
    world.operator.first_name, world.operator.last_name = "Оксана", "Дзвінка"
    world.operator.save()
    worked = orders[0]
    _call(world, worked, today_at(10), "skype")
    _call(world, worked, today_at(12, 30), "magna", "answered")
    order_add_comment(
        order_id=worked.pk,
        actor=world.operator,
        text="Говорит, что оплатил, пришлёт квитанцию",
        now=today_at(12, 40),
    )
    # and two orders are exhausted: more than 7 calls over the last days, one without email
    tired = orders[1]
    mute = dun_order(
        world, created_at=today_at(9) - timedelta(days=8), n=9, email="", name="Без Почты Иван"
    )
    triggers_run(project=world.project, now=today_at(9) - timedelta(hours=20))
    for order in (tired, mute):
        for i in range(8):
            _call(
                world, order, today_at(9) - timedelta(days=4 - i // 2, hours=-3 * (i % 2)), "skype"
            )

    with time_machine.travel(today_at(14), tick=True):
        # the supervisor opens the worked order's card and confirms the payment
        page = login(pages, live_server, world.supervisor.username)
        page.wait_for_url(re.compile(r"/p/dun-sup/"))
        page.goto(f"{live_server.url}/orders/{worked.pk}/")
        page.click("[data-confirm-payment] summary")
        shots(page, "dun-supervisor-01-confirm-payment-form")
        form = page.locator("[data-confirm-payment] form")
        form.locator("textarea[name=comment]").fill("Клиент прислал квитанцию, оплата сходится")
        form.locator("[data-confirm-payment-submit]").click()
        page.wait_for_selector(".messages li.success")
        assert "Оксана Дзвінка" in page.locator(".messages").inner_text()
        shots(page, "dun-supervisor-02-payment-confirmed")
        payment = Payment.objects.get(order=worked)
        assert payment.attributed_to == world.operator
        assert Order.objects.get(pk=worked.pk).status == "paid"

        # the payments-after-calls report credits it to the operator (DUN-9)
        page.goto(f"{live_server.url}/p/dun-sup/supervisor")
        report = page.locator('[data-report="payments_after_calls"]')
        report.wait_for()
        row = report.locator("tbody tr", has_text="Оксана Дзвінка").first
        assert row.locator('[data-col="payments"]').inner_text().strip() == "1"
        shots(page, "dun-supervisor-03-payments-after-calls")

        # the worklist shows two exhausted orders; the button opens the preview
        page.goto(f"{live_server.url}/p/dun-sup/worklist")
        assert page.locator("[data-exhausted-count]").inner_text() == "2"
        page.click(".clean-up button[type=submit]")
        page.wait_for_url(re.compile(r"/p/dun-sup/worklist/clean-up\??$"))
        preview = page.locator("[data-clean-up-preview]")
        assert preview.locator(f'[data-clean-up-row="{tired.pk}"]').count() == 1
        assert preview.locator(f'[data-clean-up-row="{mute.pk}"]').count() == 1
        # which emails go: the final offer to the one with an address, none to the other
        email = preview.locator(f'[data-clean-up-row="{tired.pk}"] [data-email]').inner_text()
        assert tired.customer.email in email and "в подарок" in email
        nothing = preview.locator(f'[data-clean-up-row="{mute.pk}"] [data-email]').inner_text()
        assert "Письмо не уйдёт" in nothing
        summary = preview.locator("[data-clean-up-summary]").inner_text()
        assert "2 заказа" in summary and "1 письмо" in summary
        # looking changed nothing
        assert Order.objects.get(pk=tired.pk).status == "pending"
        shots(page, "dun-supervisor-04-clean-up-preview")

        # confirms: both cancelled, one final offer queued, back on the worklist
        page.click("[data-clean-up-confirm]")
        page.wait_for_url(re.compile(r"/p/dun-sup/worklist$"))
        page.wait_for_selector(".messages li.success")
        assert page.locator("[data-exhausted-count]").inner_text() == "0"
        shots(page, "dun-supervisor-05-cleaned-up")
    assert {Order.objects.get(pk=o.pk).status for o in (tired, mute)} == {"cancelled"}
    assert OutboxMessage.objects.filter(template="final_bonus_offer").count() == 1
