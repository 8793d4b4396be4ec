"""Issue 23: a COD operator's day in real Chromium (seed 003, COD-1…17), screenshots in
var/screenshots/cod-operator-NN-*.png. Take the oldest new order; call it (the call starts
when the phone was clicked, X-8); add an upsell whose discount is refused and then fixed,
the chosen product kept (COD-11); choose the delivery (COD-13) and confirm (COD-15); the
next order: no answer in one key (COD-17); the next: a callback (COD-16)."""

import re
from datetime import timedelta

import pytest

from dozvon.calls.models import CallAttempt
from dozvon.core import clock
from dozvon.delivery.demo import seed_demo_rates
from dozvon.orders.models import Order, OrderItem
from tests.browser.test_operator_day import login
from tests.conftest import _world

pytestmark = pytest.mark.django_db(transaction=True)

# the phone link opens the softphone (tel:); in the test only the card's timer runs
CLICK_PHONE = """() => {
  const a = document.querySelector('a.phone');
  a.addEventListener('click', (e) => e.preventDefault());
  a.click();
}"""


def test_cod_operator_day_call_upsell_refused_then_fixed_delivery_confirm_no_answer_callback(
    pages, live_server, shots
):
    # given a COD project with delivery rates and three new orders
    world = _world("cod", "cod-day")
    seed_demo_rates(world.project)
    now = clock.now()
    first, second, third = (
        world.intake(
            phone=f"+7916555030{i}",
            name=f"Сидоров Сидор{i} Сидорович",
            created_at=now - timedelta(minutes=30 - i),
        )
        for i in range(3)
    )

    # the operator takes the oldest new order (COD-7)
    page = login(pages, live_server, world.operator.username)
    page.wait_for_url(re.compile(r"/p/cod-day/"))
    shots(page, "cod-operator-01-workspace")
    page.click('[data-take="new"]')
    page.wait_for_url(re.compile(rf"/orders/{first.pk}/\?from=new$"))

    # calls: the timer starts with the click on the phone, the result is saved later
    page.evaluate(CLICK_PHONE)
    clicked = clock.now()
    page.wait_for_selector("[data-call-timer]:not([hidden])")
    page.wait_for_timeout(2500)
    shots(page, "cod-operator-02-calling")
    page.click('[data-call="answered"]')
    page.wait_for_selector(".timeline li.kind-call")
    call = CallAttempt.objects.get(order=first)
    assert call.duration_s >= 2
    assert abs((call.started_at - clicked).total_seconds()) < 2  # when it started
    assert (call.created_at - call.started_at).total_seconds() >= 2  # not when saved

    # an upsell: the big product at 30 % off (it allows 10 %): refused, the choice kept
    page.select_option("select[name=sku]", "cod-day-big")
    page.fill("form.add-item input[name=quantity]", "2")
    page.fill("form.add-item input[name=discount_percent]", "30")
    page.click("form.add-item button[type=submit]")
    page.wait_for_selector("form.add-item .error")
    shots(page, "cod-operator-03-upsell-refused")
    assert page.locator("select[name=sku]").input_value() == "cod-day-big"
    assert page.locator("form.add-item input[name=discount_percent]").input_value() == "30"
    assert page.locator("form.add-item input[name=quantity]").input_value() == "2"
    # fixes the discount and adds: the product chosen, not another one
    page.fill("form.add-item input[name=discount_percent]", "10")
    page.click("form.add-item button[type=submit]")
    page.wait_for_selector("form.add-item:not(:has(.error))")
    shots(page, "cod-operator-04-upsell-added")
    upsell = OrderItem.objects.get(order=first, is_main=False)
    assert (upsell.product.sku, upsell.quantity, upsell.discount_percent) == ("cod-day-big", 2, 10)

    # the address and the delivery: courier first (COD-13)
    page.click("details.edit summary")
    form = page.locator("[data-address-form]")
    form.locator('[name="delivery_address.region"]').fill("Москва")
    form.locator('[name="delivery_address.city"]').fill("Москва")
    form.locator('[name="delivery_address.street"]').fill("Тверская")
    form.locator('[name="delivery_address.house"]').fill("7")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-delivery-find]")
    page.click("[data-delivery-find]")
    page.wait_for_selector("[data-delivery-options] tr")
    shots(page, "cod-operator-05-delivery-options")
    page.locator("[data-delivery-options] tr").nth(0).locator("button").click()
    page.wait_for_function(
        "document.querySelector('.delivery .muted').textContent.includes('Курьер')"
    )
    # free: the goods total (5 500 ₽) reached the courier's free-delivery threshold
    assert Order.objects.get(pk=first.pk).delivery_method == "courier"

    # confirms (COD-15): the next new order opens by itself
    page.keyboard.press("Alt+Digit1")
    shots(page, "cod-operator-06-confirm")
    page.locator('[data-outcome-form="confirm"] button.save').click()
    page.wait_for_url(re.compile(rf"/orders/{second.pk}/\?from=new$"))
    assert Order.objects.get(pk=first.pk).status == "confirmed"

    # the next one does not answer: one key (COD-17), and the third opens
    shots(page, "cod-operator-07-second-order")
    page.click("[data-no-answer]")
    page.wait_for_url(re.compile(rf"/orders/{third.pk}/\?from=new$"))
    saved = Order.objects.get(pk=second.pk)
    assert (saved.failed_calls, saved.problem) == (1, "no_answer")

    # the third asks to be called back in three hours (COD-16)
    page.click('[data-call="answered"]')
    page.wait_for_selector(".timeline li.kind-call")
    page.click('[data-outcome="callback"]')
    callback = page.locator('[data-outcome-form="callback"]')
    callback.locator("select[name=problem]").select_option("need_callback")
    later = (clock.now() + timedelta(hours=3)).astimezone(world.project_tz())
    callback.locator("input[name=callback_at]").fill(later.strftime("%d.%m.%Y %H:%M"))
    callback.locator("textarea[name=comment]").fill("Просит перезвонить после обеда")
    shots(page, "cod-operator-08-callback")
    callback.locator("button.save").click()
    page.wait_for_url(re.compile(r"/p/cod-day/"))
    shots(page, "cod-operator-09-back-on-the-list")
    saved = Order.objects.get(pk=third.pk)
    assert saved.callback_at is not None and saved.bucket == "in_work"
