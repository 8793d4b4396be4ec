"""`message_queue_to`: an email that is not about an order (SUB-1 informs each accelerated
subscriber of the new plan), queued in the caller's transaction, once per key, rendered
over the allow-list only (X-9, SUB-5), sent by the worker like any other."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dozvon.audit.models import AuditEntry
from dozvon.core.errors import RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.rendering import CONTEXT, SUBSCRIPTION_VARIABLES
from dozvon.messaging.services import message_queue_to, template_save
from dozvon.messaging.tasks import send_message

INFORM = {
    "code": "subscription_inform",
    "name": "Новый план подписки",
    "subject": "Подписка № {{ subscription_number }}: {{ collection_name }}",
    "body_text": (
        "{{ customer_name }}, ваш план: {{ plan_name }}. Осталось выпусков: "
        "{{ remaining_issues }}, подписка приостанавливается {{ suspend_on }}.{{ order_number }}"
        "\n{{ shop_name }}"
    ),
    "body_html": "<p>{{ customer_name }}</p><p>{{ collection_name }}</p>",
}
VALUES = {
    "subscription_number": "S-17",
    "collection_name": "Кошки мира",
    "plan_name": "ускоренный",
    "remaining_issues": 12,
    "suspend_on": date(2022, 12, 31),
    "promo_code": "SECRET447",  # not on the allow-list: never rendered
    "customer_name": "Someone Else",  # given by the argument, not the context
}


@pytest.fixture
def sub_world(shop_world):
    template_save(project=shop_world.project, actor=None, now=timezone.now(), **INFORM)
    return shop_world


def _queue(world, *, key="subscription:17/inform", to="reader@example.com", context=VALUES):
    with transaction.atomic():
        return message_queue_to(
            project=world.project,
            to=to,
            customer_name="Петрова Анна",
            template="subscription_inform",
            key=key,
            context=context,
            actor=world.operator,
            now=timezone.now(),
        )


def _tasks() -> int:
    return DBTaskResult.objects.filter(task_path=send_message.module_path).count()


def test_the_subscription_allow_list_names_plain_values_sub_1():
    assert set(SUBSCRIPTION_VARIABLES) <= set(CONTEXT)
    assert all(CONTEXT[name] is None for name in SUBSCRIPTION_VARIABLES)


def test_an_email_to_a_subscriber_is_queued_once_with_its_task_and_audit_row_sub_1(sub_world):
    # when the subscriber's information email is queued
    message, queued = _queue(sub_world)
    # then one message, not tied to an order, with its send task and an audit row
    assert queued and message.order_id is None and message.state == "queued"
    assert (message.to, message.template, message.idempotency_key) == (
        "reader@example.com",
        "subscription_inform",
        "subscription:17/inform",
    )
    assert _tasks() == 1
    audit = AuditEntry.objects.get(action="message.queue", target_type="outboxmessage")
    assert audit.target_id == str(message.pk) and audit.actor == sub_world.operator
    assert audit.changes["key"] == "subscription:17/inform"
    # rendered over the allow-list: the subscription's values, the shop; nothing else
    assert message.subject == "Подписка № S-17: Кошки мира"
    assert message.body_text == (
        "Петрова Анна, ваш план: ускоренный. Осталось выпусков: 12, подписка "
        "приостанавливается 31.12.2022.\nМагазин «Дозвон»"
    )
    assert "SECRET447" not in message.body_text + message.body_html + message.subject
    assert message.body_html == "<p>Петрова Анна</p><p>Кошки мира</p>"
    # the same key again: the same message, nothing more queued
    again, queued_again = _queue(sub_world, to="other@example.com")
    assert (again.pk, queued_again) == (message.pk, False)
    assert OutboxMessage.objects.count() == 1 and _tasks() == 1


def test_a_bad_address_or_missing_template_is_refused_and_nothing_is_written_x_9(sub_world):
    for to, template, expected in (
        ("", "subscription_inform", {("X-9", "customer.email")}),
        ("not an address", "subscription_inform", {("X-9", "customer.email")}),
        ("reader@example.com", "nope", {("X-9", "template")}),
        ("bad@", "nope", {("X-9", "customer.email"), ("X-9", "template")}),
    ):
        with pytest.raises(RuleViolations) as refused, transaction.atomic():
            message_queue_to(
                project=sub_world.project,
                to=to,
                customer_name="Петрова Анна",
                template=template,
                key=f"subscription:{to}/{template}",
                actor=None,
                now=timezone.now(),
            )
        assert {(v.rule, v.field) for v in refused.value.violations} == expected
    assert not OutboxMessage.objects.exists() and _tasks() == 0
    assert not AuditEntry.objects.filter(action="message.queue").exists()


def test_a_rolled_back_caller_leaves_no_message_and_no_task_x_9(sub_world):
    with pytest.raises(RuntimeError, match="boom"), transaction.atomic():
        _, queued = message_queue_to(
            project=sub_world.project,
            to="reader@example.com",
            customer_name="Петрова Анна",
            template="subscription_inform",
            key="subscription:18/inform",
            actor=None,
            now=timezone.now(),
        )
        assert queued
        raise RuntimeError("boom")
    assert not OutboxMessage.objects.exists() and _tasks() == 0


def test_a_key_longer_than_its_column_is_a_programming_error_x_9(sub_world):
    for key in ("", "x" * 201):
        with pytest.raises(ValueError), transaction.atomic():
            _queue(sub_world, key=key)


def test_a_model_object_in_the_context_is_never_rendered_x_9(sub_world):
    with pytest.raises(TypeError), transaction.atomic():
        _queue(sub_world, context={"plan_name": sub_world.operator})
    assert not OutboxMessage.objects.exists()


def test_the_worker_sends_it_with_no_order_timeline_x_9(sub_world, smtp):
    smtp.start()
    message, _ = _queue(sub_world)
    assert send_message.call(message.pk) == "sent"
    (received,) = smtp.messages
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "reader@example.com"
    assert OutboxMessage.objects.get(pk=message.pk).state == "sent"
    assert not TimelineEntry.objects.exists()
