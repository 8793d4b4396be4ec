"""Issue 12 walkthroughs in real Chromium, screenshots in var/screenshots/:
COD — take, call, add a gift, enter the address from suggestions (index, region filled),
find delivery options (courier first, Post marked do-not-offer, COD-13), choose courier,
confirm, the next order opens; SHOP — split an ambiguous address line, choose the
candidate (never picked silently, SHOP-7)."""

import re
from datetime import timedelta

import pytest

from dozvon.core import clock
from dozvon.delivery.demo import seed_demo_rates
from dozvon.orders.models import Order
from tests.browser.test_operator_day import login
from tests.conftest import _world

pytestmark = pytest.mark.django_db(transaction=True)


def test_cod_address_from_suggestions_delivery_courier_first_confirm_next(
    pages, live_server, shots
):
    world = _world("cod", "cod-addr")
    seed_demo_rates(world.project)
    now = clock.now()
    first = world.intake(phone="+79161110001", created_at=now - timedelta(minutes=20))
    second = world.intake(phone="+79161110002", created_at=now - timedelta(minutes=10))
    page = login(pages, live_server, world.operator.username)
    page.wait_for_url(re.compile(r"/p/cod-addr/"))
    page.click('[data-take="new"]')
    page.wait_for_url(re.compile(rf"/orders/{first.pk}/\?from=new$"))
    # call: answered
    page.click('[data-call="answered"]')
    page.wait_for_selector(".timeline li.kind-call")
    # a gift
    page.select_option("select[name=sku]", "cod-addr-gift")
    page.fill("input[name=discount_percent]", "100")
    page.click("form.add-item button[type=submit]")
    page.wait_for_selector("tr.gift")
    # the address from suggestions: the city fills index, region and district
    page.click("details.edit summary")
    city = page.locator('[data-address-form] [name="delivery_address.city"]')
    city.fill("Химк")
    page.wait_for_function(
        "document.querySelectorAll('#address-city option').length > 0", timeout=5000
    )
    city.fill("Химки")
    city.dispatch_event("input")
    region = page.locator('[data-address-form] [name="delivery_address.region"]')
    page.wait_for_function(
        "document.querySelector('[name=\"delivery_address.region\"]').value !== ''"
    )
    assert "Московская" in region.input_value()
    postal = page.locator('[data-address-form] [name="delivery_address.postal_code"]')
    assert re.fullmatch(r"14\d{4}", postal.input_value())
    page.locator('[data-address-form] [name="delivery_address.street"]').fill("ул Ленина")
    page.locator('[data-address-form] [name="delivery_address.house"]').fill("32")
    page.locator('[data-address-form] [name="delivery_address.apartment"]').fill("5")
    shots(page, "11-cod-address-suggested")
    page.click("[data-address-form] button[type=submit]")
    page.wait_for_selector("details.edit")
    saved = Order.objects.get(pk=first.pk)
    assert saved.delivery_address["city"] == "Химки" and saved.delivery_address["apartment"] == "5"
    # delivery options: courier first, Post marked "do not offer" (COD-13)
    page.click("[data-delivery-find]")
    page.wait_for_selector("[data-delivery-options] tr")
    rows = page.locator("[data-delivery-options] tr")
    assert "урьер" in rows.nth(0).inner_text()
    assert page.locator("[data-delivery-options] tr.do-not-offer").count() >= 1
    shots(page, "12-cod-delivery-options")
    rows.nth(0).locator("button").click()
    page.wait_for_function("document.querySelector('[data-delivery-options]').hidden")
    saved = Order.objects.get(pk=first.pk)
    assert saved.delivery_cost > 0 and saved.total == saved.goods_total + saved.delivery_cost
    # confirm: the next order opens by itself
    page.keyboard.press("Alt+Digit1")
    page.locator('[data-outcome-form="confirm"] button.save').click()
    page.wait_for_url(re.compile(rf"/orders/{second.pk}/\?from=new$"))
    shots(page, "13-cod-confirmed-next-opened")
    assert Order.objects.get(pk=first.pk).status == "confirmed"


def test_shop_split_an_ambiguous_line_and_choose_the_candidate_shop_7(pages, live_server, shots):
    world = _world("shop", "shop-addr")
    seed_demo_rates(world.project)  # SHOP-7's list of delivery methods
    order = world.intake(phone="+79161110003", created_at=clock.now() - timedelta(minutes=5))
    page = login(pages, live_server, world.operator.username)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.click("details.edit summary")
    page.fill("[data-address-line]", "Ленина 32")
    page.click("[data-address-split]")
    page.wait_for_selector("[data-address-candidates] [data-candidate]")
    candidates = page.locator("[data-address-candidates] [data-candidate]")
    assert candidates.count() > 1  # ambiguous: shown, not picked
    assert page.locator('[data-address-form] [name="delivery_address.city"]').input_value() == ""
    shots(page, "14-shop-split-candidates")
    # the operator checks with the customer: the Moscow-region town, not the big city
    candidates.filter(has_text="Подольск").first.click()
    city = page.locator('[data-address-form] [name="delivery_address.city"]')
    assert city.input_value() == "Подольск"
    assert page.locator('[data-address-form] [name="delivery_address.house"]').input_value() == "32"
    page.locator('[data-address-form] [name="delivery_address.entrance"]').fill("2")
    page.click("[data-address-form] button[type=submit]")
    page.wait_for_selector("details.edit")
    shots(page, "15-shop-address-saved")
    saved = Order.objects.get(pk=order.pk)
    assert (
        saved.delivery_address["city"] == "Подольск" and saved.delivery_address["entrance"] == "2"
    )
    assert saved.delivery_address["region"].startswith("Московская")
    # hand to delivery with a 3-hour window (SHOP-3, SHOP-7): a method from the list
    page.click('[data-call="answered"]')
    page.wait_for_selector(".timeline li.kind-call")
    page.click('[data-outcome="handed_to_delivery"]')
    form = page.locator('[data-outcome-form="handed_to_delivery"]')
    tomorrow = (clock.now() + timedelta(days=1)).astimezone(world.project_tz()).date()
    form.locator("input[name=delivery_date]").fill(tomorrow.strftime("%d.%m.%Y"))  # ru format
    form.locator("input[name=delivery_time_from]").fill("10:00")
    form.locator("input[name=delivery_time_to]").fill("13:00")
    form.locator("select[name=delivery_method]").select_option("outside_mkad")
    form.locator("textarea[name=delivery_note]").fill("Позвонить за час")
    shots(page, "16-shop-hand-to-delivery")
    form.locator("button.save").click()
    page.wait_for_url(re.compile(r"/p/shop-addr/"))
    saved = Order.objects.get(pk=order.pk)
    assert (saved.status, saved.delivery_method) == ("handed_to_delivery", "outside_mkad")
    assert saved.delivery_flag  # the delivery department's red flag
