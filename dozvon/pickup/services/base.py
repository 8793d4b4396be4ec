"""What PICK's services share: the playbook's pickup settings, the parcel's facts as the
rules see them (and as its checks get them: `parcel_facts`), the partner's address."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from dozvon.orders.models import Order
from dozvon.pickup import rules
from dozvon.pickup.models import Shipment
from dozvon.playbooks.definition import PlaybookDef
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import PluginScope
from dozvon.projects.models import Role

LABEL = "pickup"  # the plug-in's app label, as pick.toml names it (`plugin = "pickup"`)
# the token scope (and the action) of the partner's shipment reports (PICK-1)
SHIPMENTS = "shipments"
SHIPMENTS_SCOPE = PluginScope(
    action=SHIPMENTS, roles=frozenset({Role.INTEGRATION.value, Role.SUPERVISOR.value})
)
# the project setting naming the partner's contact address (PICK-2's requests)
PARTNER_EMAIL = "partner_email"
NO_PICKUP = N_("This project's orders have no parcels at pickup points.")
PARCEL = "parcel"  # the name of the parcel among an outcome's facts (OutcomeContext.facts)


def is_pickup(pb: PlaybookDef) -> bool:
    """Whether the playbook is one this plug-in runs (its file says `plugin = "pickup"`)."""
    return pb.plugin == LABEL


def settings_of(pb: PlaybookDef) -> rules.PickSettings:
    return rules.PickSettings.of(pb.settings)


def parcel_of(shipment: Shipment | None, order: Order, pb: PlaybookDef) -> rules.Parcel:
    status = pb.statuses.get(order.status)
    closed = bool(status and status.final)
    if shipment is None:
        return rules.Parcel(closed=closed)
    return rules.Parcel(
        state=shipment.state,
        pickup_point=shipment.pickup_point,
        storage_until=shipment.storage_until,
        extension_asked_for=shipment.extension_asked_for,
        closed=closed,
    )


def parcel_facts(order: Order) -> dict[str, rules.Parcel]:
    """The parcel's facts for PICK's checks (`register_check(..., facts=)`): called by the
    engine's outcome service with the order it has locked; the parcel's row is locked too,
    so a report cannot change it before the result is saved."""
    shipment = Shipment.objects.select_for_update().filter(order=order).first()
    return {PARCEL: parcel_of(shipment, order, playbook_def(order.project.playbook))}


def partner_email(project) -> str:
    """PICK-2: where the partner is asked (the project's `partner_email` setting)."""
    return str((project.settings or {}).get(PARTNER_EMAIL) or "").strip()


def final_statuses(pb: PlaybookDef) -> frozenset[str]:
    return frozenset(s.code for s in pb.statuses.values() if s.final)
