"""SUB-3: the refund request emailed to the partner says whom to call back (the
subscriber's phone) and what the operator wrote (the comment) — with SUB-5's promo code
replaced wherever the operator typed it, because the partner must never learn it."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from dozvon.interactions.services import interaction_record, interaction_start
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.services import template_save
from dozvon.subscriptions import demo
from dozvon.subscriptions.models import Escalation
from dozvon.subscriptions.promo_codes import promo_code_create
from dozvon.subscriptions.promo_rules import without_codes
from dozvon.subscriptions.services import contact_apply, contact_check, escalation_notify
from tests.subscriptions.conftest import PHONE, sub, sub_row  # noqa: F401 - the SUB project

CODE = "ЖЕЛЕЗНЫЙЧЕЛОВЕК"


def _refund_setup(world, now):
    """The demo's refund template and the project's operator-only promo code."""
    name, subject, body = demo.TEMPLATES["subscription_refund"]
    template_save(
        project=world.project,
        code="subscription_refund",
        name=name,
        subject=subject,
        body_text=body,
        actor=world.supervisor,
        now=now,
    )
    promo_code_create(
        project=world.project,
        actor=world.supervisor,
        code=CODE,
        collection="im",
        discount_amount=Decimal("447.00"),
        ends_on=now.date().replace(year=now.year + 1),
        now=now,
    )
    (created,) = world.upsert(sub_row(number="IM-7"))
    return created.subscription


COMMENT = "Хочет вернуть 3 выпуска; код железный человек не помог, Железныйчеловек тоже"
SHOWN = (
    "Комментарий оператора: Хочет вернуть 3 выпуска; код специальная скидка не помог, "
    "специальная скидка тоже"
)


def _assert_partner_email(message: OutboxMessage) -> None:
    text = message.body_text
    # the phone to call back, the facts and the operator's comment, in Russian
    assert "Телефон: +7 916 123-45-67" in text
    assert SHOWN in text
    assert "Подписка: №IM-7, коллекция «Железный человек», ускоренный план" in text
    assert "Осталось выпусков: 12" in text
    # and the code is in nothing the partner receives, however it was typed
    for part in (message.subject, text, message.body_html):
        flat = part.lower().replace("«железный человек»", "")
        assert "железный человек" not in flat and CODE.lower() not in flat


def test_the_refund_email_carries_the_phone_and_the_comment_without_the_code_SUB_3_SUB_5(
    sub,  # noqa: F811
    now,
):
    # given a subscriber of the project, which has an operator-only promo code
    subscription = _refund_setup(sub, now)
    # when the operator's refund contact is written with the call's comment, the code
    # typed in it twice
    with transaction.atomic():
        plan, refused = contact_check(
            project=sub.project,
            actor=sub.operator,
            subscription_id=subscription.pk,
            outcome="refund",
            issues=None,
        )
        assert not refused
        interaction = interaction_start(
            project=sub.project, actor=sub.operator, phone=PHONE, line="first", now=now
        )
        contact_apply(
            plan=plan, interaction=interaction, actor=sub.operator, now=now, comment=COMMENT
        )
    # then the partner's email has the phone, the comment and the facts
    escalation = Escalation.objects.get()
    _assert_partner_email(OutboxMessage.objects.get(pk=escalation.message_id))


def test_a_refund_email_written_later_carries_the_recorded_comment_SUB_3_SUB_5(
    sub,  # noqa: F811
    now,
):
    # given a refund request recorded while the project had no partner address
    subscription = _refund_setup(sub, now)
    sub.project.settings = {}
    sub.project.save()
    interaction_record(
        project=sub.project,
        actor=sub.operator,
        phone="8 916 123-45-67",
        line="first",
        subject="Просит вернуть деньги",
        comment=COMMENT,
        subscription=subscription.pk,
        outcome="refund",
        now=now,
    )
    escalation = Escalation.objects.get()
    assert escalation.message_id is None
    # when the address is set and the supervisor writes to the partner
    sub.project.settings = {"partner_email": "partner@deagostini.example"}
    sub.project.save()
    escalation_notify(escalation_id=escalation.pk, actor=sub.supervisor, now=now)
    # then the email carries the recorded comment, the code replaced
    escalation.refresh_from_db()
    _assert_partner_email(OutboxMessage.objects.get(pk=escalation.message_id))


def test_a_code_is_replaced_in_any_case_and_spacing_and_other_text_is_kept_SUB_5():
    # given a comment with two codes, typed in several ways
    comment = "Назвал sub 447 и Sub447; SUB4470 — не код? ЖЕЛЕЗНЫЙ ЧЕЛОВЕК!"
    # when the codes are replaced
    shown = without_codes(comment, ["SUB447", "железныйчеловек"], replacement="[скидка]")
    # then every spelling of each is gone and the rest stays as typed
    assert shown == "Назвал [скидка] и [скидка]; [скидка]0 — не код? [скидка]!"
    # and no code means no change
    assert without_codes(comment, [], replacement="x") == comment


def test_a_refund_recorded_at_the_desk_sends_the_calls_comment_to_the_partner_SUB_3(
    sub,  # noqa: F811
    now,
):
    # given a subscriber of the project, which has an operator-only promo code
    subscription = _refund_setup(sub, now)
    # when the operator records the call with its refund contact and comment (the desk's
    # and the API's one service)
    interaction_record(
        project=sub.project,
        actor=sub.operator,
        phone=PHONE,
        line="first",
        subject="просит вернуть деньги",
        comment=COMMENT,
        subscription=subscription.pk,
        outcome="refund",
        now=now,
    )
    # then the partner's email carries that comment (without the code)
    escalation = Escalation.objects.get()
    _assert_partner_email(OutboxMessage.objects.get(pk=escalation.message_id))
