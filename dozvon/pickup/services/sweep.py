"""The worker's passes over a project's parcels (PICK-1, PICK-2, PICK-3), each parcel in
its own short transaction under the order's row lock, each change at most once:

- `parcels_enter` (PICK-1): an arrived parcel whose `remind_after_days` have passed enters
  the worklist (`Shipment.entered_at` says it did: a second pass finds nothing to do);
- `promises_back` (PICK-2): a parcel the customer promised to collect and did not is
  back in the worklist the day after the promised day;
- `reminders_send` (PICK-3): two days before the storage ends, the customer's one
  reminder (`PickupReminder`, unique per order, and the outbox's own idempotency key:
  never twice, even if the task runs twice or on two workers at once).

The queue moves go through the engine's effects (`orders.services.effects.effects_apply`),
the email through the outbox (`messaging.services.message_queue`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop as N_

from dozvon.core import clock
from dozvon.core.errors import RuleViolations
from dozvon.messaging.services import message_queue
from dozvon.orders.claims import claim_is_live
from dozvon.orders.models import Order
from dozvon.orders.services import Event, Line, record
from dozvon.orders.services.base import lock_order_for_system
from dozvon.orders.services.effects import effects_apply
from dozvon.pickup import rules
from dozvon.pickup.models import PickupReminder, Shipment
from dozvon.pickup.services.base import is_pickup, settings_of
from dozvon.pickup.services.shipments import WORKLIST
from dozvon.playbooks.automation_def import EffectDef
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.models import Project

BATCH = 200  # parcels per pass and project: a pass stays short, the rest is next time
ENTER = (EffectDef(kind="route", bucket=WORKLIST),)


def pickup_projects():
    """The active projects whose playbook this plug-in runs."""
    for project in Project.objects.filter(is_active=True).select_related("playbook"):
        if is_pickup(playbook_def(project.playbook)):
            yield project


def sweep(*, now: datetime) -> dict[str, int]:
    """Every pass over every pickup project; how many parcels each moved or reminded."""
    done = {"entered": 0, "back": 0, "reminded": 0}
    for project in pickup_projects():
        done["entered"] += parcels_enter(project=project, now=now)
        done["back"] += promises_back(project=project, now=now)
        done["reminded"] += reminders_send(project=project, now=now)
    return done


def _each(ids, apply: Callable[[Order, Shipment], bool]) -> int:
    """`apply` to each parcel under its order's lock (the system's: the worker works every
    pickup project), one transaction each; how many it changed."""
    changed = 0
    for shipment_id, order_id in ids:
        with transaction.atomic():
            order = lock_order_for_system(order_id)
            shipment = Shipment.objects.select_for_update().filter(pk=shipment_id).first()
            if order is None or shipment is None:
                continue
            changed += bool(apply(order, shipment))
    return changed


def parcels_enter(*, project, now: datetime) -> int:
    """PICK-1: arrived parcels whose time has come enter the `pickup` worklist."""
    pb = playbook_def(project.playbook)
    arrived = settings_of(pb).statuses.get(rules.ARRIVED, rules.ARRIVED)
    due = (
        Shipment.objects.filter(
            project=project, state=rules.ARRIVED, entered_at__isnull=True, enters_at__lte=now
        )
        .order_by("enters_at", "pk")
        .values_list("pk", "order_id")[:BATCH]
    )

    def enter(order: Order, shipment: Shipment) -> bool:
        if shipment.state != rules.ARRIVED or shipment.entered_at is not None:
            return False
        if claim_is_live(order, now=now):
            return False  # an operator holds it: next pass
        shipment.entered_at, shipment.updated_at = now, now
        shipment.save(update_fields=["entered_at", "updated_at"])
        if order.status != arrived or order.bucket:
            return False  # already worked on, or in a queue: nothing to route
        effects_apply(
            order=order,
            effects=ENTER,
            reason=settings_of(pb).rule,
            now=now,
            event=Event.TRIGGER,
            cause={"shipment": rules.ARRIVED},
            pb=pb,
        )
        return True

    return _each(list(due), enter)


def promises_back(*, project, now: datetime) -> int:
    """PICK-2: a parcel still at its point the day after the customer promised to collect
    it is back in the worklist (once: it is then in the queue, and a new promise starts
    over)."""
    pb = playbook_def(project.playbook)
    conf = settings_of(pb)
    if not conf.back_after_promise or rules.WILL_COLLECT not in pb.outcomes:
        return 0
    promised = pb.outcomes[rules.WILL_COLLECT].status
    today = clock.local_date(now, project.time_zone)
    due = (
        Shipment.objects.filter(
            project=project,
            state=rules.ARRIVED,
            collect_on__lt=today,
            order__status=promised,
            order__bucket="",
        )
        .order_by("collect_on", "pk")
        .values_list("pk", "order_id")[:BATCH]
    )

    def back(order: Order, shipment: Shipment) -> bool:
        if order.status != promised or order.bucket or shipment.state != rules.ARRIVED:
            return False
        if not rules.back_in_worklist(shipment.collect_on, today=today):
            return False
        if claim_is_live(order, now=now):
            return False
        effects_apply(
            order=order,
            effects=ENTER,
            reason=pb.outcomes[rules.WILL_COLLECT].rule,
            now=now,
            event=Event.TRIGGER,
            cause={"shipment": "promise_missed"},
            pb=pb,
        )
        return True

    return _each(list(due), back)


def reminders_send(*, project, now: datetime) -> int:
    """PICK-3: the customer's one reminder, `days_before` days before the storage ends."""
    pb = playbook_def(project.playbook)
    conf = settings_of(pb)
    today = clock.local_date(now, project.time_zone)
    final = [s.code for s in pb.statuses.values() if s.final]
    due = (
        Shipment.objects.filter(
            project=project,
            state=rules.ARRIVED,
            storage_until__gte=today,
            storage_until__lte=today + timedelta(days=conf.reminder_days_before),
            order__pickup_reminder__isnull=True,
        )
        .exclude(order__status__in=[*final, *conf.reminder_skip])
        .order_by("storage_until", "pk")
        .values_list("pk", "order_id")[:BATCH]
    )

    def remind(order: Order, shipment: Shipment) -> bool:
        status = pb.statuses.get(order.status)
        if (status is not None and status.final) or order.status in conf.reminder_skip:
            return False
        if not rules.reminder_due(
            shipment.storage_until, today=today, days_before=conf.reminder_days_before
        ):
            return False
        if PickupReminder.objects.filter(order=order).exists():
            return False  # the lock serialises this with any other worker's insert
        reminder = PickupReminder(
            project=project, order=order, storage_until=shipment.storage_until, at=now
        )
        try:
            with transaction.atomic():
                reminder.save(force_insert=True)
        except IntegrityError:
            return False  # another worker reminded first
        try:
            message, _queued = message_queue(
                order=order,
                template=conf.reminder_template,
                reason=conf.reminder_rule,
                actor=None,
                now=now,
                extra_context={"due_date": shipment.storage_until},
            )
        except RuleViolations as refused:
            # nothing to send it with (no template, no valid address): said once
            fields = {v.field for v in refused.violations}
            reminder.problem = "; ".join(f"{v.rule}:{v.field}" for v in refused.violations)[:200]
            reminder.save(update_fields=["problem"])
            text = (
                N_('Reminder not sent (%(rule)s): no active template "%(template)s"')
                if "template" in fields
                else N_("Reminder not sent (%(rule)s): no valid customer address")
            )
            data = {"rule": conf.reminder_rule, "template": conf.reminder_template}
            record(
                Event.TRIGGER,
                order=order,
                actor=None,
                now=now,
                lines=[Line(text, data, kind="auto")],
                changes={**data, "problem": reminder.problem},
            )
            return True
        reminder.message = message
        reminder.save(update_fields=["message"])
        return True

    return _each(list(due), remind)
