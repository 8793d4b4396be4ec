"""PICK-1/PICK-5: the partner's reports of a parcel's state — the only writer of
`Shipment` facts from a report, and through the engine's services of the order's status
and queue.

Recipe (STYLE services): transaction → the order's row lock after the access check (the
`shipments` action: a supervisor, or an integration token with the `shipments` scope;
404 outside the caller's projects) → the same (state, at) again answers with the report
received before → the pure rules (`pickup.rules`) → the facts written → the report's
timeline line and audit row (`orders.services.record(Event.REPORTED)`) → the order moved
by the playbook's effects (`orders.services.effects.effects_apply`: status, queue; each with
its own line and, for a status, the changes feed's row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop as N_

from dozvon.core.errors import DomainError, RuleViolations, violation
from dozvon.orders.services import Event, Line, bump_version, lock_order, record
from dozvon.orders.services.effects import effects_apply
from dozvon.pickup import rules
from dozvon.pickup.models import Shipment, ShipmentReport
from dozvon.pickup.services.base import (
    NO_PICKUP,
    SHIPMENTS,
    final_statuses,
    is_pickup,
    parcel_of,
    settings_of,
)
from dozvon.playbooks.automation_def import EffectDef
from dozvon.playbooks.selectors import playbook_def

WORKLIST = "pickup"  # the bucket of pick.toml's `pickup` queue (PICK-1)

TEXTS = {
    rules.SHIPPED: N_("Parcel shipped%(tracking)s (%(rule)s)"),
    rules.ARRIVED: N_(
        "Parcel arrived at the pickup point %(pickup_point)s, stored until %(storage_until)s "
        "(%(rule)s)"
    ),
    rules.COLLECTED: N_("Parcel collected by the customer (%(rule)s)"),
    rules.RETURNED: N_("Parcel returned to the shop (%(rule)s)"),
}


class ReportClash(DomainError):
    """The same (state, at) was reported before with another point, storage end or
    tracking number (an idempotency key reused for another report): 409."""

    status = 409

    def __init__(self, report_id: int):
        self.report_id = report_id
        super().__init__(f"(state, at) already reported as report {report_id}")


@dataclass(frozen=True)
class Received:
    report: ShipmentReport
    shipment: Shipment
    created: bool  # False: the same report again, nothing written


def _same(stored: ShipmentReport, report: rules.Report) -> bool:
    return (
        stored.pickup_point == report.pickup_point.strip()
        and stored.storage_until == report.storage_until
        and stored.tracking == report.tracking.strip()
    )


def _again(stored: ShipmentReport, report: rules.Report) -> Received:
    if not _same(stored, report):
        raise ReportClash(stored.pk)
    shipment = Shipment.objects.get(order_id=stored.order_id)
    return Received(stored, shipment, False)


@transaction.atomic
def shipment_report(*, order_id: int, actor, report: rules.Report, now: datetime) -> Received:
    """PICK-1: the partner reports the parcel's state. Idempotent by (state, at): the same
    report again answers with the one received before (`created` False, nothing written);
    the same (state, at) with other facts is a ReportClash (409). RuleViolations (422,
    nothing written) for an unknown state, no time or one in the future, an arrival
    without its point or storage end (PICK-1), anything after collected or returned
    (PICK-5), an order of a project whose playbook has no parcels.

    An arrival puts the order in the `arrived` status, out of every queue until
    `remind_after_days` after it (then the worker's pass, `sweep.parcels_enter`, or this
    very report when that moment has passed, routes it into the worklist); collected or
    returned closes it at once: final status, out of the queue, no claim (PICK-5)."""
    order = lock_order(order_id=order_id, actor=actor, action=SHIPMENTS)
    pb = playbook_def(order.project.playbook)
    if not is_pickup(pb):
        raise RuleViolations([violation("PICK-1", "order", NO_PICKUP)])
    if report.at is not None and report.state in rules.STATES:
        stored = ShipmentReport.objects.filter(order=order, state=report.state, at=report.at)
        if (found := stored.first()) is not None:
            return _again(found, report)
    shipment = Shipment.objects.select_for_update().filter(order=order).first()
    tz = order.project.time_zone
    problems = rules.check_report(report, parcel=parcel_of(shipment, order, pb), now=now, tz=tz)
    if problems:
        raise RuleViolations(problems)
    point, tracking = rules.normal_point(report.pickup_point), report.tracking.strip()
    saved = ShipmentReport(
        project=order.project,
        order=order,
        state=report.state,
        at=report.at,
        pickup_point=point,
        storage_until=report.storage_until,
        tracking=tracking,
        reported_by=actor if getattr(actor, "pk", None) else None,
        received_at=now,
    )
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin leaves ours usable
            saved.save(force_insert=True)
    except IntegrityError:
        found = ShipmentReport.objects.filter(order=order, state=report.state, at=report.at)
        if (twin := found.first()) is None:
            raise
        return _again(twin, report)

    conf = settings_of(pb)
    shipment = shipment or Shipment(project=order.project, order=order)
    new_status = rules.status_after(
        report.state, status=order.status, settings=conf, final_statuses=final_statuses(pb)
    )
    _facts(shipment, report, point, tracking, moved=new_status is not None, conf=conf, tz=tz)
    shipment.updated_at = now
    enters = (
        report.state == rules.ARRIVED
        and new_status is not None
        and shipment.enters_at is not None
        and shipment.enters_at <= now
    )
    if enters:
        shipment.entered_at = now
    shipment.save()
    rule = "PICK-5" if report.state in rules.FINAL_STATES else conf.rule
    record(
        Event.REPORTED,  # the partner's report; what it moves is the effects' own lines
        order=order,
        actor=actor,
        now=now,
        lines=[Line(TEXTS[report.state], _line_data(shipment, report, rule), kind="auto")],
        changes={
            "shipment": report.state,
            "at": report.at.isoformat(),
            "pickup_point": point,
            "storage_until": report.storage_until.isoformat() if report.storage_until else None,
            "tracking": tracking,
        },
    )
    effects = []
    if new_status is not None:
        effects.append(EffectDef(kind="set_status", status=new_status))
        # PICK-1: out of the queue until its time comes; PICK-5: out for good
        effects.append(EffectDef(kind="route", bucket=WORKLIST if enters else ""))
    effects_apply(
        order=order,
        effects=effects,
        actor=actor,
        reason=rule,
        now=now,
        cause={"shipment": report.state},
        pb=pb,
    )
    if report.state in rules.FINAL_STATES and order.claimed_by_id:
        # PICK-5: the parcel leaves the worklist at once, also the operator holding it
        order.claimed_by, order.claimed_at = None, None
        bump_version(order, now, ["claimed_by", "claimed_at"])
    return Received(saved, shipment, True)


def _facts(shipment: Shipment, report, point: str, tracking: str, *, moved, conf, tz) -> None:
    """The parcel's facts after the report (the rules have accepted it)."""
    shipment.state, shipment.state_at = report.state, report.at
    if tracking:
        shipment.tracking = tracking
    if report.state == rules.SHIPPED:
        shipment.shipped_at = shipment.shipped_at or report.at
    if report.state == rules.ARRIVED:
        if point != shipment.pickup_point:
            shipment.requested_point = ""  # PICK-2: the point asked for is reached
        shipment.pickup_point, shipment.storage_until = point, report.storage_until
        shipment.arrived_at = shipment.arrived_at or report.at  # PICK-4's cohort day
        shipment.last_arrived_at = report.at
        if moved:  # arrived (again): the worklist's clock starts from this arrival
            shipment.enters_at = rules.enters_worklist_at(
                report.at, days=conf.remind_after_days, tz=tz
            )
            shipment.entered_at = None
            shipment.collect_on = None
    if report.state in rules.FINAL_STATES:
        shipment.closed_at = report.at
        if shipment.arrived_at is None and report.state == rules.COLLECTED:
            shipment.arrived_at = report.at  # collected without an arrival report


def _line_data(shipment: Shipment, report: rules.Report, rule: str) -> dict:
    """What the history line shows, in words (its text is a message id, X-6)."""
    return {
        "rule": rule,
        "shipment": report.state,
        "at": report.at.isoformat(),
        "pickup_point": shipment.pickup_point or "—",
        "storage_until": shipment.storage_until.strftime("%d.%m.%Y")
        if shipment.storage_until
        else "—",
        "tracking": f" ({shipment.tracking})" if shipment.tracking else "",
    }
