"""Issue 23: an NBO second-line operator's day in real Chromium, on the telecom demo: a
transferred caller's number is found, no offers are shown (NBO-3), the line is the
operator's own — second — without choosing it (X-2, item 18), and the interaction saved
is second-line, no lost sale. Screenshots: var/screenshots/nbo-second-NN-*.png."""

from __future__ import annotations

import pytest

from dozvon.core import clock
from dozvon.interactions.models import Interaction
from dozvon.offers.demo import SLUG, build_telecom_demo
from dozvon.offers.models import LostSale, OfferResponse
from dozvon.offers.selectors import offers_for_number, today_of
from dozvon.projects.models import Project

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_second_line_operator_makes_no_offers_and_records_on_the_second_line(
    demo_login, live_server, shots
):
    # given the telecom demo and a number with offers
    build_telecom_demo(now=clock.now(), numbers=40)
    project = Project.objects.get(slug=SLUG)
    today = today_of(project)
    phone = next(
        p
        for p in (f"+7916{1000000 + i:07d}" for i in range(40))
        if offers_for_number(project=project, phone=p, today=today).eligible
    )
    before = Interaction.objects.count()
    page = demo_login("tel3", lands_on=rf"/p/{SLUG}/")

    # 1. the transferred caller's number: no offers on the second line
    page.goto(f"{live_server.url}/p/{SLUG}/inbound")
    page.fill("input[name=q]", phone[1:])
    page.click(".inbound form.filters button[type=submit]")
    page.wait_for_selector('fieldset.offers[data-may-offer="0"]')
    assert page.locator('input[name^="offer_"]').count() == 0
    # the line is the operator's own, shown and not chosen
    line = page.locator(".record select[name=line]")
    assert line.input_value() == "second" and line.is_disabled()
    shots(page, "nbo-second-01-no-offers")

    # 2. the interaction is saved on the second line: no offer, no lost sale
    page.fill("input[name=subject]", "Перенос номера")
    page.fill("textarea[name=comment]", "Переведён с первой линии, оформили перенос номера")
    page.click(".record button.primary")
    page.wait_for_selector(".messages li")
    shots(page, "nbo-second-02-recorded")
    assert Interaction.objects.count() == before + 1
    saved = Interaction.objects.order_by("-id").first()
    assert (saved.line, saved.operator.username) == ("second", "tel3")
    assert not LostSale.objects.filter(interaction=saved).exists()
    assert not OfferResponse.objects.filter(interaction=saved).exists()
