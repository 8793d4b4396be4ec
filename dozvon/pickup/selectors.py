"""PICK's reads: an order's parcel (the card's panel, the API), and PICK-4's buyout per
arrival day and operator."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from dozvon.calls.models import CallAttempt, CallResult
from dozvon.core.errors import Forbidden, NotFound
from dozvon.orders.models import Order
from dozvon.pickup import rules
from dozvon.pickup.models import PickupReminder, Shipment, ShipmentReport
from dozvon.pickup.services.base import SHIPMENTS
from dozvon.projects.access import READ, may, role_of

NOBODY = N_("Nobody reached")  # PICK-4: the parcels no operator reached (translated when read)


def order_for_shipments(*, order_id: int, actor) -> Order:
    """The order whose parcel the caller may read: whoever reads the order, or the
    partner's token with the `shipments` scope (X-13). 404 outside the caller's
    projects, 403 for a role that may do neither."""
    order = (
        Order.objects.select_related("project", "project__playbook", "customer")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound()
    role = role_of(actor, order.project)
    if role is None:
        raise NotFound()
    if not (may(actor, order.project, role, READ) or may(actor, order.project, role, SHIPMENTS)):
        raise Forbidden()
    return order


def shipment_of(order: Order) -> Shipment | None:
    return Shipment.objects.filter(order=order).select_related("worked_by").first()


def reports_of(order: Order) -> list[ShipmentReport]:
    return list(ShipmentReport.objects.filter(order=order).order_by("at", "pk"))


@dataclass(frozen=True)
class ParcelPanel:
    """What the card shows of the parcel (PICK-1…3)."""

    shipment: Shipment | None
    reports: list[ShipmentReport]
    reminder: PickupReminder | None
    days_left: int | None  # until the storage ends (0: today is the last day)
    today: date


def parcel_panel(order: Order, *, today: date) -> ParcelPanel:
    shipment = shipment_of(order)
    until = shipment.storage_until if shipment else None
    return ParcelPanel(
        shipment=shipment,
        reports=reports_of(order) if shipment else [],
        reminder=PickupReminder.objects.filter(order=order).select_related("message").first()
        if shipment
        else None,
        days_left=(until - today).days if until else None,
        today=today,
    )


# --- PICK-4: buyout ------------------------------------------------------------------------


def _local_range(project, start: date, end: date) -> tuple[datetime, datetime]:
    return (
        rules.day_start(start, project.time_zone),
        rules.day_start(end + timedelta(days=1), project.time_zone),
    )


def buyout_rows(project, *, start: date, end: date) -> list[dict[str, Any]]:
    """PICK-4 per arrival day (the project's local day of a parcel's first arrival) and
    operator — the one who reached the customer last after the arrival (an answered
    call, a saved result about the parcel), None for the parcels nobody reached: parcels
    arrived, collected, returned and still waiting; the buyout share is the registry's
    ratio collected / arrived. Three statements whatever the range."""
    since, until = _local_range(project, start, end)
    parcels = list(
        Shipment.objects.filter(project=project, arrived_at__gte=since, arrived_at__lt=until)
        .values_list("order_id", "state", "arrived_at", "worked_by_id", "worked_at")
        .order_by("arrived_at", "order_id")
    )
    work: dict[int, list[rules.Worked]] = defaultdict(list)
    for order_id, _state, _arrived, worked_by, worked_at in parcels:
        if worked_by is not None and worked_at is not None:
            work[order_id].append(rules.Worked(worked_by, worked_at))
    answered = CallAttempt.objects.filter(
        order_id__in=[p[0] for p in parcels],
        result=CallResult.ANSWERED,
        operator__isnull=False,
    ).values_list("order_id", "operator_id", "started_at")
    for order_id, operator_id, started_at in answered:
        work[order_id].append(rules.Worked(operator_id, started_at))
    rows: dict[tuple[date, int | None], dict[str, Any]] = {}
    for order_id, state, arrived_at, _w, _a in parcels:
        day = rules.local_day(arrived_at, project.time_zone)
        operator = rules.reached_by(work.get(order_id, ()), since=arrived_at)
        row = rows.setdefault(
            (day, operator),
            {
                "day": day,
                "operator": operator,
                "arrived": 0,
                "collected": 0,
                "returned": 0,
                "waiting": 0,
            },
        )
        row["arrived"] += 1
        if state == rules.COLLECTED:
            row["collected"] += 1
        elif state == rules.RETURNED:
            row["returned"] += 1
        else:
            row["waiting"] += 1
    names = _names({op for _day, op in rows if op is not None})
    for row in rows.values():
        op = row["operator"]
        row["operator_name"] = names.get(op, str(op)) if op is not None else gettext(NOBODY)
    return [rows[k] for k in sorted(rows, key=lambda k: (k[0], k[1] is not None, k[1] or 0))]


def _names(ids: set[int]) -> dict[int, str]:
    people = get_user_model().objects.filter(pk__in=ids)
    return {u.pk: (u.get_full_name() or "").strip() or u.get_username() for u in people}
