"""Issue 13's screens in real Chromium at an office laptop's 1366 px: the supervisor's
outbox (emails sent and failed, "Retry"), one email as sent with its HTML in a sandboxed
frame, and the partner webhooks tab with its attempt log."""

import re

import pytest
from django.utils import timezone

from dozvon.messaging.demo import seed_demo_outbox, seed_demo_templates
from dozvon.messaging.models import OutboxMessage
from dozvon.orders import services as svc
from dozvon.orders.services.calling import call_attempt_record
from dozvon.webhooks.models import WebhookDelivery, WebhookEndpoint
from dozvon.webhooks.sending import delivery_send
from tests.conftest import _world
from tests.messaging.conftest import order_with_email
from tests.webhooks.conftest import receiver  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def laptop(browser):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1366, "height": 768})
    yield context.new_page()
    context.close()


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/p/"))


def _fits(page) -> bool:
    """Nothing wider than the window: no horizontal scrolling at 1366 px."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_supervisor_reads_the_outbox_retries_a_failed_email_and_opens_one(
    laptop,
    live_server,
    shots,
    receiver,  # noqa: F811 - the fixture
):
    # given a COD project whose outbox has sent emails and a failed one, and a partner
    # endpoint whose first answer was a 500
    world = _world("cod", "cod-outbox")
    seed_demo_templates(world.project, sender_name="Магазин «Дозвон»")
    for n in range(6):
        order_with_email(world, email=f"client{n}@example.org", n=n)
    assert seed_demo_outbox(world.project, now=timezone.now()) == 5
    failed = OutboxMessage.objects.get(state="failed")
    WebhookEndpoint.objects.create(project=world.project, url=receiver.url, kinds=["status"])
    receiver.codes = [500]
    order = world.intake(phone="+79161234599", external_id="SHOP-4599")
    now = timezone.now()
    call_attempt_record(order_id=order.pk, actor=world.operator, result="answered", now=now)
    svc.order_apply_outcome(order_id=order.pk, actor=world.operator, code="confirm", now=now)
    delivery = WebhookDelivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk, now=timezone.now()) == "retry"
    page = laptop
    _login(page, live_server, world.supervisor.username)
    # the outbox: every email, newest first, the failed one with its error and "Retry"
    page.goto(f"{live_server.url}/p/cod-outbox/outbox")
    rows = page.locator("table.messages-list tbody tr")
    assert rows.count() == 5
    assert _fits(page)
    shots(page, "outbox-01-emails")
    failed_row = page.locator(f'tr[data-message="{failed.pk}"]')
    assert "550" in failed_row.locator("td.err").inner_text()
    # filtered to the failed ones, then "Retry"
    page.select_option("select[name=state]", "failed")
    page.click(".outbox form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"state=failed"))
    assert page.locator("table.messages-list tbody tr").count() == 1
    page.click(f'tr[data-message="{failed.pk}"] button.retry')
    page.wait_for_selector(".messages li.success")
    assert "state=failed" in page.url
    shots(page, "outbox-02-retried")
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == ("queued", 0)
    # one email as it was sent: headers, text, HTML in a sandboxed frame
    sent = OutboxMessage.objects.filter(state="sent").order_by("id").first()
    page.goto(f"{live_server.url}/p/cod-outbox/outbox?state=sent")
    page.click(f'tr[data-message="{sent.pk}"] td a[href="/messages/{sent.pk}/"]')
    page.wait_for_selector("article.mail")
    assert sent.message_id in page.locator("dl.headers").inner_text()
    frame = page.frame_locator("iframe.mail-html")
    assert "Здравствуйте" in frame.locator("body").inner_text()
    assert page.locator("iframe.mail-html").get_attribute("sandbox") == ""
    assert _fits(page)
    # (Chromium paints a sandboxed frame only inside the window: make the window tall)
    page.set_viewport_size({"width": 1366, "height": page.evaluate("document.body.scrollHeight")})
    shots(page, "outbox-03-message")
    page.set_viewport_size({"width": 1366, "height": 768})
    # the partner webhooks tab: the delivery waiting, its attempt log opened
    page.goto(f"{live_server.url}/p/cod-outbox/outbox?kind=webhooks")
    row = page.locator(f'tr[data-delivery="{delivery.pk}"]')
    row.locator("details summary").click()
    assert "HTTP 500" in row.locator("ol.attempt-log").inner_text()
    assert _fits(page)
    shots(page, "outbox-04-webhooks")
