"""What the PICK plug-in supplies to the engine and the surfaces (dozvon.core.plugins),
registered from `AppConfig.ready()`: the engine and the surfaces find these parts only
through the registry, chosen by the playbook file's `plugin = "pickup"`."""

from __future__ import annotations

from pathlib import Path

from dozvon.core import plugins
from dozvon.core.errors import register_field_labels
from dozvon.pickup import checks, fields
from dozvon.pickup.api import router
from dozvon.pickup.card import PICKUP_PANEL
from dozvon.pickup.demo import build_pickup_demo
from dozvon.pickup.exports import PARCEL_COLUMNS
from dozvon.pickup.reports import register_reports
from dozvon.pickup.services import HANDLERS
from dozvon.pickup.services.base import SHIPMENTS, SHIPMENTS_SCOPE
from dozvon.pickup.tasks import schedule_pickup_sweep

LABEL = "pickup"
PLAYBOOK_FILE = Path(__file__).resolve().parent / "pick.toml"
# X-7: a refusal names PICK's own fields by their labels (message ids); the results'
# inputs (`fields`) are named by their declarations
FIELD_LABELS = {
    "pickup_point": "Pickup point",
    "storage_until": "Stored until",
    "tracking": "Tracking number",
    "partner_email": "Partner's email",
}


def register() -> None:
    if PLAYBOOK_FILE.exists():
        plugins.register(plugins.PLAYBOOK_FILES, LABEL, "pick", str(PLAYBOOK_FILE))
    fields.register(LABEL)  # PICK-2's inputs (the day, the point), before the file is parsed
    checks.register(LABEL)  # PICK-2/5's named checks and the parcel's facts they read
    plugins.register(plugins.API, LABEL, "shipments", router)  # PICK-1
    plugins.register(plugins.SCOPES, LABEL, SHIPMENTS, SHIPMENTS_SCOPE)
    plugins.register(plugins.CARD_PANELS, LABEL, "parcel", PICKUP_PANEL)
    plugins.register(plugins.EXPORT_COLUMNS, LABEL, "parcel", PARCEL_COLUMNS)
    for handler in HANDLERS:  # PICK-2: the parcel's results, saved with its facts
        plugins.register(plugins.OUTCOMES, LABEL, handler.code, handler)
    plugins.register(plugins.DEMO, LABEL, "pickup", build_pickup_demo, order=50)
    # PICK-1/2/3: the worklist's entries, missed promises, the reminder
    plugins.register(plugins.PERIODIC, LABEL, "sweep", schedule_pickup_sweep)
    register_reports()  # PICK-4 in the X-11 registry
    register_field_labels(FIELD_LABELS)
