"""The playbooks' `send_message` effect (issue 11's placeholder, now X-9): an outcome or a
trigger queues its email in its own transaction, once per order, template and cause."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import transaction
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from dozvon.customers.services import CustomerInput
from dozvon.history.models import TimelineEntry
from dozvon.messaging.demo import seed_demo_templates
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.services import template_save
from dozvon.messaging.tasks import send_message
from dozvon.orders import services as svc
from dozvon.orders.selectors import timeline_text
from dozvon.orders.services import order_apply_outcome
from dozvon.orders.services.effects import effects_apply
from dozvon.playbooks.automation_def import EffectDef
from dozvon.playbooks.selectors import playbook_def
from tests.automation.support import MSK, automatic_lines, dun_world, fresh

CREATED = datetime(2026, 11, 2, 10, tzinfo=MSK)
AT = datetime(2026, 11, 9, 15, 30, tzinfo=MSK)


@pytest.fixture
def dun(db, tmp_path, now):
    world = dun_world(tmp_path, now)
    template_save(
        project=world.project,
        code="proof_request",
        name="Просьба прислать чек",
        subject="Заказ № {{ order_number }}: пришлите, пожалуйста, чек",
        body_text="{{ customer_name }}, пришлите чек об оплате {{ total }}.",
        actor=None,
        now=now,
    )
    return world


def _order(dun, email="payer@example.com"):
    order, _ = svc.order_intake(
        project=dun.project,
        actor=dun.partner,
        external_id="DUN-77",
        customer=CustomerInput(name="Сидоров Сидор", phone="+79161112233", email=email),
        items=[svc.ItemInput(dun.products[0].sku)],
        payment_method="bank_transfer",
        created_at=CREATED,
        now=CREATED,
    )
    return order


def test_already_paid_queues_the_proof_request_with_the_outcome_dun_5(dun):
    # given a pending order of a customer with an address
    order = _order(dun)
    # when the operator saves "already paid"
    order_apply_outcome(
        order_id=order.pk, actor=dun.operator, code="already_paid", comment="Оплатил", now=AT
    )
    # then the email is queued with its task, once, and the effect's line says so
    (message,) = OutboxMessage.objects.filter(order=order)
    assert (message.template, message.reason, message.state) == (
        "proof_request",
        "outcome:already_paid",
        "queued",
    )
    assert message.subject == "Заказ № DUN-77: пришлите, пожалуйста, чек"
    tasks = DBTaskResult.objects.filter(task_path=send_message.module_path)
    assert [t.args_kwargs["args"] for t in tasks] == [[message.pk]]
    *_, line = automatic_lines(order, outcome="already_paid")
    assert (line.data["effect"], line.data["message"]) == ("send_message", message.pk)
    with translation.override("en"):
        assert timeline_text(line, playbook_def(order.project.playbook)) == (
            'Email "Просьба прислать чек" to payer@example.com queued automatically (DUN-5)'
        )
    # no `message` line yet: that is the email sent (DUN-8 counts those)
    assert not TimelineEntry.objects.filter(order=order, kind="message").exists()


def test_the_same_effect_applied_twice_queues_one_email_x_9(dun):
    order = _order(dun)
    effect = (EffectDef("send_message", template="proof_request"),)
    for _ in range(2):
        with transaction.atomic():
            effects_apply(
                order=fresh(order),
                effects=effect,
                actor=None,
                reason="DUN-8",
                now=AT,
                cause={"trigger": "too_many_contacts"},
            )
    assert OutboxMessage.objects.filter(order=order).count() == 1
    assert len(automatic_lines(order, trigger="too_many_contacts")) == 1


def test_an_email_that_cannot_be_queued_does_not_block_the_outcome_x_9(dun):
    # given a customer without an address
    order = _order(dun, email="")
    # when "already paid" is saved, it is saved, and the line says why no email went
    order_apply_outcome(
        order_id=order.pk, actor=dun.operator, code="already_paid", comment="Оплатил", now=AT
    )
    assert fresh(order).extra["marks"]
    assert not OutboxMessage.objects.exists()
    *_, line = automatic_lines(order, outcome="already_paid")
    with translation.override("en"):
        assert timeline_text(line, playbook_def(order.project.playbook)) == (
            'Email "Просьба прислать чек" not sent (DUN-5): no valid customer address'
        )


def test_the_final_offer_goes_out_at_its_fixed_bonus_dun_8(dun):
    # given the demo's templates, the final offer fixed at +25 %
    seed_demo_templates(dun.project)
    order = _order(dun)
    # when DUN-8's trigger applies its effect (no percent: the template has it)
    with transaction.atomic():
        effects_apply(
            order=fresh(order),
            effects=(EffectDef("send_message", template="final_bonus_offer"),),
            reason="DUN-8",
            now=AT,
            cause={"trigger": "exhausted"},
        )
    (message,) = OutboxMessage.objects.filter(order=order)
    assert (message.bonus_percent, message.reason) == (25, "trigger:exhausted")
    assert "(бонус 25 %)" in message.body_text
