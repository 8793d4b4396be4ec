"""PICK's writes (STYLE services), one module per topic: `shipments` (PICK-1/5: the
partner's reports), `outcomes` (PICK-2: the results of a call about a parcel), `sweep`
(the worker's passes: PICK-1's worklist, PICK-2's missed promises, PICK-3's reminder);
shared steps in `base`."""

from dozvon.pickup.services.outcomes import HANDLERS, outcome_handler, pickup_outcome_save
from dozvon.pickup.services.shipments import Received, ReportClash, shipment_report
from dozvon.pickup.services.sweep import parcels_enter, promises_back, reminders_send, sweep

__all__ = [
    "HANDLERS",
    "Received",
    "ReportClash",
    "outcome_handler",
    "parcels_enter",
    "pickup_outcome_save",
    "promises_back",
    "reminders_send",
    "shipment_report",
    "sweep",
]
