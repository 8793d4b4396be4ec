"""PICK's own inputs of its results (PICK-2), declared like the engine's fields
(`playbooks.fields.register_outcome_field`, from `plugin.register()`): pick.toml's outcomes
require them, the API's `POST /orders/{id}/outcome` and the card's result forms take them,
the plug-in's checks read them from the outcome's values and the history shows them by
their labels."""

from __future__ import annotations

from dozvon.pickup import rules
from dozvon.playbooks.fields import N_, FieldDecl, Kind, Store, register_outcome_field

# PICK-2 `will_collect`: the day the customer will collect the parcel
COLLECT_ON = FieldDecl("collect_on", Kind.DATE, N_("Will collect on"), Store.OUTCOME)
# PICK-2 `wrong_point`: the pickup point the customer wants instead
PICKUP_POINT = FieldDecl(
    "pickup_point", Kind.TEXT, N_("Pickup point"), Store.OUTCOME, rules.POINT_MAX
)
FIELDS = (COLLECT_ON, PICKUP_POINT)


def register(label: str) -> None:
    """Declare the inputs (idempotent: `ready()` may run twice)."""
    for decl in FIELDS:
        register_outcome_field(label, decl)
