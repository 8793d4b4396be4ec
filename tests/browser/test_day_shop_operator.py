"""Issue 23: a SHOP operator's day in real Chromium (seed 004, SHOP-1…7), screenshots in
var/screenshots/shop-operator-NN-*.png. Take a new order; check the customer and split the
address line into fields; find the delivery options; record payment and a note to the
delivery department; agree a window shorter than 3 hours; the hand-off is refused until
the delivery department approves the window on the card; then the order is handed over,
its method priced by the rate table."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from dozvon.core import clock
from dozvon.delivery.demo import seed_demo_rates
from dozvon.orders.models import Order
from tests.browser.test_operator_day import login
from tests.conftest import _world

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Позвонить за час: домофон не работает"


def test_shop_operator_day_address_delivery_payment_short_window_approval_hand_off(
    pages, live_server, shots
):
    # given a SHOP project with its delivery methods and a new order
    world = _world("shop", "shop-day")
    seed_demo_rates(world.project)
    order = world.intake(
        phone="+79165550101",
        name="Петров Пётр Петрович",
        created_at=clock.now() - timedelta(minutes=15),
    )
    tomorrow = (clock.now() + timedelta(days=1)).astimezone(world.project_tz()).date()

    # the operator takes the next new order
    page = login(pages, live_server, world.operator.username)
    page.wait_for_url(re.compile(r"/p/shop-day/"))
    shots(page, "shop-operator-01-workspace")
    page.click('[data-take="new"]')
    page.wait_for_url(re.compile(rf"/orders/{order.pk}/\?from=new$"))
    shots(page, "shop-operator-02-card")
    page.click('[data-call="answered"]')
    page.wait_for_selector(".timeline li.kind-call")

    # checks the customer and splits the address line into fields (SHOP-7)
    page.click("details.edit summary")
    form = page.locator("[data-address-form]")
    form.locator("[name=customer_comment]").fill("Не звонить в звонок: спит ребёнок")
    form.locator("[name=operator_comment]").fill("Просит чек на фирму")
    page.fill("[data-address-line]", "Москва, Тверская 7")
    page.click("[data-address-split]")
    page.wait_for_function(
        "document.querySelector('[name=\"delivery_address.city\"]').value !== ''"
        " || document.querySelectorAll('[data-address-candidates] [data-candidate]').length > 0"
    )
    candidates = page.locator("[data-address-candidates] [data-candidate]")
    if candidates.count():
        candidates.filter(has_text="Москва").first.click()
    assert form.locator('[name="delivery_address.city"]').input_value() == "Москва"
    form.locator('[name="delivery_address.house"]').fill("7")
    form.locator('[name="delivery_address.apartment"]').fill("15")
    form.locator('[name="delivery_address.entrance"]').fill("3")
    form.locator('[name="delivery_address.floor"]').fill("5")
    form.locator('[name="delivery_address.metro"]').fill("Охотный ряд")
    form.locator('[name="delivery_address.directions"]').fill("Въезд со двора")
    shots(page, "shop-operator-03-address-split")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-delivery-facts]")
    saved = Order.objects.get(pk=order.pk)
    assert saved.delivery_address["entrance"] == "3" and saved.delivery_address["city"] == "Москва"

    # finds the delivery options and takes pickup (the customer first wants to collect it)
    page.click("[data-delivery-find]")
    page.wait_for_selector("[data-delivery-options] tr")
    shots(page, "shop-operator-04-delivery-options")
    page.locator('[data-delivery-options] tr[data-option="pickup"] button').click()
    page.wait_for_load_state("load")
    page.wait_for_function("document.querySelector('[data-delivery-options]').hidden")
    assert Order.objects.get(pk=order.pk).delivery_method == "pickup"

    # payment and the note to delivery; a 90-minute window the customer insists on
    page.click("details.delivery-edit summary")
    dform = page.locator("[data-delivery-form]")
    dform.locator("[name=delivery_date]").fill(tomorrow.strftime("%d.%m.%Y"))
    dform.locator("[name=delivery_time_from]").fill("10:00")
    dform.locator("[name=delivery_time_to]").fill("11:30")
    dform.locator("[name=payment_method]").select_option("card")
    dform.locator("[name=paid_amount]").fill("300")
    dform.locator("[name=payment_status]").fill("Частично оплачен")
    dform.locator("[name=delivery_note]").fill(NOTE)
    assert dform.locator("[name=delivery_window_approved]").count() == 0  # the department's
    shots(page, "shop-operator-05-delivery-and-payment")
    dform.locator("button[type=submit]").click()
    page.wait_for_selector("[data-window-unapproved]")
    facts = page.locator("[data-delivery-facts]").inner_text()
    assert "Карта" in facts and "Частично оплачен" in facts and "Подъезд: 3" in facts
    assert NOTE in page.locator("[data-delivery-note]").inner_text()
    shots(page, "shop-operator-06-short-window-flagged")

    # hands it over, changing the method in the form to "within MKAD": priced at once
    page.click('[data-outcome="handed_to_delivery"]')
    hand = page.locator('[data-outcome-form="handed_to_delivery"]')
    assert hand.locator("[name=delivery_time_to]").input_value() == "11:30"
    hand.locator("select[name=delivery_method]").select_option("within_mkad")
    page.wait_for_selector("[data-method-status]:not([hidden])")
    assert "500" in page.locator('[data-total="delivery"]').inner_text()
    saved = Order.objects.get(pk=order.pk)
    assert (saved.delivery_method, saved.delivery_cost) == ("within_mkad", Decimal("500.00"))
    hand.locator("button.save").click()
    # refused: the short window needs the delivery department's approval (SHOP-7)
    page.wait_for_selector('[data-outcome-form="handed_to_delivery"]:not([hidden]) .error')
    assert "SHOP-7" in hand.locator(".error").first.inner_text()
    shots(page, "shop-operator-07-hand-off-refused")
    assert Order.objects.get(pk=order.pk).status == "new"

    # the delivery department approves the window on the card, in its own browser
    dept = login(pages, live_server, world.delivery.username)
    dept.goto(f"{live_server.url}/orders/{order.pk}/")
    dept.click("details.delivery-edit summary")
    dept.check("[data-delivery-form] [name=delivery_window_approved]")
    dept.click("[data-delivery-form] button[type=submit]")
    dept.wait_for_selector("[data-window-approved]")
    shots(dept, "shop-operator-08-department-approved")

    # then the operator reloads the card and hands the order over
    page.goto(f"{live_server.url}/orders/{order.pk}/?from=new")
    page.wait_for_selector("[data-window-approved]")
    page.click('[data-outcome="handed_to_delivery"]')
    hand = page.locator('[data-outcome-form="handed_to_delivery"]')
    assert hand.locator("select[name=delivery_method]").input_value() == "within_mkad"
    shots(page, "shop-operator-09-hand-off")
    hand.locator("button.save").click()
    page.wait_for_url(re.compile(r"/p/shop-day/"))
    shots(page, "shop-operator-10-handed-over")
    saved = Order.objects.get(pk=order.pk)
    assert saved.status == "handed_to_delivery" and saved.delivery_flag
    assert (saved.delivery_method, saved.delivery_cost) == ("within_mkad", Decimal("500.00"))
    assert saved.total == saved.goods_total + Decimal("500.00")
    assert (saved.payment_method, saved.paid_amount) == ("card", Decimal("300.00"))
