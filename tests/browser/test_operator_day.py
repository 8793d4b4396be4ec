"""An operator's loop in real Chromium (issue: workspace): log in, take the next New
order, add a gift, record a failed call, be refused a callback without a date (COD-16)
with the comment kept, fix it and save; counts change; a second operator never sees the
first one's claimed order; the supervisor sees both."""

import re
from datetime import timedelta

import pytest

from dozvon.core import clock
from tests.conftest import _world
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def login(pages, live_server, username):
    page = pages()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    return page


def count(page, code) -> int:
    return int(page.locator(f'[data-count="{code}"]').inner_text())


def test_operator_takes_calls_is_refused_fixes_and_saves(pages, live_server, shots):
    # given a COD project with three new orders and two operators
    world = _world("cod", "cod-ui")
    now = clock.now()
    orders = [
        world.intake(
            phone=f"+7916555000{i}",
            name=f"Клиентов Клиент{i} Петрович",
            created_at=now - timedelta(minutes=30 - i),
        )
        for i in range(3)
    ]
    second = UserFactory(username="cod-ui-operator2")
    MembershipFactory(user=second, project=world.project)

    # when the operator logs in and takes the next New order
    page = login(pages, live_server, world.operator.username)
    page.goto(f"{live_server.url}/p/cod-ui/")
    shots(page, "01-workspace")
    assert count(page, "new") == 3
    page.click('[data-take="new"]')
    page.wait_for_url(re.compile(r"/orders/\d+/\?from=new$"))
    # then it is the oldest one
    assert page.url.endswith(f"/orders/{orders[0].pk}/?from=new")
    shots(page, "02-order-card")

    # the second operator, in their own browser, never gets the claimed order
    other = login(pages, live_server, second.username)
    other.goto(f"{live_server.url}/p/cod-ui/")
    other.click('[data-take="new"]')
    other.wait_for_url(re.compile(r"/orders/\d+/\?from=new$"))
    assert f"/orders/{orders[0].pk}/" not in other.url
    shots(other, "03-second-operator")

    # adds a gift item (100 % discount)
    page.select_option("select[name=sku]", "cod-ui-gift")
    page.fill("input[name=discount_percent]", "100")
    page.click("form.add-item button[type=submit]")
    page.wait_for_selector("tr.gift")
    assert page.locator('[data-total="goods"]').inner_text() == "1\u202f000\u00a0₽"  # ru format
    shots(page, "04-gift-added")

    # records a failed call
    page.click('[data-call="no_answer"]')
    page.wait_for_selector(".timeline li.kind-call")
    shots(page, "05-failed-call")

    # then saves "call back" without a date: refused next to the date, comment kept
    page.click('[data-outcome="callback"]')
    form = page.locator('[data-outcome-form="callback"]')
    form.locator("select[name=problem]").select_option("need_callback")
    form.locator("textarea[name=comment]").fill("23.11: просит перезвонить после обеда")
    form.locator("button.save").click()
    page.wait_for_selector('[data-outcome-form="callback"] .field.invalid')
    refusal = page.locator('[data-outcome-form="callback"] [data-field="callback_at"] .error')
    assert "COD-16" in refusal.inner_text()
    assert "Заполните" in refusal.inner_text() or "обязательно" in refusal.inner_text()
    comment = page.locator('[data-outcome-form="callback"] textarea[name=comment]')
    assert comment.input_value() == "23.11: просит перезвонить после обеда"
    shots(page, "06-refused-cod-16")

    # fixes the date and saves
    later = (now + timedelta(hours=3)).astimezone(world.project_tz()).strftime("%Y-%m-%dT%H:%M")
    page.locator('[data-outcome-form="callback"] input[name=callback_at]').fill(later)
    page.locator('[data-outcome-form="callback"] button.save').click()
    # then the next free order of the same queue opens by itself (issue 12)
    page.wait_for_url(re.compile(rf"/orders/{orders[2].pk}/\?from=new$"))
    shots(page, "07-saved-next-opened")
    page.goto(f"{live_server.url}/p/cod-ui/")
    # the queue counts changed on screen: New 3 → 2 (both operators' current claims stay
    # listed in New), and the saved order now waits in "In work"
    assert count(page, "new") == 2
    assert count(page, "in_work") == 1

    # and the supervisor sees both operators
    boss = login(pages, live_server, world.supervisor.username)
    boss.goto(f"{live_server.url}/p/cod-ui/supervisor")
    shots(boss, "08-supervisor")
    assert boss.locator(f'.claims [data-operator="{second.username}"]').count() == 1
    assert boss.locator(f'.per-operator [data-operator="{world.operator.username}"]').count() == 1
