"""Issue 14 in real Chromium at 1366 px: an operator opens the DUN worklist, sees the count
of orders to process today (DUN-3), opens an order, sees its week, tier and bonus units
(DUN-2) and sends a 15 % bonus offer through the outbox (DUN-4, X-9); a supervisor sees
the exhausted orders and the clean-up button (DUN-8)."""

import re
from datetime import timedelta

import pytest

from dozvon.automation.services import triggers_run
from dozvon.core import clock
from dozvon.messaging.demo import seed_demo_templates
from dozvon.messaging.models import OutboxMessage
from dozvon.orders.services import order_apply_outcome
from dozvon.orders.services.calling import call_attempt_record
from tests.browser.test_operator_day import login
from tests.conftest import _world
from tests.web.test_dun_worklist import dun_order

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = [
    "Смирнова Ольга Викторовна",
    "Кузнецов Андрей Петрович",
    "Попова Елена Сергеевна",
    "Васильев Игорь Николаевич",
    "Соколова Наталья Александровна",
]


def test_an_operator_opens_the_worklist_and_sends_a_15_percent_bonus_offer(
    pages, live_server, shots
):
    # given a DUN project with its emails and five orders that entered the worklist
    world = _world("dun", "dun-ui")
    seed_demo_templates(world.project, sender_name="Аптека-партнёр")
    now = clock.now()
    orders = [
        dun_order(
            world,
            created_at=now - timedelta(days=9, minutes=10 - i),
            n=i,
            name=name,
            quantity=4 + 3 * i,
        )
        for i, name in enumerate(NAMES)
    ]
    triggers_run(project=world.project, now=now - timedelta(days=1))
    newest = orders[-1]
    # the newest one's number does not exist: emails instead of calls (DUN-8, DUN-7)
    call_attempt_record(
        order_id=newest.pk, actor=world.operator, result="invalid_number", line="skype", now=now
    )
    order_apply_outcome(
        order_id=newest.pk,
        actor=world.operator,
        code="unreachable",
        comment="Номер не существует, только письма",
        now=now,
    )

    # when the operator opens the worklist
    page = login(pages, live_server, world.operator.username)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.wait_for_url(re.compile(r"/p/dun-ui/"))
    page.goto(f"{live_server.url}/p/dun-ui/worklist")
    # then the count to process today is at the top and the newest order first
    assert page.locator("[data-today-count]").inner_text() == "5"
    first_row = page.locator("table.worklist tbody tr").first
    assert first_row.get_attribute("data-row") == str(newest.pk)
    assert _fits(page), "the worklist is wider than the window"
    shots(page, "dun-01-worklist")

    # when they open the newest order
    first_row.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/orders/{newest.pk}/\?from=worklist$"))
    # then the panel shows the week, the tier and the bonus units of its 16 units
    assert page.locator("[data-dun-week]").inner_text() == "1"
    assert page.locator("[data-dun-tier]").inner_text() == "15 %"
    assert page.locator('[data-dun-units="15"]').inner_text() == "15 % → +2"
    assert page.locator('[data-dun-units="25"]').inner_text() == "25 % → +4"
    assert _fits(page), "the card is wider than the window"
    shots(page, "dun-02-card")

    # when they choose 15 % and send the bonus offer
    page.select_option("select[name=bonus_percent]", "15")
    page.click("[data-send=bonus_offer]")
    page.wait_for_selector(".messages li.success")
    # then one email waits in the outbox, and the history says so
    (message,) = OutboxMessage.objects.filter(order=newest)
    assert (message.template, message.bonus_percent, message.state) == ("bonus_offer", 15, "queued")
    assert "Бонусное предложение 15" in page.locator(".timeline").inner_text()
    shots(page, "dun-03-bonus-sent")

    # the panel's Postpone opens the postponement with 7 days preselected (DUN-5)
    page.click('.dun-actions [data-outcome="postpone"]')
    form = page.locator('[data-outcome-form="postpone"]')
    assert form.is_visible() and form.locator("select[name=days]").input_value() == "7"
    # and the edit form has the phone, the email and both addresses (DUN-4)
    page.click("details.edit summary")
    for name in ("phone", "email", "payer_address.city", "recipient_address.city"):
        assert page.locator(f'.edit-form [name="{name}"]').is_visible()
    assert _fits(page)
    shots(page, "dun-05-postpone-and-edit")

    # a supervisor sees the worklist with the clean-up of exhausted orders (DUN-8)
    boss = login(pages, live_server, world.supervisor.username)
    boss.set_viewport_size({"width": 1366, "height": 900})
    boss.wait_for_url(re.compile(r"/p/dun-ui/"))
    boss.goto(f"{live_server.url}/p/dun-ui/worklist?per_page=100")
    assert boss.locator("[data-exhausted-count]").inner_text() == "0"
    assert _fits(boss)
    shots(boss, "dun-04-worklist-supervisor")


def _fits(page) -> bool:
    """Nothing scrolls sideways at this window width."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
