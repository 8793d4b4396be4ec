"""PICK's columns of the order export (X-11, the EXPORT_COLUMNS point): where the parcel
is, what the partner last reported, and how long the pickup point keeps it."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from dozvon.core.tabular import DATE, DATETIME, TEXT, Column
from dozvon.orders.export_columns import ExportColumns
from dozvon.pickup.models import Shipment, ShipmentState


def _columns() -> list[Column]:
    return [
        Column(_("Parcel state"), TEXT, 24),
        Column(_("Pickup point"), TEXT, 30),
        Column(_("Arrived at"), DATETIME, 17),
        Column(_("Stored until"), DATE, 12),
        Column(_("Tracking number"), TEXT, 18),
    ]


def _values(order_ids: Sequence[int]) -> dict[int, list]:
    rows = Shipment.objects.filter(order_id__in=list(order_ids)).values_list(
        "order_id", "state", "pickup_point", "arrived_at", "storage_until", "tracking"
    )
    return {
        order_id: [
            str(ShipmentState(state).label) if state in ShipmentState.values else state,
            point,
            arrived_at,
            until,
            tracking,
        ]
        for order_id, state, point, arrived_at, until, tracking in rows
    }


PARCEL_COLUMNS = ExportColumns(columns=_columns, values=_values)
