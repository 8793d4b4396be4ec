"""Issue 23: the delivery department's day in real Chromium (seed 004, SHOP-3, SHOP-7),
screenshots in var/screenshots/delivery-NN-*.png. Its list shows the orders to deliver by
day and window, the one with a note to the department flagged red; the card shows what it
delivers (every part of the address, day and window, method and cost, payment, client,
comments, the note); it approves a short window an operator agreed; it sees no control it
cannot use."""

import re
from datetime import time, timedelta
from decimal import Decimal

import pytest

from dozvon.core import clock
from dozvon.delivery.demo import seed_demo_rates
from dozvon.orders import services as svc
from dozvon.orders.models import Order
from tests.browser.test_operator_day import login
from tests.conftest import _world

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Позвонить за час: домофон не работает"
ADDRESS = {
    "postal_code": "125009",
    "region": "Москва",
    "city": "Москва",
    "street": "Тверская",
    "house": "7",
    "apartment": "15",
    "entrance": "3",
    "floor": "5",
    "metro": "Охотный ряд",
    "directions": "Въезд со двора",
}


def agreed(world, *, phone, start, end, note="", hand_over=True):
    """An order the operator prepared (address, method, payment, window, note) and, when
    `hand_over`, handed to delivery."""
    now = clock.now()
    day = (now + timedelta(days=1)).astimezone(world.project_tz()).date()
    order = world.intake(phone=phone, created_at=now - timedelta(hours=2))
    order = svc.order_update(
        order_id=order.pk,
        actor=world.operator,
        version=None,
        customer={"customer_comment": "Не звонить в звонок", "operator_comment": "Чек на фирму"},
        fields={"delivery_address": ADDRESS},
        now=now,
    )
    order = svc.order_update(
        order_id=order.pk,
        actor=world.operator,
        version=None,
        fields={
            "delivery_method": "within_mkad",
            "delivery_date": day,
            "delivery_time_from": start,
            "delivery_time_to": end,
            "payment_method": "cash",
            "paid_amount": Decimal("0"),
            "payment_status": "Не оплачен",
            "delivery_note": note,
        },
        now=now,
    )
    if hand_over:
        order = svc.order_apply_outcome(
            order_id=order.pk, actor=world.operator, code="handed_to_delivery", now=now
        )
    return order


def test_delivery_department_day_list_flag_card_approval_no_foreign_controls(
    pages, live_server, shots
):
    # given two orders handed to delivery (one with a note) and one whose operator agreed
    # a 90-minute window that waits for the department's approval
    world = _world("shop", "shop-dlv")
    seed_demo_rates(world.project)
    noted = agreed(world, phone="+79165550201", start=time(10), end=time(14), note=NOTE)
    plain = agreed(world, phone="+79165550202", start=time(14), end=time(18))
    short = agreed(world, phone="+79165550203", start=time(10), end=time(11, 30), hand_over=False)

    # the department opens its list: the noted order carries the red flag
    page = login(pages, live_server, world.delivery.username)
    page.wait_for_url(re.compile(r"/p/shop-dlv/"))
    # its list is in the menu
    page.get_by_role("link", name="Отдел доставки").click()
    page.wait_for_url(re.compile(r"/p/shop-dlv/delivery$"))
    shots(page, "delivery-01-list")
    listed = page.locator("table.delivery-list")
    assert listed.locator(f'tr[data-order="{noted.pk}"].flagged [data-delivery-flag]').count() == 1
    assert listed.locator(f'tr[data-order="{plain.pk}"] [data-delivery-flag]').count() == 0
    assert page.locator(f'[data-awaiting] tr[data-order="{short.pk}"]').count() == 1

    # opens the flagged order: everything it delivers is on the card
    listed.locator(f'tr[data-order="{noted.pk}"] [data-delivery-flag]').click()
    page.wait_for_url(re.compile(rf"/orders/{noted.pk}/"))
    shots(page, "delivery-02-card")
    assert NOTE in page.locator("[data-delivery-note]").inner_text()
    facts = page.locator("[data-delivery-facts]").inner_text()
    for text in (
        "Индекс: 125009",
        "Улица: Тверская",
        "Дом: 7",
        "Квартира: 15",
        "Подъезд: 3",
        "Этаж: 5",
        "Метро: Охотный ряд",
        "Как проехать: Въезд со двора",
        "10:00–14:00",
        "В пределах МКАД, 500",
        "Наличные",
        "Не оплачен",
        "Не звонить в звонок",
        "Чек на фирму",
        "Физическое лицо",
    ):
        assert text in facts, text

    # and no control it cannot use: no items, calls, comments, customer form, options
    for selector in (
        "form.add-item",
        "[data-call]",
        "form.comment",
        "[data-address-form]",
        "[data-delivery-find]",
        '[data-outcome="handed_to_delivery"]',
    ):
        assert page.locator(selector).count() == 0, selector
    shots(page, "delivery-03-only-its-controls")

    # approves the short window an operator agreed, on that order's card
    page.goto(f"{live_server.url}/p/shop-dlv/delivery")
    page.locator(f'[data-awaiting] tr[data-order="{short.pk}"] a').click()
    page.wait_for_url(re.compile(rf"/orders/{short.pk}/"))
    page.wait_for_selector("[data-window-unapproved]")
    page.click("details.delivery-edit summary")
    shots(page, "delivery-04-short-window")
    page.check("[data-delivery-form] [name=delivery_window_approved]")
    page.click("[data-delivery-form] button[type=submit]")
    page.wait_for_selector("[data-window-approved]")
    shots(page, "delivery-05-approved")
    assert Order.objects.get(pk=short.pk).delivery_window_approved is True

    # then it no longer waits on the list
    page.click("[data-delivery-list]")
    page.wait_for_url(re.compile(r"/p/shop-dlv/delivery"))
    assert page.locator(f'tr[data-order="{short.pk}"]').count() == 0
    shots(page, "delivery-06-list-after")
