"""PICK on the order card (registered at `plugins.CARD_PANELS`): the parcel panel above the
customer — where the parcel is, until when it is kept, what the partner reported, the
reminder (PICK-1, PICK-3). The results of a call about it (PICK-2) are the card's own
result forms, derived from pick.toml and the inputs the plug-in declares (the day the
customer will collect, the point they want: `pickup.fields`), saved through
`plugins.OUTCOMES` (`services.outcome_handler`)."""

from __future__ import annotations

from typing import Any

from dozvon.core import clock
from dozvon.orders.card_panels import TOP, CardFacts, CardPanel
from dozvon.pickup import rules
from dozvon.pickup.selectors import parcel_panel
from dozvon.pickup.services.base import is_pickup


def panel_context(request, order, pb, facts: CardFacts) -> dict[str, Any] | None:
    """The parcel panel (PICK-1…3)."""
    if not is_pickup(pb):
        return None
    today = clock.local_date(facts.now, order.project.time_zone)
    panel = parcel_panel(order, today=today)
    status = pb.statuses.get(order.status)
    closed = bool(status and status.final)
    shipment = panel.shipment
    return {
        "panel": panel,
        "shipment": shipment,
        "state_name": shipment.get_state_display() if shipment else "",
        "at_point": bool(shipment and shipment.state == rules.ARRIVED) and not closed,
        "closed": closed,
    }


PICKUP_PANEL = CardPanel(
    name="pickup",
    template="pickup/_panel.html",
    context=panel_context,
    slot=TOP,
    styles=("pickup/pickup.css",),
)
