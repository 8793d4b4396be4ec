"""SUB-3 registry: an inbound interaction about a subscription records its outcome;
SUB-4: not staying cancels the subscription; a refund request is escalated to the partner."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dozvon.core.errors import Forbidden, RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.interactions.services import interaction_record
from dozvon.messaging.models import OutboxMessage
from dozvon.subscriptions.models import Escalation, Subscription, SubscriptionContact
from dozvon.subscriptions.services import escalation_decide, escalation_notify
from tests.subscriptions.conftest import sub_row, written


def call(world, now, *, phone="8 916 123-45-67", actor=None, **facts):
    return interaction_record(
        project=world.project,
        actor=actor or world.operator,
        phone=phone,
        line="first",
        subject="недоволен ускоренной подпиской",
        comment="объяснили приостановку 31.12",
        now=now,
        **facts,
    )


@pytest.fixture
def subscription(sub):
    (created,) = sub.upsert(sub_row())
    return created.subscription


def test_will_think_then_bought_all_records_two_contacts_and_cancels_SUB_3_SUB_4(
    sub, subscription, now
):
    # given an unhappy subscriber who will think first
    first = call(sub, now, subscription=subscription.pk, outcome="will_think")
    subscription.refresh_from_db()
    assert first.customer_id == subscription.customer_id  # found by phone in another format
    assert (subscription.status, subscription.contacts) == ("active", 1)
    assert subscription.first_contact_at == now
    # when they phone again and buy every remaining issue
    later = now + timedelta(days=2)
    call(sub, later, subscription=subscription.pk, outcome="bought_all")
    # then the registry has both contacts, twelve issues bought, the subscription cancelled
    subscription.refresh_from_db()
    assert (subscription.status, subscription.contacts) == ("cancelled", 2)
    assert subscription.first_contact_at == now and subscription.cancelled_at == later
    contacts = list(SubscriptionContact.objects.order_by("at"))
    assert [c.outcome for c in contacts] == ["will_think", "bought_all"]
    assert contacts[1].issues == list(range(89, 101))
    # and the interaction's history says so
    texts = list(
        TimelineEntry.objects.filter(interaction=contacts[1].interaction).values_list(
            "data", flat=True
        )
    )
    assert any(d.get("rule") == "SUB-4" for d in texts)


def test_bought_some_names_the_issues_and_later_contacts_buy_the_rest_SUB_3(sub, subscription, now):
    call(sub, now, subscription=subscription.pk, outcome="bought_some", issues=[89, 90])
    # the same issues cannot be bought twice
    before = written()
    with pytest.raises(RuleViolations) as refused:
        call(sub, now, subscription=subscription.pk, outcome="bought_some", issues=[90, 91])
    assert {(v.rule, v.field) for v in refused.value.violations} == {("SUB-3", "issues")}
    assert written() == before
    # bought all now means the ten left
    call(sub, now, subscription=subscription.pk, outcome="bought_all")
    assert SubscriptionContact.objects.order_by("-id").first().issues == list(range(91, 101))


def test_stayed_keeps_the_subscription_active_SUB_3(sub, subscription, now):
    call(sub, now, subscription=subscription.pk, outcome="stayed")
    subscription.refresh_from_db()
    assert subscription.status == "active" and subscription.last_outcome == "stayed"


def test_refusals_of_a_contact_come_together_and_write_nothing_SUB_3(sub, subscription, now):
    before = written()
    with pytest.raises(RuleViolations) as refused:
        interaction_record(
            project=sub.project,
            actor=sub.operator,
            phone="",
            line="first",
            subject="",
            comment="x",
            subscription=subscription.pk,
            outcome="stayed",
            issues=[90],
            now=now,
        )
    fields = {(v.rule, v.field) for v in refused.value.violations}
    assert {("X-4", "phone"), ("X-6", "subject"), ("SUB-3", "issues")} <= fields
    assert written() == before


def test_an_outcome_needs_a_subscription_and_vice_versa_SUB_3(sub, subscription, now):
    with pytest.raises(RuleViolations) as refused:
        call(sub, now, outcome="stayed")
    assert [(v.rule, v.field) for v in refused.value.violations] == [("SUB-3", "subscription")]
    with pytest.raises(RuleViolations) as refused:
        call(sub, now, subscription=subscription.pk)
    assert [(v.rule, v.field) for v in refused.value.violations] == [("SUB-3", "outcome")]


def test_another_projects_subscription_is_unknown_X_1(sub, shop, subscription, now):
    with pytest.raises(RuleViolations) as refused:
        interaction_record(
            project=shop.project,
            actor=shop.operator,
            phone="+79161234567",
            line="first",
            subject="x",
            comment="y",
            subscription=subscription.pk,
            outcome="stayed",
            now=now,
        )
    # the shop project keeps no subscriptions at all
    assert {v.field for v in refused.value.violations} == {"subscription", "outcome"}
    # nor does a sub project see another one's subscription
    other = _second_sub_project(now)
    with pytest.raises(RuleViolations) as refused:
        call(other, now, subscription=subscription.pk, outcome="stayed")
    assert [(v.rule, v.field) for v in refused.value.violations] == [("SUB-3", "subscription")]
    assert Subscription.objects.get().contacts == 0


def _second_sub_project(now):
    from tests.conftest import _world

    return _world("sub", "sub-two")


def test_refund_is_escalated_by_email_to_the_partner_and_decided_SUB_3(sub, subscription, now):
    # when the subscriber asks for a refund
    interaction = call(sub, now, subscription=subscription.pk, outcome="refund")
    # then the subscription is cancelled and an escalation waits, the partner emailed once
    subscription.refresh_from_db()
    assert subscription.status == "cancelled"
    escalation = Escalation.objects.get()
    assert escalation.state == "open" and escalation.interaction == interaction
    message = OutboxMessage.objects.get(idempotency_key=f"escalation:{escalation.pk}")
    assert message.to == "partner@deagostini.example" and escalation.message == message
    assert subscription.number in message.subject
    assert "объяснили" not in message.body_text  # the operator's free text stays inside
    # asking again queues nothing more
    escalation_notify(escalation_id=escalation.pk, actor=sub.supervisor, now=now)
    assert OutboxMessage.objects.count() == 1
    # an operator cannot decide; the supervisor records the partner's decision
    with pytest.raises(Forbidden):
        escalation_decide(escalation_id=escalation.pk, actor=sub.operator, decision="x", now=now)
    with pytest.raises(RuleViolations):
        escalation_decide(escalation_id=escalation.pk, actor=sub.supervisor, decision=" ", now=now)
    decided = escalation_decide(
        escalation_id=escalation.pk, actor=sub.supervisor, decision="вернуть 50%", now=now
    )
    assert decided.state == "decided" and decided.decided_by == sub.supervisor
    with pytest.raises(RuleViolations):
        escalation_decide(escalation_id=escalation.pk, actor=sub.supervisor, decision="y", now=now)


def test_a_refund_without_a_partner_address_still_escalates_and_can_be_sent_later_SUB_3(
    sub, subscription, now
):
    sub.project.settings = {}
    sub.project.save()
    call(sub, now, subscription=subscription.pk, outcome="refund")
    escalation = Escalation.objects.get()
    assert escalation.message is None and escalation.notify_problem
    sub.project.settings = {"partner_email": "partner@deagostini.example"}
    sub.project.save()
    escalation_notify(escalation_id=escalation.pk, actor=sub.supervisor, now=now)
    escalation.refresh_from_db()
    assert escalation.message is not None and not escalation.notify_problem
