"""Issue 23 item 14: the same email cannot go to the customer twice in a row by a double
click (DUN-4). The guard is the service's (`dunning.emails.dun_email_send`, under the
order's lock): the second identical request answers with the email the first queued.
After a call or a comment, or with another bonus %, sending again is the operator's
choice. (The panel's buttons are also disabled on submit: tests/browser.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from dozvon.dunning.contact_rules import REPEAT_WINDOW, SentEmail, repeats_last_email
from dozvon.dunning.emails import dun_email_send
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.sending import outbox_send
from tests.dunning.support import at, call, comment, in_worklist, with_emails

ENTERED = at(10, 0, 30)
SENT_AT = at(12, 12, 45)
T0 = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
def ready(dun):
    """An order of the worklist called twice today from both lines and commented (DUN-7)."""
    with_emails(dun)
    order = in_worklist(dun, entered=ENTERED, n=3)
    call(dun, order, at(12, 10), "skype")
    call(dun, order, at(12, 12, 30), "magna", result="busy")
    comment(dun, order, at(12, 12, 40))
    return dun, order


def _send(world, order, percent=25, *, now=SENT_AT, template="bonus_offer"):
    return dun_email_send(
        order_id=order.pk, template=template, bonus_percent=percent, actor=world.operator, now=now
    )


def test_a_second_identical_bonus_offer_right_after_the_first_is_not_sent_dun_4(ready):
    world, order = ready
    # given the bonus offer was sent, and the worker already delivered it
    first, queued = _send(world, order)
    assert queued
    outbox_send(message_id=first.pk, now=SENT_AT + timedelta(seconds=1))
    # when the same request arrives again a second later (a double click)
    again, queued = _send(world, order, now=SENT_AT + timedelta(seconds=2))
    # then it answers with the first email and queues none
    assert (again.pk, queued) == (first.pk, False)
    assert OutboxMessage.objects.filter(order=order).count() == 1


def test_after_a_new_comment_the_same_offer_may_be_sent_again_dun_4(ready):
    world, order = ready
    first, _ = _send(world, order)
    outbox_send(message_id=first.pk, now=SENT_AT + timedelta(seconds=1))
    # given the customer said on the phone they did not get it, and the operator wrote so
    comment(world, order, SENT_AT + timedelta(minutes=3), "Письмо не дошло, просит ещё раз")
    # when the operator sends the offer again
    again, queued = _send(world, order, now=SENT_AT + timedelta(minutes=4))
    # then a second email goes
    assert queued and again.pk != first.pk
    assert OutboxMessage.objects.filter(order=order).count() == 2


def test_another_percent_or_another_email_is_not_a_repeat_dun_4(ready):
    world, order = ready
    _send(world, order, 15)
    _, queued = _send(world, order, 25, now=SENT_AT + timedelta(seconds=5))
    assert queued
    _, queued = _send(
        world, order, None, now=SENT_AT + timedelta(seconds=9), template="bank_details"
    )
    assert queued
    assert OutboxMessage.objects.filter(order=order).count() == 3


def test_two_posts_of_the_panel_s_form_queue_one_email_dun_4(ready):
    world, order = ready
    client = Client()
    client.force_login(world.operator)
    form = {"template": "bonus_offer", "bonus_percent": "25"}
    # when the form is posted twice (the browser's double click), the first delivered
    with time_machine.travel(SENT_AT, tick=False):
        first = client.post(f"/orders/{order.pk}/dun/send", form)
        (message,) = OutboxMessage.objects.filter(order=order)
        outbox_send(message_id=message.pk, now=SENT_AT)
        second = client.post(f"/orders/{order.pk}/dun/send", form, follow=True)
    # then one email is queued and the second answer says it is not sent twice
    assert first.status_code == 303
    assert OutboxMessage.objects.filter(order=order).count() == 1
    assert second.status_code == 200
    assert "повторно не отправляется" in second.content.decode()


@pytest.mark.parametrize(
    ("last", "template", "percent", "worked", "after", "repeated"),
    [
        (SentEmail("bonus_offer", 25, T0), "bonus_offer", 25, False, timedelta(seconds=1), True),
        (SentEmail("bonus_offer", 25, T0), "bonus_offer", 25, False, REPEAT_WINDOW, False),
        (SentEmail("bonus_offer", 25, T0), "bonus_offer", 25, True, timedelta(seconds=1), False),
        (SentEmail("bonus_offer", 15, T0), "bonus_offer", 25, False, timedelta(seconds=1), False),
        (SentEmail("bank_details", None, T0), "bonus_offer", 25, False, timedelta(0), False),
        (SentEmail("bank_details", None, T0), "bank_details", None, False, timedelta(0), True),
        (None, "bonus_offer", 25, False, timedelta(0), False),
    ],
)
def test_the_rule_of_a_repeated_email_dun_4(last, template, percent, worked, after, repeated):
    assert (
        repeats_last_email(
            last=last,
            template=template,
            bonus_percent=percent,
            worked_since=worked,
            now=T0 + after,
        )
        is repeated
    )
