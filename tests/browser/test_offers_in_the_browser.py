"""NBO screens in real Chromium: a refusal turned YES from the offer archive (NBO-2), a
compensation on the interaction's page (NBO-6), the KPI against its target (NBO-5);
screenshots in var/screenshots/nbo-*.png."""

from __future__ import annotations

import pytest

from dozvon.core import clock
from dozvon.offers.models import Adjustment, OfferResponse
from tests.browser.test_operator_day import login
from tests.offers.conftest import CAMPAIGNS, ELIGIBILITY, record

pytestmark = pytest.mark.django_db(transaction=True)


def _nbo(now):
    from dozvon.offers.services import campaigns_load, eligibility_load
    from tests.conftest import _world

    world = _world("nbo", "telecom")
    campaigns_load(project=world.project, rows=CAMPAIGNS, actor=world.supervisor, now=now)
    eligibility_load(project=world.project, rows=ELIGIBILITY, actor=world.partner, now=now)
    return world


def test_an_offer_turned_yes_and_a_compensation_on_the_interaction(pages, live_server, shots):
    now = clock.now()
    world = _nbo(now)
    interaction = record(world, now, offers=[{"offer": "INBA", "response": "think"}])
    page = login(pages, live_server, world.operator.username)
    page.wait_for_url("**/p/telecom/**")

    # the customer calls back and agrees: YES from the number's offer archive
    page.goto(f"{live_server.url}/p/telecom/offers/archive?phone=89161234567")
    page.wait_for_selector('tr[data-offer="INBA"][data-response="think"]')
    shots(page, "nbo-1-offer-archive")
    page.click('tr[data-offer="INBA"] button[type=submit]')
    page.wait_for_selector('tr[data-offer="INBA"][data-response="yes"]')
    assert OfferResponse.objects.get().response == "yes"

    # a promo credit for the connection, over the operator's limit first
    page.goto(f"{live_server.url}/p/telecom/offers/interactions/{interaction.pk}")
    page.select_option("select[name=category]", "promo_credit")
    page.fill("input[name=amount]", "900")
    page.select_option("select[name=campaign]", "INBA")
    page.fill("input[name=reason]", "Недостаточно средств для подключения")
    page.fill("textarea[name=comment]", "Начислена ФК 150 ₽ за подключение INBA")
    page.click(".adjustments button[type=submit]")
    page.wait_for_selector(".adjustments .error")
    shots(page, "nbo-2-adjustment-over-the-limit")
    page.fill("input[name=amount]", "150")
    page.click(".adjustments button[type=submit]")
    page.wait_for_selector('.adjustments li[data-state="pending"]')
    assert "INBA" in page.locator("dd.subject").inner_text()
    shots(page, "nbo-3-adjustment-sent")
    assert Adjustment.objects.get().amount == 150

    # the supervisor's KPI
    boss = login(pages, live_server, world.supervisor.username)
    boss.wait_for_url("**/p/telecom/**")
    boss.goto(f"{live_server.url}/p/telecom/offers/kpi")
    boss.wait_for_selector(".kpi-total")
    shots(boss, "nbo-4-kpi")
