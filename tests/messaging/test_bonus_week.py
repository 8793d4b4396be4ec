"""DUN-1/2: a bonus offer names the percent its order's week of work allows — 15 % in weeks
1–3 (or 25 % from the first call), 25 % in weeks 4–6 — counted from the day the order
entered the worklist (DUN-1's `enter_worklist` trigger, project time zone); none before
that, none after the sixth week. Through the operator's "send" and the API."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dozvon.automation.models import TriggerRun
from dozvon.automation.services import triggers_run
from dozvon.core.errors import RuleViolations
from dozvon.customers.services import CustomerInput
from dozvon.messaging.demo import seed_demo_templates
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.services import message_send_now
from dozvon.orders import services as svc

MSK = ZoneInfo("Europe/Moscow")
CREATED = datetime(2026, 11, 2, 10, tzinfo=MSK)  # a Monday
ENTERED = datetime(2026, 11, 9, 15, 30, tzinfo=MSK)  # 7 days later: week 1 starts 09.11
WEEK_1 = datetime(2026, 11, 15, 23, 30, tzinfo=MSK)  # Sunday night, still week 1
WEEK_4 = datetime(2026, 11, 30, 0, 30, tzinfo=MSK)  # just past midnight: week 4
WEEK_6 = datetime(2026, 12, 20, 20, 0, tzinfo=MSK)
WEEK_7 = datetime(2026, 12, 21, 9, 0, tzinfo=MSK)


@pytest.fixture
def dun_mail(dun):
    seed_demo_templates(dun.project)
    return dun


def _order(world, n=0):
    order, _ = svc.order_intake(
        project=world.project,
        actor=world.partner,
        external_id=f"DUN-{500 + n}",
        customer=CustomerInput(
            name="Сидоров Сидор", phone=f"+7916222{3300 + n:04d}", email=f"payer{n}@example.com"
        ),
        items=[svc.ItemInput(world.products[0].sku, 4)],
        payment_method="bank_transfer",
        created_at=CREATED,
        now=CREATED,
    )
    return _emails_at_once(order)


def _emails_at_once(order):
    """Test setup: the number is marked unreachable, so DUN-7 lets emails go without the
    day's calls (DUN-8) and these tests see only the rule they are about."""
    order.refresh_from_db()
    order.extra = {**order.extra, "marks": {**order.extra.get("marks", {}), "unreachable": "x"}}
    order.save(update_fields=["extra"])
    return order


def _entered(world, order):
    triggers_run(project=world.project, now=ENTERED)
    assert TriggerRun.objects.filter(order=order, trigger="enter_worklist").exists()
    return order


def _offer(world, order, percent, now, template="bonus_offer"):
    return message_send_now(
        order_id=order.pk, template=template, bonus_percent=percent, actor=world.operator, now=now
    )


def _refused(world, order, percent, now) -> set[tuple[str, str]]:
    before = OutboxMessage.objects.count()
    with pytest.raises(RuleViolations) as refused:
        _offer(world, order, percent, now)
    assert OutboxMessage.objects.count() == before  # nothing written
    return {(v.rule, v.field) for v in refused.value.violations}


def test_no_bonus_before_the_order_entered_the_worklist_dun_1(dun_mail):
    order = _order(dun_mail)
    assert _refused(dun_mail, order, 25, WEEK_1) == {("DUN-1", "bonus_percent")}


def test_weeks_one_to_three_offer_15_or_already_25_dun_2(dun_mail):
    order = _entered(dun_mail, _order(dun_mail))
    fifteen, queued = _offer(dun_mail, order, 15, WEEK_1)
    assert queued and fifteen.bonus_percent == 15
    assert "бонус 15 %" in fifteen.body_text and "1 уп." in fifteen.body_text  # 4 × 15 % → 1
    twenty_five, queued = _offer(dun_mail, order, 25, WEEK_1)
    assert queued and twenty_five.bonus_percent == 25


def test_weeks_four_to_six_offer_25_only_dun_2(dun_mail):
    order = _entered(dun_mail, _order(dun_mail))
    assert _refused(dun_mail, order, 15, WEEK_4) == {("DUN-2", "bonus_percent")}
    message, queued = _offer(dun_mail, order, 25, WEEK_6)
    assert queued and message.bonus_percent == 25


def test_no_bonus_after_the_sixth_week_dun_1(dun_mail):
    order = _entered(dun_mail, _order(dun_mail))
    assert _refused(dun_mail, order, 25, WEEK_7) == {("DUN-1", "bonus_percent")}
    # the final offer's fixed +25 % too (DUN-8 runs only in the worklist's weeks)
    with pytest.raises(RuleViolations):
        _offer(dun_mail, order, None, WEEK_7, template="final_bonus_offer")


def test_emails_without_a_bonus_are_not_held_by_the_week_dun_4(dun_mail):
    order = _order(dun_mail)  # not in the worklist yet
    message, queued = message_send_now(
        order_id=order.pk, template="bank_details", actor=dun_mail.operator, now=WEEK_7
    )
    assert queued and message.bonus_percent is None


def test_the_api_refuses_a_bonus_the_week_does_not_allow_and_sends_one_it_does_dun_2(
    dun_mail, api_for
):
    order = _entered(dun_mail, _order(dun_mail))
    api = api_for(dun_mail.operator)
    url = f"/orders/{order.pk}/messages"
    with time_machine.travel(WEEK_4, tick=False):
        refused = api.post(url, {"template": "bonus_offer", "bonus_percent": 15})
        accepted = api.post(url, {"template": "bonus_offer", "bonus_percent": 25})
    assert refused.status_code == 422, refused.data
    assert [(e["rule"], e["field"]) for e in refused.data["errors"]] == [("DUN-2", "bonus_percent")]
    assert accepted.status_code == 202, accepted.data
    assert accepted.data["bonus_percent"] == 25
    assert OutboxMessage.objects.filter(order=order).count() == 1


def test_an_operator_email_waits_for_the_days_calls_and_comment_dun_7(dun_mail):
    order = _entered(dun_mail, _order(dun_mail, n=7))
    order.extra = {}  # the number is not marked unreachable: calls come first
    order.save(update_fields=["extra"])
    before = OutboxMessage.objects.count()
    with pytest.raises(RuleViolations) as refused:
        message_send_now(
            order_id=order.pk, template="bank_details", actor=dun_mail.operator, now=WEEK_1
        )
    assert ("DUN-7", "calls") in {(v.rule, v.field) for v in refused.value.violations}
    assert OutboxMessage.objects.count() == before  # nothing queued, no task
