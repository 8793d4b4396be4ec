"""Issue 24 item 5 in real Chromium: a SHOP operator edits the customer and the delivery on
the card; a day typed wrong is refused naming the field and the format (X-7), the rule ID
small; the card's history then reads in words — labels, names, money, дд.мм.гггг, чч:мм,
the operator by name (X-6). Screenshots: var/screenshots/shop-operator-3N-*.png."""

import re
from datetime import timedelta

import pytest

from dozvon.core import clock
from dozvon.delivery.demo import seed_demo_rates
from tests.browser.test_operator_day import login
from tests.conftest import _world

pytestmark = pytest.mark.django_db(transaction=True)

AT = re.compile(r"^\s*\d{2}\.\d{2} \d{2}:\d{2}")
RAW = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}|(?<![.\d])\d+\.\d{2}(?![.\d])|∅|\[|'")


def test_the_cards_history_reads_in_words_after_edits_x_6(pages, live_server, shots):
    # given a SHOP order and an operator with a name
    world = _world("shop", "shop-words")
    seed_demo_rates(world.project)
    world.operator.first_name, world.operator.last_name = "Анна", "Смирнова"
    world.operator.save(update_fields=["first_name", "last_name"])
    order = world.intake(phone="+79165550101", name="Петров Пётр Петрович")
    day = (clock.now() + timedelta(days=2)).astimezone(world.project_tz()).date()
    page = login(pages, live_server, world.operator.username)
    page.goto(f"{live_server.url}/orders/{order.pk}/")

    # when the operator sets the customer's gender and type
    page.click("details.edit summary")
    form = page.locator("[data-address-form]")
    form.locator("select[name=gender]").select_option("female")
    form.locator("select[name=type]").select_option("legal")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".timeline li.kind-edit")

    # and types the delivery day the wrong way
    page.click("details.delivery-edit summary")
    dform = page.locator("[data-delivery-form]")
    dform.locator("[name=delivery_date]").evaluate("e => e.removeAttribute('pattern')")
    dform.locator("[name=delivery_date]").fill("31/12")
    dform.locator("button[type=submit]").click()
    # then it is refused naming the field and the format
    error = page.locator('[data-delivery-form] [data-field="delivery_date"] .error')
    error.wait_for()
    assert "«Дата доставки»" in error.inner_text() and "дд.мм.гггг" in error.inner_text()
    shots(page, "shop-operator-30-bad-day-refused")

    # when they fix it and fill the window and the payment
    dform = page.locator("[data-delivery-form]")
    dform.locator("[name=delivery_date]").fill(day.strftime("%d.%m.%Y"))
    dform.locator("[name=delivery_time_from]").fill("10:00")
    dform.locator("[name=delivery_time_to]").fill("18:00")
    dform.locator("[name=payment_method]").select_option("card")
    dform.locator("[name=paid_amount]").fill("350")
    dform.locator("button[type=submit]").click()
    page.wait_for_selector("[data-delivery-facts]")

    # then the card's history reads in words, the operator by name
    history = page.locator(".timeline")
    history.scroll_into_view_if_needed()
    shots(page, "shop-operator-31-history-in-words")
    text = history.inner_text()
    for line in (
        "Пол: — → Женский",
        "Тип клиента: Физическое лицо → Юридическое лицо",
        f"Дата доставки: — → {day:%d.%m.%Y}",
        "Доставка с: — → 10:00",
        "Способ оплаты: — → Карта",
        "Оплачено: 0\u00a0₽ → 350\u00a0₽",
    ):
        assert line in text, line
    assert "Анна Смирнова" in text and world.operator.username not in text
    # and no edit line shows a raw value (the line's own time "07.12 20:02" aside)
    edits = [AT.sub("", t) for t in history.locator("li.kind-edit").all_inner_texts()]
    assert edits and not [t for t in edits if RAW.search(t)], edits


def test_a_new_main_phone_on_the_card_keeps_the_old_one_x_4(pages, live_server, shots):
    # given a DUN order (its card edits the phone, DUN-4) of a customer on +7 916 111-22-33
    world = _world("dun", "dun-phone")
    order = world.intake(phone="+79161112233", name="Сидоров Сидор Сидорович")
    page = login(pages, live_server, world.operator.username)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    # when the operator types the customer's new number as the main phone
    page.click("details.edit summary")
    form = page.locator("[data-address-form]")
    form.locator("[name=phone]").fill("8 916 444-55-66")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".timeline li.kind-edit")
    # then the history says the phone old → new, and nothing false about extra phones
    history = page.locator(".timeline")
    edits = history.locator("li.kind-edit").all_inner_texts()
    assert len(edits) == 1, edits
    assert "Основной телефон: +7 916 111-22-33 → +7 916 444-55-66" in edits[0]
    # and the card still knows the old number
    page.click("details.edit summary")
    assert (
        "+7 916 111-22-33" in page.locator("[data-address-form] [name=extra_phones]").input_value()
    )
    shots(page, "dun-operator-30-main-phone-replaced")
