"""Round 3, PICK: an operator's hour on the parcels waiting at pickup points, in real
Chromium (SPEC PICK-1…5), screenshots in var/screenshots/pick-NN-*.png. The partner has
reported two parcels arrived three days ago (PICK-1: in the `pickup` worklist after two
days); the operator takes the oldest from the queue, sees the parcel panel (point, storage
end), calls, gives a day after the storage ends in the card's result form — refused next
to the day (PICK-2) — then a day before it: the parcel leaves the worklist and the next
one opens; the partner reports that one collected and it leaves at once, from the
operator's hands too (PICK-5)."""

import re
from datetime import timedelta

import pytest

from dozvon.core import clock
from dozvon.messaging.models import MailSettings
from dozvon.orders.models import Order
from dozvon.pickup.demo import save_templates
from dozvon.pickup.models import Shipment
from dozvon.pickup.rules import Report
from dozvon.pickup.services import shipment_report
from tests.browser.test_operator_day import count, login
from tests.conftest import _world

pytestmark = pytest.mark.django_db(transaction=True)


def pickup_project(slug: str):
    world = _world("pick", slug)
    world.project.settings = {"partner_email": "logistics@example.org"}
    world.project.save(update_fields=["settings"])
    MailSettings.objects.create(project=world.project, sender_name="Магазин")
    now = clock.now()
    today = clock.local_date(now, world.project.time_zone)
    save_templates(world.project, actor=world.supervisor, now=now)
    arrived = now - timedelta(days=3)
    orders = []
    for i, point in enumerate(("ПВЗ «СДЭК», пр. Мира, 45", "Почта России 101000")):
        order = world.intake(
            external_id=f"PVZ-{i}",
            phone=f"+7916777010{i}",
            name=f"Петрова Анна{i} Сергеевна",
            created_at=now - timedelta(days=6, minutes=10 - i),
        )
        shipment_report(
            order_id=order.pk,
            actor=world.partner,
            report=Report(
                "arrived",
                arrived + timedelta(minutes=i),
                point,
                today + timedelta(days=3),
                f"RP10{i}RU",
            ),
            now=now,
        )
        orders.append(order)
    return world, orders


def test_pick_operator_takes_a_parcel_gives_a_day_and_it_leaves_the_worklist(
    pages, live_server, shots
):
    world, (first, second) = pickup_project("pick-day")
    today = clock.local_date(clock.now(), world.project.time_zone)

    # the operator opens the workspace: two parcels in the pickup worklist
    page = login(pages, live_server, world.operator.username)
    page.wait_for_url(re.compile(r"/p/pick-day/"))
    assert count(page, "pickup") == 2
    shots(page, "pick-01-worklist")

    # takes the oldest: its card with the parcel panel (point, storage end, reports)
    page.click('[data-take="pickup"]')
    page.wait_for_url(re.compile(rf"/orders/{first.pk}/\?from=pickup$"))
    panel = page.locator("[data-pickup-panel]")
    assert "ПВЗ «СДЭК», пр. Мира, 45" in panel.locator("[data-pickup-point]").inner_text()
    until = (today + timedelta(days=3)).strftime("%d.%m.%Y")
    assert until in panel.locator("[data-pickup-until]").inner_text()
    shots(page, "pick-02-card-parcel-panel")

    # calls: the customer answers
    page.click('[data-call="answered"]')
    page.wait_for_selector(".timeline li.kind-call")
    shots(page, "pick-03-called")

    # gives a day after the storage ends: refused next to the day, nothing saved (PICK-2)
    page.click('[data-outcome="will_collect"]')
    form = page.locator('[data-outcome-form="will_collect"]')
    form.locator("input[name=collect_on]").fill((today + timedelta(days=5)).strftime("%d.%m.%Y"))
    form.locator("button.save").click()
    page.wait_for_selector('[data-outcome-form="will_collect"] [data-field="collect_on"] .error')
    refusal = page.locator('[data-outcome-form="will_collect"] [data-field="collect_on"] .error')
    assert "PICK-2" in refusal.first.inner_text()
    assert Order.objects.get(pk=first.pk).status == "arrived"
    shots(page, "pick-04-day-after-storage-refused")

    # a day before the storage ends: saved, the parcel leaves the worklist
    day = today + timedelta(days=2)
    form = page.locator('[data-outcome-form="will_collect"]')
    form.locator("input[name=collect_on]").fill(day.strftime("%d.%m.%Y"))
    form.locator("textarea[name=comment]").fill("Заберёт после работы")
    form.locator("button.save").click()
    # the card's loop: the next parcel of the worklist opens (it was the only other one)
    page.wait_for_url(re.compile(rf"/orders/{second.pk}/\?from=pickup$"))
    assert page.locator("[data-pickup-panel]").is_visible()
    order = Order.objects.get(pk=first.pk)
    assert (order.status, order.bucket, order.claimed_by_id) == ("will_collect", "", None)
    assert Shipment.objects.get(order=first).collect_on == day
    shots(page, "pick-05-left-the-worklist")

    # the history says what was decided
    page.goto(f"{live_server.url}/orders/{first.pk}/")
    timeline = page.locator(".timeline").inner_text()
    assert f"Заберёт {day.strftime('%d.%m.%Y')}" in timeline
    assert "Посылка прибыла в пункт выдачи" in timeline
    shots(page, "pick-06-history")

    # the partner reports the other parcel collected: it leaves the worklist at once, the
    # operator's claim too (PICK-5)
    shipment_report(
        order_id=second.pk,
        actor=world.partner,
        report=Report("collected", clock.now() - timedelta(minutes=1)),
        now=clock.now(),
    )
    page.goto(f"{live_server.url}/p/pick-day/?queue=pickup")
    assert count(page, "pickup") == 0
    assert Order.objects.get(pk=second.pk).claimed_by_id is None
    page.goto(f"{live_server.url}/orders/{second.pk}/")
    assert page.locator("[data-pickup-panel]").is_visible()
    assert "выкуплена или возвращена" in page.locator("[data-pickup-panel]").inner_text()
    shots(page, "pick-07-collected-is-final")
