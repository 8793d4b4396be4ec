"""Issue 16 at the inbound desk in real Chromium, 1366 px wide: a first-line operator finds
the caller's number, sees its offers by priority with their scripts (NBO-1), is refused a
save without an offer or a reason (NBO-5), voices the first offer, the customer says YES,
saves, opens the interaction's page and records a compensation (NBO-6); the second line
sees no offers (NBO-3). Screenshots: var/screenshots/nbo-desk-*.png."""

from __future__ import annotations

import re

import pytest

from dozvon.core import clock
from dozvon.interactions.models import Interaction
from dozvon.offers.demo import SLUG, build_telecom_demo
from dozvon.offers.models import Adjustment, LostSale, OfferResponse
from dozvon.offers.selectors import offers_for_number, today_of
from dozvon.projects.models import Project

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 1366


@pytest.fixture
def desk_pages(browser):
    """Pages of an operator's 1366 × 768 screen, one browser context (user) each."""
    contexts = []

    def new_page():
        context = browser.new_context(locale="ru-RU", viewport={"width": WIDTH, "height": 768})
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def _login(desk_pages, live_server, username: str):
    page = desk_pages()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")  # the demo's users
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/p/{SLUG}/"))
    return page


def _fits(page) -> None:
    """Nothing wider than the screen: no horizontal scrolling at 1366 px."""
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def _caller(project) -> tuple[str, list[str]]:
    """A number of the demo with two offers or more and none excluded."""
    today = today_of(project)
    for phone in (f"+7916{1000000 + i:07d}" for i in range(40)):
        number = offers_for_number(project=project, phone=phone, today=today)
        if len(number.eligible) >= 2 and not number.excluded:
            return phone, [o.code for o in number.eligible]
    raise AssertionError("the demo has no number with two offers")


def test_an_operator_voices_an_offer_gets_a_yes_and_credits_a_compensation(
    desk_pages, live_server, shots
):
    # given the telecom demo (a small one) and one of its callers with two offers
    build_telecom_demo(now=clock.now(), numbers=40)
    project = Project.objects.get(slug=SLUG)
    phone, codes = _caller(project)
    first = codes[0]
    before = Interaction.objects.count()
    page = _login(desk_pages, live_server, "tel1")

    # when the call comes in, the operator finds the number typed as the caller says it
    page.goto(f"{live_server.url}/p/{SLUG}/inbound")
    page.fill("input[name=q]", f"8 {phone[2:5]} {phone[5:8]}-{phone[8:10]}-{phone[10:]}")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("fieldset.offers")
    # then the number's offers are shown by priority, each with its script
    shown = page.locator("fieldset.offers .offer").evaluate_all(
        "els => els.map(e => e.dataset.offer)"
    )
    assert shown == codes
    assert page.locator(f'.offer[data-offer="{first}"] p.meta').inner_text().strip()
    _fits(page)
    shots(page, "nbo-desk-1-offers")

    # a save with no offer voiced and no reason is refused (NBO-5), nothing written
    page.fill("input[name=subject]", "Вопрос о балансе")
    page.fill("textarea[name=comment]", "Уточнил остаток на счёте и дату списания")
    page.click(".record button[type=submit]")
    page.wait_for_selector(".offers-error")
    assert "NBO-5" in page.locator(".offers-error").inner_text()
    assert Interaction.objects.count() == before
    _fits(page)
    shots(page, "nbo-desk-2-no-offer-refused")

    # the operator voices the first offer, the customer agrees, the form is saved
    assert page.input_value("input[name=subject]") == "Вопрос о балансе"
    page.check(f'input[name="offer_{first}"][value="yes"]')
    page.click(".record button[type=submit]")
    page.wait_for_selector("p.recorded a")
    interaction = Interaction.objects.order_by("-id").first()
    assert Interaction.objects.count() == before + 1
    saved = OfferResponse.objects.get(interaction=interaction)
    assert (saved.campaign.code, saved.response, saved.rank) == (first, "yes", 1)
    assert not LostSale.objects.filter(interaction=interaction).exists()
    _fits(page)
    shots(page, "nbo-desk-3-recorded")

    # the interaction's page: its YES, and a compensation for the connection
    page.click("p.recorded a")
    page.wait_for_selector(".adjustments form")
    assert f"/offers/interactions/{interaction.pk}" in page.url
    page.select_option("select[name=category]", "compensation")
    page.fill("input[name=amount]", "150")
    page.select_option("select[name=campaign]", first)
    page.fill("input[name=reason]", "Списание за подключение до акции")
    page.fill("textarea[name=comment]", f"Возврат 150 ₽ за подключение {first} по согласию")
    page.click(".adjustments button[type=submit]")
    page.wait_for_selector('.adjustments li[data-state="pending"]')
    adjustment = Adjustment.objects.get(interaction=interaction)
    assert (adjustment.category, adjustment.amount) == ("compensation", 150)
    assert first in page.locator("dd.subject").inner_text()
    _fits(page)
    shots(page, "nbo-desk-4-compensation")

    # the second line's desk for the same number: no offers (NBO-3)
    second = _login(desk_pages, live_server, "tel3")
    second.goto(f"{live_server.url}/p/{SLUG}/inbound?phone={phone[1:]}")
    second.wait_for_selector('fieldset.offers[data-may-offer="0"]')
    assert second.locator('input[name^="offer_"]').count() == 0
    assert second.locator("select[name=line]").input_value() == "second"
    _fits(second)
    shots(second, "nbo-desk-5-second-line")
