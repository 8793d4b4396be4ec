"""PICK's API (API.md round 3), added to /api/v1/ through `plugins.API`: the partner's
shipment reports (PICK-1, scope `shipments`) and an order's parcel. The results of a call
about a parcel (PICK-2) are the contract's `POST /orders/{id}/outcome`, whose body takes
the day and the point the plug-in declares (`pickup.fields`). Thin handlers over
`pickup.services`/`selectors`; the shared kit (dozvon.httpkit) gives the error shapes
and types."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from dozvon.core import clock
from dozvon.core.errors import NotFound
from dozvon.httpkit.api_fields import Day, Strict
from dozvon.httpkit.api_schemas import Moment, responses
from dozvon.httpkit.api_serializers import iso
from dozvon.orders.selectors import order_queue_code
from dozvon.pickup import rules
from dozvon.pickup.models import Shipment, ShipmentReport
from dozvon.pickup.selectors import order_for_shipments, shipment_of
from dozvon.pickup.services import ReportClash, shipment_report
from dozvon.pickup.services.base import is_pickup
from dozvon.playbooks.selectors import playbook_def

router = Router(tags=["pickup"])


class ShipmentIn(Strict):
    state: Annotated[str, Field(max_length=16)] = Field(
        description="`shipped`, `arrived`, `collected` or `returned` (PICK-1)."
    )
    at: Moment | None = Field(
        None,
        description="When the parcel reached that state (ISO 8601; without an offset: the "
        "project's time zone). With `state`, the idempotency key.",
    )
    pickup_point: Annotated[str, Field(max_length=rules.POINT_MAX)] | None = Field(
        None, description="The point the parcel waits at (required with `arrived`)."
    )
    storage_until: Day | None = Field(
        None, description="The last day it is kept there (required with `arrived`)."
    )
    tracking: Annotated[str, Field(max_length=rules.TRACKING_MAX)] | None = None


class ReportOut(Schema):
    state: str
    at: str
    received_at: str


class ShipmentOut(Schema):
    order: int
    external_id: str | None
    state: str = Field(description="The parcel's last reported state.")
    pickup_point: str
    storage_until: date | None
    tracking: str
    arrived_at: str | None = Field(description="Its first arrival (PICK-4's day).")
    enters_worklist_at: str | None = Field(
        description="PICK-1: when an arrived, uncollected parcel enters the worklist."
    )
    collect_on: date | None = Field(description="PICK-2: the day the customer will collect.")
    extension_asked: bool = Field(description="PICK-2: the partner was asked to extend.")
    requested_point: str = Field(description="PICK-2: the point the customer asked for.")
    status: str = Field(description="The order's status (the playbook's code).")
    status_group: str
    queue: str | None = Field(description="The tab the order is in, null when in none.")
    report: ReportOut | None = Field(
        None,
        description="The report this answer is for (POST): the one received before "
        "when the same (state, at) came again.",
    )


class ClashOut(Schema):
    detail: str
    report: dict[str, Any]


def _aware(value: datetime | None, tz: str) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=ZoneInfo(tz))


def shipment_out(order, shipment: Shipment | None, tz: str, report=None) -> dict[str, Any]:
    s = shipment
    return {
        "order": order.pk,
        "external_id": order.external_id,
        "state": s.state if s else "",
        "pickup_point": s.pickup_point if s else "",
        "storage_until": s.storage_until if s else None,
        "tracking": s.tracking if s else "",
        "arrived_at": iso(s.arrived_at, tz) if s else None,
        "enters_worklist_at": iso(s.enters_at, tz) if s else None,
        "collect_on": s.collect_on if s else None,
        "extension_asked": bool(s and s.extension_asked_for),
        "requested_point": s.requested_point if s else "",
        "status": order.status,
        "status_group": order.status_group,
        "queue": order_queue_code(order, now=clock.now()),
        "report": _report_out(report, tz) if report is not None else None,
    }


def _report_out(report: ShipmentReport, tz: str) -> dict[str, Any]:
    return {
        "state": report.state,
        "at": iso(report.at, tz),
        "received_at": iso(report.received_at, tz),
    }


def _answer(order_id: int, actor, report=None) -> dict[str, Any]:
    order = order_for_shipments(order_id=order_id, actor=actor)
    return shipment_out(order, shipment_of(order), order.project.time_zone, report)


@router.post(
    "/orders/{order_id}/shipment",
    response=responses({200: ShipmentOut, 201: ShipmentOut}, conflict=ClashOut, body=True),
    summary="PICK-1: the partner reports the parcel's state; 201 recorded, 200 the same "
    "(state, at) again",
    description="A supervisor, or an integration token with the `shipments` scope (X-13); "
    "an operator or a token without the scope gets 403, an order outside the caller's "
    "projects 404. Idempotent by (`state`, `at`): the same pair again answers 200 with "
    "nothing changed; with another point, storage end or tracking number 409. `arrived` "
    "puts the order out of every queue until `remind_after_days` after the arrival, then "
    "into the `pickup` worklist; `collected` and `returned` close it at once (PICK-5). "
    "422 names the rule and the field: an unknown state, no time or one in the future, "
    "an arrival without `pickup_point` or `storage_until` (PICK-1), any report after "
    "collected or returned (PICK-5).",
)
def report_shipment(request, order_id: int, payload: ShipmentIn):
    order = order_for_shipments(order_id=order_id, actor=request.auth)
    tz = order.project.time_zone
    try:
        received = shipment_report(
            order_id=order_id,
            actor=request.auth,
            report=rules.Report(
                state=payload.state,
                at=_aware(payload.at, tz),
                pickup_point=payload.pickup_point or "",
                storage_until=payload.storage_until,
                tracking=payload.tracking or "",
            ),
            now=clock.now(),
        )
    except ReportClash as exc:
        stored = ShipmentReport.objects.get(pk=exc.report_id)
        detail = gettext(
            "This state and time were reported before with another pickup point, storage "
            "end or tracking number."
        )
        return Status(409, {"detail": detail, "report": _report_out(stored, tz)})
    return Status(
        201 if received.created else 200, _answer(order_id, request.auth, received.report)
    )


@router.get(
    "/orders/{order_id}/shipment",
    response=responses({200: ShipmentOut}),
    summary="The order's parcel as last reported, and what the calls decided (PICK-1, PICK-2)",
    description="Readable by whoever reads the order and by a `shipments` token.",
)
def get_shipment(request, order_id: int):
    order = order_for_shipments(order_id=order_id, actor=request.auth)
    if not is_pickup(playbook_def(order.project.playbook)):
        raise NotFound()  # an order whose playbook has no parcels has no shipment
    return shipment_out(order, shipment_of(order), order.project.time_zone)
