"""X-9, STYLE 4: an email is queued in the transaction that decided to send it — the
outbox row and its django-tasks row commit or roll back together — once per idempotency
key, and only to a customer with an address."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dozvon.audit.models import AuditEntry
from dozvon.core.errors import RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.messaging.models import MessageTemplate, OutboxMessage
from dozvon.messaging.services import message_queue, message_send_now
from dozvon.messaging.tasks import send_message
from dozvon.orders.models import Order
from dozvon.orders.services import lock_order
from dozvon.projects.access import WORK
from tests.messaging.conftest import order_with_email


def send_tasks():
    return DBTaskResult.objects.filter(task_path=send_message.module_path)


def _queue(world, order, *, reason="outcome:confirm", template="bank_details", **extra):
    with transaction.atomic():
        locked = lock_order(order_id=order.pk, actor=world.operator, action=WORK)
        return message_queue(
            order=locked,
            template=template,
            reason=reason,
            actor=world.operator,
            now=timezone.now(),
            extra_context=extra,
        )


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_message_and_no_task_x_9(shop_world):
    # given an order whose customer has an address
    order = order_with_email(shop_world)
    # when a change queues the bank details and then fails
    with pytest.raises(Boom), transaction.atomic():
        locked = lock_order(order_id=order.pk, actor=shop_world.operator, action=WORK)
        message_queue(
            order=locked,
            template="bank_details",
            reason="outcome:confirm",
            actor=shop_world.operator,
            now=timezone.now(),
        )
        raise Boom
    # then neither the message nor its task exists
    assert OutboxMessage.objects.count() == 0
    assert send_tasks().count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_leaves_one_message_and_its_task_x_9(shop_world):
    order = order_with_email(shop_world)
    message, queued = _queue(shop_world, order)
    # one message, queued, with its Message-ID fixed now, and one task to send it
    assert queued
    (row,) = OutboxMessage.objects.all()
    assert (row.pk, row.state, row.attempts) == (message.pk, "queued", 0)
    assert row.to == "ivanov@example.com"
    assert row.message_id.startswith("<") and row.message_id.endswith("@localhost>")
    (task,) = send_tasks()
    assert task.args_kwargs == {"args": [row.pk], "kwargs": {}}
    assert task.status == "READY"
    # the subject and bodies are rendered once, from the order
    assert row.subject == "Реквизиты для оплаты заказа № SHOP-1000"
    assert "Иванов Иван" in row.body_text and "ООО «Дозвон-Демо»" in row.body_text
    assert "<table" in row.body_html
    assert row.from_email == "Магазин «Дозвон» <dozvon@localhost>"


def test_the_same_decision_twice_queues_one_message_x_9(shop_world):
    order = order_with_email(shop_world)
    first, queued = _queue(shop_world, order)
    again, queued_again = _queue(shop_world, order)
    assert queued and not queued_again
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1 and send_tasks().count() == 1
    # another reason is another message
    other, _ = _queue(shop_world, order, reason="trigger:enter_worklist")
    assert other.pk != first.pk and other.message_id != first.message_id


def test_an_operator_sends_a_template_with_a_timeline_line_and_an_audit_row_x_6(shop_world):
    order = order_with_email(shop_world)
    message, queued = message_send_now(
        order_id=order.pk,
        template="bonus_offer",
        bonus_percent=25,
        actor=shop_world.operator,
        now=timezone.now(),
    )
    assert queued and message.bonus_percent == 25
    assert "25 %" in message.subject and "Бонусное предложение 25" in message.name
    line = TimelineEntry.objects.filter(order=order, data__message=message.pk).get()
    assert line.kind == "auto" and line.actor == shop_world.operator
    assert line.data["actor"] == shop_world.operator.username
    assert AuditEntry.objects.filter(action="message.queue", target_id=str(order.pk)).count() == 1
    # the same request while it is queued answers with it; another percent is another email
    same, again = message_send_now(
        order_id=order.pk,
        template="bonus_offer",
        bonus_percent=25,
        actor=shop_world.operator,
        now=timezone.now(),
    )
    assert (same.pk, again) == (message.pk, False)
    other, _ = message_send_now(
        order_id=order.pk,
        template="bonus_offer",
        bonus_percent=15,
        actor=shop_world.operator,
        now=timezone.now(),
    )
    assert other.pk != message.pk and OutboxMessage.objects.count() == 2


def _nothing_written():
    return (OutboxMessage.objects.count(), send_tasks().count(), TimelineEntry.objects.count())


@pytest.mark.parametrize(
    ("email", "template", "extra", "refused"),
    [
        ("", "bank_details", {}, {("X-9", "customer.email")}),
        ("a@example.com", "no_such_template", {}, {("X-9", "template")}),
        ("", "no_such_template", {}, {("X-9", "template"), ("X-9", "customer.email")}),
        ("a@example.com", "bonus_offer", {}, {("DUN-2", "bonus_percent")}),
        ("a@example.com", "bonus_offer", {"bonus_percent": 40}, {("DUN-2", "bonus_percent")}),
    ],
)
def test_a_message_that_cannot_be_sent_is_refused_and_nothing_is_written_x_9(
    shop_world, email, template, extra, refused
):
    order = order_with_email(shop_world, email=email)
    before = _nothing_written()
    with pytest.raises(RuleViolations) as caught:
        _queue(shop_world, order, template=template, **extra)
    assert {(v.rule, v.field) for v in caught.value.violations} == refused
    assert _nothing_written() == before
    assert Order.objects.get(pk=order.pk).version == order.version


def test_a_template_written_around_the_check_is_refused_when_sent_x_9(shop_world):
    # given a template stored without `template_save` (a data migration, a shell)
    MessageTemplate.objects.create(
        project=shop_world.project, code="raw", name="Raw", subject="x", body_text="{{ token }}"
    )
    order = order_with_email(shop_world)
    # when it is sent, it is refused naming it, and nothing is written
    before = _nothing_written()
    with pytest.raises(RuleViolations) as caught:
        _queue(shop_world, order, template="raw")
    assert {(v.rule, v.field) for v in caught.value.violations} == {("X-9", "template")}
    assert "token" in caught.value.violations[0].render()
    assert _nothing_written() == before


def test_a_bonus_offer_names_its_percent_and_the_bonus_units_dun_2(shop_world):
    # given an order of 3 units (2 + a gift)
    order = order_with_email(shop_world)
    # when the operator offers 25 %, and the final offer (fixed at +25 %) goes out
    offer, _ = _queue(shop_world, order, template="bonus_offer", bonus_percent=25)
    final, _ = _queue(shop_world, order, template="final_bonus_offer", reason="trigger:x")
    # then both name 25 % and 1 unit (3 × 25 % = 0.75, rounded half up, at least 1)
    for message in (offer, final):
        assert message.bonus_percent == 25
        assert "1 уп. в подарок (бонус 25 %)" in message.body_text
    assert final.subject.startswith("Последнее предложение: +25 %")
    # a percent sent with an email that offers none is ignored
    plain, _ = _queue(shop_world, order, reason="manual:9", bonus_percent=15)
    assert plain.bonus_percent is None
