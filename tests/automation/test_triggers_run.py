"""Playbook triggers run by the worker (issue 11): DUN-1's worklist entry after 7 calendar
days and exit 6 weeks later, DUN-8's count of contacts, a switched-off trigger; each
automatic action once, with its timeline line (X-6)."""

from datetime import datetime, timedelta

import pytest
from django.utils import translation

from dozvon.audit.models import AuditEntry
from dozvon.automation.models import TriggerRun
from dozvon.automation.services import triggers_run
from dozvon.history.models import TimelineEntry, TimelineKind
from dozvon.orders.selectors import timeline_text
from dozvon.orders.services.calling import call_attempt_record
from dozvon.playbooks.selectors import playbook_def
from dozvon.queues.services import queue_take_next
from tests.automation.support import (
    MSK,
    PLAYBOOK,
    automatic_lines,
    dun_world,
    fresh,
    load_dun,
    pending_order,
    runs,
)

CREATED = datetime(2026, 11, 1, 23, 50, tzinfo=MSK)  # late on the 1st, Moscow time


@pytest.fixture
def dun(db, tmp_path, now):
    return dun_world(tmp_path, now)


def test_an_order_enters_the_worklist_seven_calendar_days_after_creation_dun_1(dun):
    # given a pending bank transfer created on the 1st at 23:50, Moscow time
    order = pending_order(dun, CREATED)
    assert fresh(order).bucket == ""
    # when the triggers run on the 7th at 23:59
    triggers_run(project=dun.project, now=datetime(2026, 11, 7, 23, 59, tzinfo=MSK))
    # then it is not in the worklist yet
    assert fresh(order).bucket == "" and runs(order, "enter_worklist") == 0
    # when they run again just after midnight, 6 days and 20 minutes after creation
    entered_at = datetime(2026, 11, 8, 0, 10, tzinfo=MSK)
    assert triggers_run(project=dun.project, now=entered_at) == 1
    # then it entered the worklist, due now, with an automatic line saying why
    order = fresh(order)
    assert (order.status, order.bucket, order.due_at) == ("pending", "worklist", entered_at)
    (line,) = automatic_lines(order, trigger="enter_worklist")
    assert line.actor is None and line.at == entered_at
    assert line.data["rule"] == "DUN-1" and line.data["effect"] == "route"
    with translation.override("en"):
        text = timeline_text(line, playbook_def(dun.project.playbook))
    assert text == 'Entered the queue "Рабочий список" automatically (DUN-1)'


def test_a_card_payment_or_an_order_of_six_days_stays_out_dun_1(dun):
    # given a card order and a bank transfer created a day later
    card = pending_order(dun, CREATED, payment_method="card", n=1)
    later = pending_order(dun, CREATED + timedelta(hours=1), n=2)  # the 2nd at 00:50
    # when the triggers run on the 8th
    triggers_run(project=dun.project, now=datetime(2026, 11, 8, 12, tzinfo=MSK))
    # then neither entered
    assert fresh(card).bucket == "" and fresh(later).bucket == ""


def test_the_order_leaves_the_worklist_six_weeks_after_entering_it_dun_1(dun):
    # given an order that entered the worklist on the 8th
    order = pending_order(dun, CREATED)
    triggers_run(project=dun.project, now=datetime(2026, 11, 8, 0, 10, tzinfo=MSK))
    # when the triggers run on the last day of the sixth week
    triggers_run(project=dun.project, now=datetime(2026, 12, 19, 23, 59, tzinfo=MSK))
    # then it is still there
    assert fresh(order).bucket == "worklist"
    # when they run on the first minute of the seventh week
    left_at = datetime(2026, 12, 20, 0, 1, tzinfo=MSK)
    triggers_run(project=dun.project, now=left_at)
    # then it left the worklist, status kept, with its line
    order = fresh(order)
    assert (order.status, order.bucket, order.due_at) == ("pending", "", None)
    (line,) = automatic_lines(order, trigger="leave_worklist")
    assert line.data["bucket"] == "worklist" and line.at == left_at
    # and later runs do not bring it back in: entering happens once per order
    triggers_run(project=dun.project, now=left_at + timedelta(days=2))
    assert fresh(order).bucket == "" and runs(order, "enter_worklist") == 1


def test_a_trigger_run_twice_does_nothing_the_second_time_dun_1(dun):
    # given an order due to enter the worklist
    order = pending_order(dun, CREATED)
    at = datetime(2026, 11, 8, 9, tzinfo=MSK)
    assert triggers_run(project=dun.project, now=at) == 1
    before = (
        fresh(order).version,
        TimelineEntry.objects.filter(order=order).count(),
        AuditEntry.objects.filter(target_id=str(order.pk)).count(),
        TriggerRun.objects.count(),
    )
    # when the same run happens again, and again a minute later
    assert triggers_run(project=dun.project, now=at) == 0
    assert triggers_run(project=dun.project, now=at + timedelta(minutes=1)) == 0
    # then nothing more was written: no line, no audit row, no run, no version
    after = (
        fresh(order).version,
        TimelineEntry.objects.filter(order=order).count(),
        AuditEntry.objects.filter(target_id=str(order.pk)).count(),
        TriggerRun.objects.count(),
    )
    assert after == before
    assert len(automatic_lines(order, trigger="enter_worklist")) == 1


