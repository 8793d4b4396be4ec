"""Issue 23: a SUB supervisor's working day in real Chromium, on the demo: sees the seed's
promo code among the project's codes, creates a new one, ends the seed's (SUB-5, item 16,
no Django admin), downloads the registry (SUB-6) and follows the refund escalations
(SUB-3). Screenshots: var/screenshots/sub-supervisor-NN-*.png."""

from __future__ import annotations

import pytest

from dozvon.core import clock
from dozvon.subscriptions.demo import PROMO_CODE, build_subscriptions_demo
from dozvon.subscriptions.models import PromoCode

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_sub_supervisors_day_keeps_the_codes_the_registry_and_the_escalations(
    demo_login, live_server, shots
):
    # given the SUB demo with its seed's code, active
    now = clock.now()
    build_subscriptions_demo(now=now)
    seed = PromoCode.objects.get(code=PROMO_CODE)
    page = demo_login("subs-sup")

    # 1. the subscriptions, and the way to the codes from the project's menu
    page.goto(f"{live_server.url}/p/subscriptions-demo/subscriptions")
    page.wait_for_selector("section.registry")
    shots(page, "sub-supervisor-01-subscriptions")
    page.click(".sub-nav a[href$='/promo-codes']")
    page.wait_for_selector("table.promo-codes")
    assert page.locator(f'tr[data-promo="{seed.pk}"][data-active="1"]').count() == 1
    shots(page, "sub-supervisor-02-promo-codes")

    # 2. a refused code names the rule by its field, keeping what was typed
    page.fill("form.promo-new input[name=code]", "ЖЧ ЗИМА")
    page.fill("form.promo-new input[name=discount_amount]", "0")
    page.fill("form.promo-new input[name=ends_on]", f"{now.year + 1}-01-31")
    page.click("form.promo-new button[type=submit]")
    page.wait_for_selector("form.promo-new p.error")
    assert "SUB-5" in page.locator("form.promo-new p.error").first.inner_text()
    assert page.input_value("form.promo-new input[name=code]") == "ЖЧ ЗИМА"
    shots(page, "sub-supervisor-03-code-refused")

    # 3. the new code: 300 off each issue until the end of January
    page.fill("form.promo-new input[name=discount_amount]", "300,00")
    page.click("form.promo-new button[type=submit]")
    page.wait_for_selector(".messages li")
    new = PromoCode.objects.get(code="ЖЧЗИМА")
    assert (str(new.discount_amount), new.active) == ("300.00", True)
    assert page.locator(f'tr[data-promo="{new.pk}"][data-active="1"]').count() == 1
    shots(page, "sub-supervisor-04-code-created")

    # 4. the seed's code ends: operators can no longer apply it
    page.click(f'tr[data-promo="{seed.pk}"] button[type=submit]')
    page.wait_for_selector(f'tr[data-promo="{seed.pk}"][data-active="0"]')
    seed.refresh_from_db()
    assert seed.active is False
    shots(page, "sub-supervisor-05-code-ended")

    # 5. the registry (SUB-6) downloads as XLSX
    page.goto(f"{live_server.url}/p/subscriptions-demo/subscriptions")
    with page.expect_download() as download:
        page.click("section.registry form button[type=submit]")
    assert download.value.suggested_filename.endswith(".xlsx")

    # 6. the refund escalations waiting for the partner (SUB-3)
    page.click(".sub-nav a[href$='/escalations']")
    page.wait_for_selector("table.escalations")
    assert page.locator('tr[data-state="open"]').count() == 3
    shots(page, "sub-supervisor-06-escalations")
