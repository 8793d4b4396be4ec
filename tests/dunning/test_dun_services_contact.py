"""DUN-7 before an email an operator sends (`check_contact_allowed`, for the messages
service), on a postponement and on a cancel; DUN-8: an unreachable number gets emails
instead of calls; DUN-1/2: the bonus % of the order's week of work
(`check_bonus_allowed`)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dozvon.core.errors import RuleViolations
from dozvon.dunning.services import check_bonus_allowed, check_contact_allowed, work_entered_on
from dozvon.orders.services import order_add_comment, order_apply_outcome
from tests.dunning.support import (
    at,
    call,
    comment,
    fresh,
    in_worklist,
    pairs,
    pending,
    two_calls,
)

ENTERED = at(16, 0, 30)


@pytest.fixture
def order(dun):
    return in_worklist(dun, entered=ENTERED)


def test_no_call_today_refuses_an_operator_s_email_dun_7(dun, order):
    # given yesterday's calls and comment, none today
    comment(dun, order, two_calls(dun, order, at(22, 9)))
    # then an email today is refused: today's calls first
    assert pairs(check_contact_allowed(order, now=at(23, 12))) == {("DUN-7", "calls")}


def test_one_line_only_refuses_an_email_dun_7(dun, order):
    # given two calls from Skype, 3 hours apart, and a comment
    call(dun, order, at(23, 9), "skype")
    call(dun, order, at(23, 12), "skype")
    comment(dun, order, at(23, 12, 5))
    # then the other caller line is asked for
    assert pairs(check_contact_allowed(order, now=at(23, 12, 10))) == {("DUN-7", "calls")}


def test_calls_less_than_two_hours_apart_refuse_an_email_dun_7(dun, order):
    call(dun, order, at(23, 9), "skype")
    call(dun, order, at(23, 10, 30), "magna")
    comment(dun, order, at(23, 10, 35))
    assert pairs(check_contact_allowed(order, now=at(23, 10, 40))) == {("DUN-7", "calls")}


def test_two_calls_from_both_lines_without_a_comment_refuse_an_email_dun_7(dun, order):
    now = two_calls(dun, order, at(23, 9))
    assert pairs(check_contact_allowed(order, now=now)) == {("DUN-7", "comment")}


def test_two_calls_from_both_lines_then_a_comment_allow_an_email_dun_7(dun, order):
    now = two_calls(dun, order, at(23, 9))
    comment(dun, order, now)
    assert check_contact_allowed(order, now=now + timedelta(minutes=1)) == []


def test_after_today_s_conversation_its_comment_allows_an_email_dun_7(dun, order):
    # given one answered call today
    call(dun, order, at(23, 10), "magna", result="answered")
    # then an email waits for the conversation's comment, and no more calls after it
    assert pairs(check_contact_allowed(order, now=at(23, 10, 5))) == {("DUN-7", "comment")}
    comment(dun, order, at(23, 10, 6), "Просит письмо с реквизитами, оплатит на неделе")
    assert check_contact_allowed(order, now=at(23, 10, 7)) == []


def test_an_unreachable_number_gets_emails_without_calls_today_dun_7_dun_8(dun, order):
    # given yesterday's call to a number that does not exist, saved as unreachable
    call(dun, order, at(22, 10), "skype", result="invalid_number")
    order_apply_outcome(
        order_id=order.pk,
        actor=dun.operator,
        code="unreachable",
        comment="Номер не существует",
        now=at(22, 10, 5),
    )
    assert "unreachable" in fresh(order).extra["marks"]
    # then today an email needs no calls, and neither does a postponement
    assert check_contact_allowed(fresh(order), now=at(23, 12)) == []
    saved = order_apply_outcome(
        order_id=order.pk,
        actor=dun.operator,
        code="postpone",
        comment="Отправил письмо с реквизитами",
        inputs={"reason": "other"},
        now=at(23, 12, 1),
    )
    assert (saved.status, saved.bucket) == ("postponed", "worklist")


def test_a_cod_order_s_emails_are_not_judged_by_calling_discipline_dun_7(cod, now):
    assert check_contact_allowed(cod.intake(), now=now) == []


def test_a_cancel_obeys_calling_discipline_then_is_accepted_dun_4_dun_7(dun, order):
    # given one call today
    call(dun, order, at(23, 9), "skype")
    args = {
        "order_id": order.pk,
        "actor": dun.operator,
        "code": "cancel",
        "comment": "Отказался, заказ не нужен",
        "inputs": {"reason": "refused"},
    }
    # when the operator cancels, DUN-7 asks for a second call from the other line
    with pytest.raises(RuleViolations) as refused:
        order_apply_outcome(**args, now=at(23, 9, 5))
    assert pairs(refused.value.violations) == {("DUN-7", "calls")}
    assert fresh(order).status == "pending"
    # and after it the cancel is accepted: out of the worklist
    call(dun, order, at(23, 11, 30), "magna")
    saved = order_apply_outcome(**args, now=at(23, 11, 35))
    assert (saved.status, saved.bucket) == ("cancelled", "")


def test_a_comment_before_the_second_call_does_not_count_for_it_dun_7(dun, order):
    call(dun, order, at(23, 9), "skype")
    order_add_comment(order_id=order.pk, actor=dun.operator, text="Не берёт", now=at(23, 9, 2))
    call(dun, order, at(23, 11, 30), "magna")
    assert pairs(check_contact_allowed(order, now=at(23, 11, 35))) == {("DUN-7", "comment")}


# --- DUN-1/2: the bonus of the week of work ---------------------------------------------------


@pytest.mark.parametrize(
    ("today", "percent", "refused"),
    [
        (at(16, 12), 15, False),  # week 1
        (at(16, 12), 25, False),  # 25 % may be offered from the first call
        (at(23, 12), 15, False),  # week 2
        (at(6, 12, month=12), 15, False),  # week 3 (day 20)
        (at(7, 12, month=12), 15, True),  # week 4: 25 %
        (at(7, 12, month=12), 25, False),
        (at(27, 12, month=12), 25, False),  # week 6, its last day (day 41)
        (at(16, 12), 10, True),  # not a tier
    ],
)
def test_the_bonus_follows_the_week_of_work_dun_2(dun, order, today, percent, refused):
    assert work_entered_on(order) == ENTERED.date()
    found = check_bonus_allowed(order, percent=percent, now=today)
    assert pairs(found) == ({("DUN-2", "bonus_percent")} if refused else set())


def test_no_bonus_before_entering_or_after_six_weeks_dun_1(dun, order):
    waiting = pending(dun, at(20, 10), n=5)
    assert pairs(check_bonus_allowed(waiting, percent=15, now=at(23, 12))) == {
        ("DUN-1", "bonus_percent")
    }
    after = at(28, 12, month=12)  # day 42: week 7
    assert pairs(check_bonus_allowed(order, percent=25, now=after)) == {("DUN-1", "bonus_percent")}


def test_a_cod_order_s_bonus_is_not_judged_dun_2(cod, now):
    assert check_bonus_allowed(cod.intake(), percent=10, now=now) == []
