"""The demo's outbox (issue 13, item 6): `seed_demo_outbox` gives a project with email
templates and orders a history the supervisor's page shows — several emails sent and one
the customer's server refused — through the outbox's own code (X-9, X-6)."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from dozvon.history.models import TimelineEntry
from dozvon.messaging.demo import seed_demo_outbox
from dozvon.messaging.models import OutboxMessage
from tests.messaging.conftest import order_with_email


def test_the_demo_outbox_has_sent_emails_and_one_failed_x_9(shop_world):
    # given a project with the demo's templates and orders of customers with addresses
    orders = [order_with_email(shop_world, email=f"client{n}@example.org", n=n) for n in range(6)]
    # when the demo seeds its outbox
    assert seed_demo_outbox(shop_world.project, now=timezone.now()) == 5
    # then four emails were sent and one failed, each on its order's timeline
    states = sorted(OutboxMessage.objects.values_list("state", flat=True))
    assert states == ["failed", "sent", "sent", "sent", "sent"]
    failed = OutboxMessage.objects.get(state="failed")
    assert failed.last_error.startswith("550")
    assert TimelineEntry.objects.filter(kind="message").count() == 4
    assert TimelineEntry.objects.filter(order=failed.order, data__error__gt="").exists()
    assert {m.order_id for m in OutboxMessage.objects.all()} <= {o.pk for o in orders}
    # and once is enough
    assert seed_demo_outbox(shop_world.project, now=timezone.now()) == 0
    assert OutboxMessage.objects.count() == 5
    # the supervisor's page lists them
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(shop_world.supervisor)
    page = client.get(f"/p/{shop_world.project.slug}/outbox").content.decode()
    assert page.count('data-state="sent"') == 4 and page.count('data-state="failed"') == 1


def test_a_project_without_templates_or_orders_gets_no_demo_emails_x_9(shop_world, shop):
    assert seed_demo_outbox(shop_world.project, now=timezone.now()) == 0  # no orders yet
    order_with_email(shop, email="client1@example.org", n=1)
    assert seed_demo_outbox(shop.project, now=timezone.now()) == 0  # no templates
    assert not OutboxMessage.objects.exists()