def _in_worklist(dun, n=0):
    order = pending_order(dun, CREATED, n=n)
    triggers_run(project=dun.project, now=datetime(2026, 11, 8, 9, tzinfo=MSK))
    return fresh(order)


def _calls(dun, order, count, start=datetime(2026, 11, 9, 10, tzinfo=MSK)):
    for i in range(count):
        at = start + timedelta(hours=i)
        call_attempt_record(order_id=order.pk, actor=dun.operator, result="no_answer", now=at)


def test_more_than_seven_contacts_send_the_final_offer_and_cancel_dun_8(dun):
    # given two orders in the worklist, one called 7 times, the other 8
    seven, eight = _in_worklist(dun, n=1), _in_worklist(dun, n=2)
    _calls(dun, seven, 7)
    _calls(dun, eight, 8)
    # when the triggers run
    at = datetime(2026, 11, 10, 9, tzinfo=MSK)
    assert triggers_run(project=dun.project, now=at) == 1
    # then only the one with more than 7 is cancelled and out of the worklist
    assert (fresh(seven).status, fresh(seven).bucket) == ("pending", "worklist")
    eight = fresh(eight)
    assert (eight.status, eight.status_group, eight.bucket) == ("cancelled", "closed", "")
    # with a line for the final offer (not sent: the project has no such template, X-9)
    # and one for the cancellation
    offer, cancel = automatic_lines(eight, trigger="too_many_contacts")
    assert (offer.data["effect"], offer.data["template"]) == ("send_message", "final_bonus_25")
    assert (cancel.data["effect"], cancel.data["from"], cancel.data["to"]) == (
        "cancel",
        "pending",
        "cancelled",
    )
    with translation.override("en"):
        pb = playbook_def(dun.project.playbook)
        assert timeline_text(offer, pb) == (
            'Email not sent (DUN-8): no active template "final_bonus_25"'
        )
        assert timeline_text(cancel, pb) == (
            "Cancelled automatically: Ожидает оплаты → Отменён (DUN-8)"
        )
    # and one audit row for the trigger's actions, by nobody
    (audit,) = AuditEntry.objects.filter(target_id=str(eight.pk), action="order.trigger").exclude(
        changes__trigger="enter_worklist"
    )
    assert audit.actor is None and audit.changes["rule"] == "DUN-8"


def test_messages_count_with_calls_dun_8(dun):
    # given an order called 6 times that was sent 2 messages (X-9 message lines; until
    # the messages issue lands nothing else writes them)
    order = _in_worklist(dun)
    _calls(dun, order, 6)
    for i in range(2):
        TimelineEntry.objects.create(
            order=order, kind=TimelineKind.MESSAGE, at=CREATED + timedelta(days=8, hours=i)
        )
    # when the triggers run
    triggers_run(project=dun.project, now=datetime(2026, 11, 10, 9, tzinfo=MSK))
    # then 6 + 2 = 8 contacts is more than 7: cancelled
    assert fresh(order).status == "cancelled"


def test_an_order_an_operator_is_working_on_waits_for_the_next_run_cod_9_dun_8(dun):
    # given an order over the contact limit that an operator has just taken
    order = _in_worklist(dun)
    _calls(dun, order, 8)
    at = datetime(2026, 11, 10, 9, tzinfo=MSK)
    assert (
        queue_take_next(project=dun.project, queue_code="worklist", actor=dun.operator, now=at)
        == order
    )
    # when the triggers run while the claim is live
    assert triggers_run(project=dun.project, now=at + timedelta(minutes=2)) == 0
    # then the order is left alone; once the claim has expired, the next run acts
    assert fresh(order).status == "pending"
    assert triggers_run(project=dun.project, now=at + timedelta(minutes=11)) == 1
    assert fresh(order).status == "cancelled"


def test_a_switched_off_trigger_does_nothing_and_acts_once_switched_on_dun_8(dun, tmp_path):
    # given a pending card order two days old; the nightly clean-up is switched off
    order = pending_order(dun, CREATED, payment_method="card")
    at = datetime(2026, 11, 3, 9, tzinfo=MSK)
    lines = TimelineEntry.objects.filter(order=order).count()
    # when the triggers run
    assert triggers_run(project=dun.project, now=at) == 0
    # then nothing happened
    assert fresh(order).status == "pending" and runs(order, "nightly_cleanup") == 0
    assert TimelineEntry.objects.filter(order=order).count() == lines
    # when the supervisor switches it on (the playbook file reloaded) and it runs
    switched_on = PLAYBOOK.replace("enabled = false", "enabled = true")
    load_dun(tmp_path, at, text=switched_on.replace("version = 1", "version = 2", 1))
    dun.project.refresh_from_db()
    assert triggers_run(project=dun.project, now=at) == 1
    # then it cancels the order
    assert fresh(order).status == "cancelled" and runs(order, "nightly_cleanup") == 1
