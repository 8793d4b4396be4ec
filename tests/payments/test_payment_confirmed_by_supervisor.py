"""Issue 23 item 10: a payment the supervisor confirms from the customer's proof (DUN-5's
`paid` outcome) counts for the operator who worked the order (DUN-9: attributed to the
last one who worked it before the payment), as one the partner reports through the API
does — and shows in the payments-after-calls report."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from dozvon.core.errors import Forbidden, NotFound, RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.orders.models import Order
from dozvon.payments.models import Payment
from dozvon.payments.selectors import payments_after_calls
from dozvon.payments.services import payment_confirm
from tests.conftest import _world
from tests.dunning.support import at, call, comment, fresh, in_worklist, with_emails

ENTERED = at(10, 0, 30)
CONFIRMED = at(12, 15)


@pytest.fixture
def worked(dun):
    """An order of the worklist the operator called twice and commented on (DUN-7)."""
    with_emails(dun)
    order = in_worklist(dun, entered=ENTERED, n=1)
    call(dun, order, at(12, 10), "skype")
    call(dun, order, at(12, 12, 30), "magna", result="busy")
    comment(dun, order, at(12, 12, 40), "Не берёт трубку, звонил с двух линий")
    return dun, order


def test_a_supervisor_s_confirmation_is_attributed_to_the_operator_who_called_dun_9(worked):
    world, order = worked
    # when the supervisor confirms the payment from the customer's receipt
    payment = payment_confirm(
        order_id=order.pk,
        comment="Клиент прислал квитанцию, оплата подтверждена",
        actor=world.supervisor,
        now=CONFIRMED,
    )
    # then the payment is recorded for the full amount and credited to the operator
    assert payment.attributed_to == world.operator
    assert payment.attributed_kind == "call"
    assert payment.amount == fresh(order).total
    assert payment.reference == f"confirmed:{order.pk}"
    # and the order is paid and out of the worklist (DUN-1)
    order = fresh(order)
    assert (order.status, order.bucket, order.payment_status) == ("paid", "", "paid")
    assert order.paid_amount == payment.amount
    # and the payments-after-calls report counts it for the operator (DUN-9)
    rows = payments_after_calls(world.project, start=CONFIRMED.date(), end=CONFIRMED.date())
    mine = [r for r in rows if r["operator"] == world.operator.username]
    assert [(r["payments"], r["amount"]) for r in mine] == [(1, payment.amount)]
    # and confirming is not work of the supervisor's towards the payment
    assert not [r for r in rows if r["operator"] == world.supervisor.username]
    # and the timeline says whom it counts for, with the supervisor's comment
    texts = list(TimelineEntry.objects.filter(order=order).values_list("text", flat=True))
    assert "Клиент прислал квитанцию, оплата подтверждена" in texts
    assert any("attributed to" in t for t in texts)


def test_the_amount_and_the_bank_reference_given_are_kept_x_10(worked):
    world, order = worked
    # when the supervisor types the amount and the bank's reference
    payment = payment_confirm(
        order_id=order.pk,
        comment="Оплата по квитанции",
        amount=Decimal("1000.00"),
        reference="BANK-77",
        actor=world.supervisor,
        now=CONFIRMED,
    )
    # then they are the payment's
    assert (payment.amount, payment.reference) == (Decimal("1000.00"), "BANK-77")


@pytest.mark.parametrize(
    ("comment_text", "amount", "rule", "field"),
    [
        ("Payment confirmed by receipt", None, "DUN-6", "comment"),  # not in Russian
        ("Оплата по квитанции", Decimal("-5"), "X-5", "amount"),
        ("Оплата по квитанции", Decimal("1.005"), "X-5", "amount"),
    ],
)
def test_a_refused_confirmation_writes_nothing(worked, comment_text, amount, rule, field):
    world, order = worked
    version = fresh(order).version
    # when the confirmation breaks a rule
    with pytest.raises(RuleViolations) as refused:
        payment_confirm(
            order_id=order.pk,
            comment=comment_text,
            amount=amount,
            actor=world.supervisor,
            now=CONFIRMED,
        )
    # then it names the rule and the field, and nothing changed
    assert (rule, field) in [(v.rule, v.field) for v in refused.value.violations]
    assert not Payment.objects.filter(order=order).exists()
    assert (fresh(order).status, fresh(order).version) == ("pending", version)


def test_an_order_paid_already_takes_no_second_confirmation_dun_1(worked):
    # given an order whose payment was confirmed
    world, order = worked
    payment_confirm(order_id=order.pk, comment="Оплачено", actor=world.supervisor, now=CONFIRMED)
    with pytest.raises(RuleViolations) as refused:
        payment_confirm(
            order_id=order.pk,
            comment="Оплачено",
            actor=world.supervisor,
            now=CONFIRMED + timedelta(minutes=1),
        )
    assert ("DUN-1", "order") in [(v.rule, v.field) for v in refused.value.violations]
    assert Payment.objects.filter(order=order).count() == 1


def test_an_operator_may_not_confirm_and_another_project_does_not_see_the_order_x_2(worked):
    # given an order of the worklist; when an operator, then another project's supervisor
    # confirm its payment: forbidden, not found, and nothing written
    world, order = worked
    with pytest.raises(Forbidden):
        payment_confirm(order_id=order.pk, comment="Оплачено", actor=world.operator, now=CONFIRMED)
    other = _world("dun", "dun-other")
    with pytest.raises(NotFound):
        payment_confirm(
            order_id=order.pk, comment="Оплачено", actor=other.supervisor, now=CONFIRMED
        )
    assert not Payment.objects.filter(order=order).exists()


def test_the_card_panel_confirms_a_payment_and_says_whom_it_counts_for(worked, settings):
    world, order = worked
    client = Client()
    client.force_login(world.supervisor)
    # given the card shows the supervisor the confirmation form
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'action="/orders/{order.pk}/dun/confirm-payment"' in page
    # when the supervisor confirms with a comment in Russian
    response = client.post(
        f"/orders/{order.pk}/dun/confirm-payment",
        {"comment": "Клиент прислал квитанцию", "amount": ""},
        follow=True,
    )
    # then the card says the payment counts for the operator
    assert response.status_code == 200
    text = response.content.decode()
    assert world.operator.username in text or world.operator.get_full_name() in text
    assert Order.objects.get(pk=order.pk).status == "paid"
    # and an operator does not see the form, and may not post it
    client.force_login(world.operator)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "confirm-payment" not in page


def test_the_panel_refuses_a_bad_amount_with_the_rule_and_writes_nothing(worked):
    world, order = worked
    # given the supervisor on the card; when an amount that is not a number is sent
    client = Client()
    client.force_login(world.supervisor)
    response = client.post(
        f"/orders/{order.pk}/dun/confirm-payment",
        {"comment": "Клиент прислал квитанцию", "amount": "abc"},
        follow=True,
    )
    # then the card shows the refusal in the panel, naming the rule's words, and no payment
    assert response.status_code == 422
    assert "Сумма — не число." in response.content.decode() or "X-5" in response.content.decode()
    assert not Payment.objects.filter(order=order).exists()
    # and an operator posting the form is forbidden
    client.force_login(world.operator)
    response = client.post(
        f"/orders/{order.pk}/dun/confirm-payment", {"comment": "Оплачено", "amount": ""}
    )
    assert response.status_code == 403
    assert not Payment.objects.filter(order=order).exists()


def test_the_paid_result_saved_on_the_card_or_by_the_api_records_the_payment_dun_9(worked, api_for):
    world, order = worked
    second = in_worklist(world, entered=ENTERED, n=2)
    call(world, second, at(12, 10), "skype")
    assert second.pk != order.pk
    text = "Клиент прислал квитанцию, оплата подтверждена"
    # when the supervisor saves the playbook's "paid" result on the card
    browser = Client()
    browser.force_login(world.supervisor)
    response = browser.post(
        reverse("web:order_outcome", args=[order.pk]), {"code": "paid", "comment": text}
    )
    assert response.status_code == 302
    # and through the API
    answer = api_for(world.supervisor).post(
        f"/orders/{second.pk}/outcome", {"code": "paid", "comment": text}
    )
    assert answer.status_code == 200, answer.data
    # then each is a payment credited to the operator who called, not only a status
    for paid in (order, second):
        payment = Payment.objects.get(order=paid)
        assert (payment.attributed_to, fresh(paid).status) == (world.operator, "paid")
