"""Issue 23: an NBO first-line operator's day (tel1) in real Chromium, on the telecom demo:
a call comes in, the number's offers are shown by priority (NBO-1), the line is the
operator's own — first — without choosing it (X-2, item 18); the customer refuses the
first offer and will think about the second (NBO-2); later the customer agrees and the
THINK becomes YES in the offer archive; a compensation is credited on the interaction
(NBO-6). Screenshots: var/screenshots/nbo-first-NN-*.png."""

from __future__ import annotations

import pytest

from dozvon.core import clock
from dozvon.interactions.models import Interaction
from dozvon.offers.demo import SLUG, build_telecom_demo
from dozvon.offers.models import Adjustment, LostSale, OfferResponse
from dozvon.offers.selectors import offers_for_number, today_of
from dozvon.projects.models import Project

pytestmark = pytest.mark.django_db(transaction=True)


def _caller(project) -> tuple[str, list[str]]:
    """A number of the demo with two offers or more and none excluded."""
    today = today_of(project)
    for phone in (f"+7916{1000000 + i:07d}" for i in range(40)):
        number = offers_for_number(project=project, phone=phone, today=today)
        if len(number.eligible) >= 2 and not number.excluded:
            return phone, [o.code for o in number.eligible]
    raise AssertionError("the demo has no number with two offers")


def test_a_first_line_operators_day_offers_by_priority_then_think_becomes_yes(
    demo_login, live_server, shots
):
    # given the telecom demo and a caller with two offers
    build_telecom_demo(now=clock.now(), numbers=40)
    project = Project.objects.get(slug=SLUG)
    phone, codes = _caller(project)
    first, second = codes[:2]
    page = demo_login("tel1", lands_on=rf"/p/{SLUG}/")

    # 1. the call: the number as the caller says it; the offers by priority
    page.goto(f"{live_server.url}/p/{SLUG}/inbound")
    page.fill("input[name=q]", f"8 {phone[2:5]} {phone[5:8]} {phone[8:10]} {phone[10:]}")
    page.click(".inbound form.filters button[type=submit]")
    page.wait_for_selector('fieldset.offers[data-may-offer="1"]')
    shown = page.locator("fieldset.offers .offer").evaluate_all(
        "els => els.map(e => e.dataset.offer)"
    )
    assert shown == codes
    # the line is the operator's own, shown and not chosen
    line = page.locator(".record select[name=line]")
    assert line.input_value() == "first" and line.is_disabled()
    shots(page, "nbo-first-01-offers-by-priority")

    # 2. NO to the first offer, THINK to the second; the interaction is first-line
    page.check(f'input[name="offer_{first}"][value="no"]')
    page.check(f'input[name="offer_{second}"][value="think"]')
    page.fill("input[name=subject]", "Вопрос о тарифе")
    page.fill("textarea[name=comment]", f"Отказ от {first}, подумает о {second}")
    shots(page, "nbo-first-02-no-and-think")
    page.click(".record button.primary")
    page.wait_for_selector("p.recorded a")
    interaction = Interaction.objects.order_by("-id").first()
    assert (interaction.line, interaction.operator.username) == ("first", "tel1")
    answers = dict(
        OfferResponse.objects.filter(interaction=interaction).values_list(
            "campaign__code", "response"
        )
    )
    assert answers == {first: "no", second: "think"}
    assert not LostSale.objects.filter(interaction=interaction).exists()
    shots(page, "nbo-first-03-recorded")

    # 3. the customer calls back and agrees: THINK → YES in the offer archive (NBO-2)
    page.goto(f"{live_server.url}/p/{SLUG}/offers/archive?phone={phone[1:]}")
    row = page.locator(f'table.archive tr[data-offer="{second}"][data-response="think"]')
    row.first.wait_for()
    shots(page, "nbo-first-04-archive")
    row.first.locator("button[type=submit]").click()
    page.wait_for_selector(f'table.archive tr[data-offer="{second}"][data-response="yes"]')
    assert OfferResponse.objects.get(interaction=interaction, campaign__code=second).response == (
        "yes"
    )
    # a NO may become YES too, but never back
    assert page.locator(f'tr[data-offer="{second}"][data-response="yes"] button').count() == 0
    shots(page, "nbo-first-05-think-became-yes")

    # 4. the interaction's page: a compensation for the connection (NBO-6)
    page.goto(f"{live_server.url}/p/{SLUG}/offers/interactions/{interaction.pk}")
    page.wait_for_selector(".adjustments form")
    page.select_option("select[name=category]", "compensation")
    page.fill("input[name=amount]", "100")
    page.select_option("select[name=campaign]", second)
    page.fill("input[name=reason]", "Списание до подключения акции")
    page.fill("textarea[name=comment]", f"Возврат 100 ₽ за подключение {second} по согласию")
    page.click(".adjustments button[type=submit]")
    page.wait_for_selector(".adjustments li[data-state]")
    adjustment = Adjustment.objects.get(interaction=interaction)
    assert (adjustment.category, adjustment.amount) == ("compensation", 100)
    shots(page, "nbo-first-06-compensation")
