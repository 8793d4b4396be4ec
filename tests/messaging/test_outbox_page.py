"""The supervisor's outbox page and one email's page (X-9, X-6, X-1): what was queued,
sent and failed, "send again" (once, through the worker, to a real SMTP server), each
email exactly as sent with its HTML kept out of our page, partner webhook deliveries with
their attempt log — and nobody outside the project sees any of it."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dozvon.audit.models import AuditEntry
from dozvon.core.errors import Forbidden, NotFound, RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.messaging.demo import seed_demo_templates
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.services import (
    message_queue_to,
    message_retry,
    message_send_now,
    template_save,
)
from dozvon.messaging.tasks import send_message
from dozvon.orders import services as svc
from dozvon.orders.selectors import timeline_text
from dozvon.orders.services.calling import call_attempt_record
from dozvon.playbooks.selectors import playbook_def
from dozvon.webhooks.models import WebhookDelivery, WebhookEndpoint
from dozvon.webhooks.sending import RETRY_FOR, delivery_send
from dozvon.webhooks.services import delivery_retry
from dozvon.webhooks.tasks import send_webhook
from tests.factories import MembershipFactory, UserFactory
from tests.messaging.conftest import order_with_email
from tests.webhooks.conftest import receiver  # noqa: F401 - the fixture

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(user)
    return client


def _send(world, order, template="bank_details", **kw):
    message, _ = message_send_now(
        order_id=order.pk, template=template, actor=world.operator, now=timezone.now(), **kw
    )
    return message


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def sends(message_id: int, status=TaskResultStatus.READY) -> int:
    return DBTaskResult.objects.filter(
        task_path=send_message.module_path, status=status, args_kwargs__args=[message_id]
    ).count()


def shown_ids(response, attribute="data-message") -> list[int]:
    return [int(x) for x in re.findall(rf'<tr {attribute}="(\d+)"', response.content.decode())]


@pytest.fixture
def outbox(shop_world, smtp):
    """Three emails of the COD project: sent, failed (the server refused the address) and
    queued, oldest first."""
    smtp.start()
    sent = _send(shop_world, order_with_email(shop_world, email="petrov@example.com", n=1))
    assert send_message.call(sent.pk) == "sent"
    failed = _send(shop_world, order_with_email(shop_world, email="sidorov@example.com", n=2))
    smtp.handler.refuse = "550 5.1.1 <sidorov@example.com>: no such user"
    assert send_message.call(failed.pk) == "failed"
    smtp.handler.refuse = None
    queued = _send(shop_world, order_with_email(shop_world, email="kuznetsov@example.com", n=3))
    return fresh(sent), fresh(failed), fresh(queued)


def test_a_supervisor_lists_the_projects_emails_newest_first_x_9(shop_world, outbox):
    sent, failed, queued = outbox
    client = browser(shop_world.supervisor)
    url = f"/p/{shop_world.project.slug}/outbox"
    # every email, newest first, with its order, state, attempts and error
    response = client.get(url)
    assert response.status_code == 200
    assert shown_ids(response) == [queued.pk, failed.pk, sent.pk]
    page = response.content.decode()
    assert f'href="/orders/{failed.order_id}/"' in page
    assert f'href="/messages/{failed.pk}/"' in page
    assert "no such user" in unescape(page)
    # by state
    for state, expected in (("sent", sent), ("failed", failed), ("queued", queued)):
        assert shown_ids(client.get(url, {"state": state})) == [expected.pk]
    # by recipient (part of the address) and by order number (the partner's or ours)
    assert shown_ids(client.get(url, {"q": "sidorov@"})) == [failed.pk]
    assert shown_ids(client.get(url, {"q": "SHOP-1003"})) == [queued.pk]
    assert shown_ids(client.get(url, {"q": f"#{sent.order_id}"})) == [sent.pk]
    assert shown_ids(client.get(url, {"q": "nobody"})) == []
    # only the failed one offers "Retry" (the queued one is due now: the worker has it)
    assert re.findall(r'action="/messages/(\d+)/retry"', page) == [str(failed.pk)]


def test_the_outbox_pages_by_fifty_in_a_few_queries_x_9(shop_world, django_assert_max_num_queries):
    # given 55 emails of the project (not about an order: quicker to write)
    now = timezone.now()
    with transaction.atomic():
        for n in range(55):
            message_queue_to(
                project=shop_world.project,
                to=f"reader{n}@example.com",
                customer_name="Reader",
                template="order_confirmed",
                key=f"page-test/{n}",
                actor=None,
                now=now,
            )
    client = browser(shop_world.supervisor)
    url = f"/p/{shop_world.project.slug}/outbox"
    client.get(url)  # the session and the user, read once
    with django_assert_max_num_queries(8):
        first = client.get(url)
    second = client.get(url, {"page": 2})
    assert len(shown_ids(first)) == 50 and len(shown_ids(second)) == 5
    assert set(shown_ids(first)).isdisjoint(shown_ids(second))


def test_only_the_projects_supervisors_see_the_outbox_x_1(shop_world, shop, outbox):
    url = f"/p/{shop_world.project.slug}/outbox"
    # an operator of the project: forbidden; the delivery role too
    assert browser(shop_world.operator).get(url).status_code == 403
    assert browser(shop_world.delivery).get(url).status_code == 403
    # another project's supervisor and operator: not found
    assert browser(shop.supervisor).get(url).status_code == 404
    assert browser(shop.operator).get(url).status_code == 404
    # nobody logged in: the login page
    assert Client().get(url).status_code == 302


def test_a_failed_email_retried_by_a_supervisor_is_delivered_once_x_9(shop_world, smtp, outbox):
    _, failed, _ = outbox
    before, tasks_before = len(smtp.messages), sends(failed.pk)
    client = browser(shop_world.supervisor)
    url = f"/p/{shop_world.project.slug}/outbox?state=failed"
    # when the supervisor presses "Retry", twice (a double click)
    first = client.post(f"/messages/{failed.pk}/retry", {"next": url})
    second = client.post(f"/messages/{failed.pk}/retry", {"next": url})
    # then back on the page; the message is queued, due now, with one new send task
    assert (first.status_code, first["Location"]) == (302, url)
    assert second.status_code == 302
    message = fresh(failed)
    assert (message.state, message.attempts) == ("queued", 0)
    assert sends(failed.pk) == tasks_before + 1
    # the order's history says who sent it again; the audit keeps the earlier failure
    line = TimelineEntry.objects.filter(order_id=failed.order_id, kind="auto").latest("id")
    assert (line.data["message"], line.data["actor"]) == (failed.pk, shop_world.supervisor.username)
    assert line.actor == shop_world.supervisor
    audit = AuditEntry.objects.filter(action="message.queue", changes__retry=True).get()
    assert audit.changes["state_before"] == "failed" and "550" in audit.changes["error_before"]
    # the second press was refused, naming why
    followed = client.get(url)
    assert "X-9" in followed.content.decode()
    # when the worker's task runs, the email is delivered, once, with its Message-ID
    assert send_message.call(failed.pk) == "sent"
    assert send_message.call(failed.pk) == "skipped"
    assert [m["Message-ID"] for m in smtp.messages[before:]] == [failed.message_id]
    assert fresh(failed).state == "sent"


def test_a_waiting_email_is_sent_now_and_its_older_task_does_nothing_x_9(shop_world, smtp):
    # given an email whose first try found no server: queued, next attempt in a minute
    order = order_with_email(shop_world)
    message = _send(shop_world, order)
    assert send_message.call(message.pk) == "retry"
    waiting = fresh(message)
    assert waiting.next_attempt_at > timezone.now()
    # when the supervisor presses "Send now" with the server back
    smtp.start()
    retried = message_retry(message_id=message.pk, actor=shop_world.supervisor, now=timezone.now())
    assert retried.next_attempt_at <= timezone.now() and retried.state == "queued"
    assert send_message.call(message.pk) == "sent"
    # then the older task, when its time comes, sends nothing more
    with time_machine.travel(waiting.next_attempt_at + timedelta(seconds=1)):
        assert send_message.call(message.pk) == "skipped"
    assert [m["Message-ID"] for m in smtp.messages] == [message.message_id]


def test_retry_is_refused_for_sent_and_due_emails_and_for_non_supervisors_x_9(
    shop_world, shop, outbox
):
    sent, failed, queued = outbox
    now = timezone.now()
    for message in (sent, queued):
        with pytest.raises(RuleViolations) as refused:
            message_retry(message_id=message.pk, actor=shop_world.supervisor, now=now)
        assert [(v.rule, v.field) for v in refused.value.violations] == [("X-9", "state")]
    with pytest.raises(Forbidden):
        message_retry(message_id=failed.pk, actor=shop_world.operator, now=now)
    with pytest.raises(NotFound):
        message_retry(message_id=failed.pk, actor=shop.supervisor, now=now)
    # nothing changed
    tasks_before = sends(failed.pk)
    assert [fresh(m).state for m in (sent, failed, queued)] == ["sent", "failed", "queued"]
    assert sends(failed.pk) == tasks_before
    # through the page: an operator 403, another project's operator 404
    assert browser(shop_world.operator).post(f"/messages/{failed.pk}/retry").status_code == 403
    assert browser(shop.operator).post(f"/messages/{failed.pk}/retry").status_code == 404
    assert browser(shop_world.supervisor).get(f"/messages/{failed.pk}/retry").status_code == 405


def test_an_emails_page_shows_its_headers_and_keeps_its_html_out_of_ours_x_9(shop_world, shop):
    # given a template whose HTML carries a script and a remote image
    template_save(
        project=shop_world.project,
        code="tricky",
        name="Tricky",
        subject="Order {{ order_number }}",
        body_text="Hello {{ customer_name }}",
        body_html='<p>Hi</p><script>alert("owned")</script><img src="https://t.example/p.gif">',
        actor=None,
        now=timezone.now(),
    )
    order = order_with_email(shop_world)
    message = _send(shop_world, order, template="tricky")
    # when an operator of the project opens it
    response = browser(shop_world.operator).get(f"/messages/{message.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    # then the headers as sent, named in Russian (issue 24)
    for header, value in (
        ("От", message.from_email),
        ("Кому", "ivanov@example.com"),
        ("Тема", "Order SHOP-1000"),
        ("Идентификатор письма", message.message_id),
    ):
        assert f"<dt>{header}</dt>" in page and value in unescape(page)
    assert "<dt>Дата</dt>" in page
    assert "Hello Иванов Иван" in page
    # and the HTML only inside a sandboxed frame, escaped, and as escaped source
    assert "<script>" not in page and '<img src="https://t.example' not in page
    (frame,) = re.findall(r"<iframe[^>]*>", page)
    assert 'sandbox=""' in frame
    srcdoc = unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
    assert '<script>alert("owned")</script>' in srcdoc
    assert "Content-Security-Policy" in srcdoc and "default-src 'none'" in srcdoc
    assert "&lt;script&gt;" in page  # the source, escaped
    # the project's supervisor reads it too; another project's people do not
    assert browser(shop_world.supervisor).get(f"/messages/{message.pk}/").status_code == 200
    assert browser(shop.operator).get(f"/messages/{message.pk}/").status_code == 404
    assert browser(shop.supervisor).get(f"/messages/{message.pk}/").status_code == 404
    assert browser(shop_world.operator).get("/messages/999999/").status_code == 404


def test_the_email_page_of_a_failed_message_shows_the_error_and_retry_for_supervisors_x_9(
    shop_world, outbox
):
    _, failed, _ = outbox
    as_supervisor = browser(shop_world.supervisor).get(f"/messages/{failed.pk}/").content.decode()
    assert "no such user" in unescape(as_supervisor)
    assert f'action="/messages/{failed.pk}/retry"' in as_supervisor
    as_operator = browser(shop_world.operator).get(f"/messages/{failed.pk}/").content.decode()
    assert "no such user" in unescape(as_operator)
    assert "/retry" not in as_operator


# --- partner webhooks ------------------------------------------------------------------------


def _confirmed_order(world, now, n=0):
    order = world.intake(phone=f"+7916123{4500 + n:04d}", external_id=f"SHOP-{700 + n}", now=now)
    call_attempt_record(order_id=order.pk, actor=world.operator, result="answered", now=now)
    svc.order_apply_outcome(order_id=order.pk, actor=world.operator, code="confirm", now=now)
    return order


def test_the_webhooks_tab_lists_deliveries_with_their_attempts_and_retries_x_9(
    cod,
    shop,
    receiver,  # noqa: F811 - the fixture
):
    # given an endpoint that answers 500 once, then 200
    now = timezone.now()
    WebhookEndpoint.objects.create(project=cod.project, url=receiver.url, kinds=["status"])
    receiver.codes = [500]
    order = _confirmed_order(cod, now)
    delivery = WebhookDelivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk, now=now) == "retry"
    # the tab shows it waiting, with its logged attempt and the partner's answer
    client = browser(cod.supervisor)
    url = f"/p/{cod.project.slug}/outbox?kind=webhooks"
    page = client.get(url).content.decode()
    assert shown_ids(client.get(url), "data-delivery") == [delivery.pk]
    assert receiver.url in page and f'href="/orders/{order.pk}/"' in page
    assert "HTTP 500" in page and 'data-state="queued"' in page
    base = f"/p/{cod.project.slug}/outbox"
    for query, found in (({"q": "SHOP-700"}, [delivery.pk]), ({"state": "sent"}, [])):
        shown = client.get(base, {"kind": "webhooks", **query})
        assert shown_ids(shown, "data-delivery") == found
    # when "Send now" is pressed, the worker posts it at once, and it is sent
    response = client.post(f"/webhooks/deliveries/{delivery.pk}/retry", {"next": url})
    assert (response.status_code, response["Location"]) == (302, url)
    assert delivery_send(delivery_id=delivery.pk, now=timezone.now()) == "sent"
    assert len(receiver.requests) == 2
    assert fresh(delivery).attempt_log.count() == 2
    # others may not: an operator 403, another project's supervisor 404, as the page
    assert browser(cod.operator).get(url).status_code == 403
    assert browser(shop.supervisor).get(url).status_code == 404
    with pytest.raises(Forbidden):
        delivery_retry(delivery_id=delivery.pk, actor=cod.operator, now=now)
    with pytest.raises(NotFound):
        delivery_retry(delivery_id=delivery.pk, actor=shop.supervisor, now=now)


def test_a_failed_delivery_is_posted_again_once_after_a_retry_x_9(
    cod,
    receiver,  # noqa: F811 - the fixture
):
    # given a delivery that failed: its partner answered 500 until 24 h had passed
    now = timezone.now() - RETRY_FOR - timedelta(minutes=5)
    WebhookEndpoint.objects.create(project=cod.project, url=receiver.url, kinds=["status"])
    receiver.codes = [500]
    _confirmed_order(cod, now)
    delivery = WebhookDelivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk, now=now + RETRY_FOR) == "failed"
    page = browser(cod.supervisor).get(f"/p/{cod.project.slug}/outbox?kind=webhooks")
    assert f'action="/webhooks/deliveries/{delivery.pk}/retry"' in page.content.decode()
    # when a supervisor retries it, twice
    at = timezone.now()
    delivery_retry(delivery_id=delivery.pk, actor=cod.supervisor, now=at)
    with pytest.raises(RuleViolations):
        delivery_retry(delivery_id=delivery.pk, actor=cod.supervisor, now=at)
    # then one task, and one more POST, signed like the first
    tasks = DBTaskResult.objects.filter(
        task_path=send_webhook.module_path, status=TaskResultStatus.READY
    )
    assert tasks.count() == 2  # the first delivery's, and the retry's
    assert send_webhook.call(delivery.pk) == "sent"
    assert send_webhook.call(delivery.pk) == "skipped"
    assert len(receiver.requests) == 2
    assert receiver.requests[0][1] == receiver.requests[1][1]
    assert (
        AuditEntry.objects.filter(action="webhook.retry", target_id=str(delivery.pk)).count() == 1
    )


def test_a_retried_line_reads_as_queued_again_by_the_supervisor_x_6(shop_world, outbox):
    _, failed, _ = outbox
    message_retry(message_id=failed.pk, actor=shop_world.supervisor, now=timezone.now())
    line = TimelineEntry.objects.filter(order_id=failed.order_id, kind="auto").latest("id")
    pb = playbook_def(shop_world.project.playbook)
    with translation.override("en"):
        assert timeline_text(line, pb) == (
            f'Email "Реквизиты для оплаты" to sidorov@example.com queued again by '
            f"{shop_world.supervisor.username}"
        )


def test_a_supervisor_of_another_project_cannot_read_this_projects_email_x_1(shop_world, shop):
    # a supervisor of the SHOP project only
    seed_demo_templates(shop.project)
    user = UserFactory(username="two-hats")
    MembershipFactory(user=user, project=shop.project, role="supervisor")
    order = order_with_email(shop_world)
    message = _send(shop_world, order)
    assert browser(user).get(f"/messages/{message.pk}/").status_code == 404
    assert browser(user).get(f"/p/{shop.project.slug}/outbox").status_code == 200
    assert OutboxMessage.objects.filter(project=shop.project).count() == 0
