"""The worker's passes (dozvon.pickup.services.sweep): PICK-1's worklist after
`remind_after_days`, PICK-2's missed promise back in it, PICK-3's one reminder."""

from __future__ import annotations

from datetime import timedelta

from dozvon.history.models import TimelineEntry
from dozvon.messaging.models import OutboxMessage
from dozvon.orders.models import Order
from dozvon.pickup.models import PickupReminder, Shipment
from dozvon.pickup.services import sweep
from dozvon.pickup.tasks import pickup_sweep, schedule_pickup_sweep
from dozvon.queues.services import queue_take_next
from tests.conftest import NOW


def test_pick1_an_arrived_parcel_enters_the_worklist_remind_after_days_later(pick):
    # given a parcel that arrived today
    order = pick.order()
    pick.arrive(order, NOW - timedelta(hours=1))
    # the next day it is still in no queue
    sweep(now=NOW + timedelta(days=1))
    assert Order.objects.get(pk=order.pk).bucket == ""
    # two days later (from the start of that day) it is in the worklist and handed out
    enters = Shipment.objects.get(order=order).enters_at
    assert sweep(now=enters)["entered"] == 1
    assert Order.objects.get(pk=order.pk).bucket == "pickup"
    taken = queue_take_next(
        project=pick.project, queue_code="pickup", actor=pick.operator, now=enters
    )
    assert taken.pk == order.pk
    # a second pass does nothing more
    assert sweep(now=enters + timedelta(minutes=15))["entered"] == 0


def test_pick2_a_missed_promise_comes_back_the_day_after(pick):
    order = pick.order()
    pick.arrive(order, NOW - timedelta(days=3), until=(NOW + timedelta(days=4)).date())
    pick.call(order)
    pick.save(order, "will_collect", collect_on=NOW.date() + timedelta(days=1))
    assert Order.objects.get(pk=order.pk).bucket == ""
    # on the promised day nothing happens; the day after it is back in the worklist
    sweep(now=NOW + timedelta(days=1))
    assert Order.objects.get(pk=order.pk).bucket == ""
    assert sweep(now=NOW + timedelta(days=2))["back"] == 1
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.bucket) == ("will_collect", "pickup")
    assert sweep(now=NOW + timedelta(days=2, hours=1))["back"] == 0


def test_pick3_one_reminder_two_days_before_the_storage_ends_never_twice(pick):
    # given a parcel stored until the day after tomorrow, and one stored longer
    order = pick.order()
    pick.arrive(order, NOW - timedelta(days=5), until=NOW.date() + timedelta(days=2))
    later = pick.order(1, email="later@example.org")
    pick.arrive(later, NOW - timedelta(days=1), until=NOW.date() + timedelta(days=6))
    # when the task runs twice
    assert sweep(now=NOW)["reminded"] == 1
    assert sweep(now=NOW + timedelta(minutes=15))["reminded"] == 0
    # then one email went to the customer, with the day the storage ends
    (email,) = OutboxMessage.objects.filter(order=order)
    assert email.template == "pickup_reminder" and email.to == "buyer@example.org"
    assert (NOW.date() + timedelta(days=2)).strftime("%d.%m.%Y") in email.body_text
    assert PickupReminder.objects.get(order=order).message == email
    assert not OutboxMessage.objects.filter(order=later).exists()
    # even the next days, and after the storage was extended
    sweep(now=NOW + timedelta(days=1))
    pick.report(
        order,
        "arrived",
        NOW + timedelta(days=1),
        point="ПВЗ на Ленина",
        until=NOW.date() + timedelta(days=5),
        now=NOW + timedelta(days=1),
    )
    sweep(now=NOW + timedelta(days=3))
    assert OutboxMessage.objects.filter(order=order).count() == 1


def test_pick3_a_customer_without_an_address_is_said_once(pick):
    order = pick.order(email="")
    pick.arrive(order, NOW - timedelta(days=5), until=NOW.date() + timedelta(days=1))
    sweep(now=NOW)
    sweep(now=NOW + timedelta(hours=1))
    assert not OutboxMessage.objects.filter(order=order).exists()
    assert PickupReminder.objects.get(order=order).problem
    lines = TimelineEntry.objects.filter(order=order, text__startswith="Reminder not sent")
    assert lines.count() == 1


def test_pick3_no_reminder_for_a_refused_or_collected_parcel(pick):
    refused = pick.order()
    pick.arrive(refused, NOW - timedelta(days=5), until=NOW.date() + timedelta(days=1))
    pick.call(refused)
    pick.save(refused, "refuses", reason="changed_mind")
    collected = pick.order(1)
    pick.arrive(collected, NOW - timedelta(days=5), until=NOW.date() + timedelta(days=1))
    pick.report(collected, "collected", NOW - timedelta(hours=1), now=NOW)
    assert sweep(now=NOW)["reminded"] == 0
    assert not OutboxMessage.objects.filter(order__in=[refused, collected]).exists()


def test_the_worker_schedules_one_chain_of_sweeps(pick, settings):
    assert schedule_pickup_sweep() is True
    assert schedule_pickup_sweep() is False  # one already waits
    assert pickup_sweep.module_path.endswith("pickup_sweep")
