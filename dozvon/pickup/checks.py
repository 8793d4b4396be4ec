"""PICK's named checks (PICK-2, PICK-5), cited by name in pick.toml's outcomes and
registered in `playbooks.rules` (REGISTRY) and the plug-in registry (point CHECKS) by
`register()`, called from the plug-in's `plugin.register()`.

The engine hands a check an `OutcomeContext`: the result's inputs among its `values` (the
day, the point: `pickup.fields`) and, in its `facts`, what this plug-in knows of the
order's parcel — its state, point, storage end, an extension asked for — loaded under the
order's lock by the loader registered with these checks (`services.base.parcel_facts`).
So every save of these results, whoever calls the engine's outcome service, is checked
with the parcel as it is.

The rules themselves are pure functions in `dozvon.pickup.rules`."""

from __future__ import annotations

from datetime import date

from dozvon.core import plugins
from dozvon.core.errors import Violation
from dozvon.pickup import rules
from dozvon.pickup.services.base import PARCEL, parcel_facts
from dozvon.playbooks.rules import OutcomeContext, is_blank, register_check


def _parcel(ctx: OutcomeContext) -> rules.Parcel:
    """The order's parcel as the loader found it (no report yet: nothing known)."""
    parcel = ctx.facts.get(PARCEL)
    return parcel if isinstance(parcel, rules.Parcel) else rules.Parcel()


def parcel_at_point(ctx: OutcomeContext, *, rule_id: str) -> list[Violation]:
    """PICK-2: a result about a parcel needs the parcel at its point (arrived); PICK-5:
    never after it was collected or returned."""
    return rules.check_at_point(_parcel(ctx), rule_id=rule_id)


def collect_by_storage_end(ctx: OutcomeContext, *, rule_id: str) -> list[Violation]:
    """PICK-2 `will_collect`: the day (required by the outcome) not past, on or before the
    end of storage."""
    parcel = _parcel(ctx)
    collect_on = ctx.values.get("collect_on")
    if rules.check_at_point(parcel) or not isinstance(collect_on, date):
        return []  # parcel_at_point refuses it; the outcome requires the day
    today = ctx.local(ctx.now).date()
    return rules.check_collect_on(collect_on, parcel=parcel, today=today, rule_id=rule_id)


def storage_extension_once(ctx: OutcomeContext, *, rule_id: str) -> list[Violation]:
    """PICK-2 `extend_storage`: the partner is asked once per end of storage."""
    parcel = _parcel(ctx)
    if rules.check_at_point(parcel):
        return []
    return rules.check_extension(parcel, rule_id=rule_id)


def names_another_point(ctx: OutcomeContext, *, rule_id: str) -> list[Violation]:
    """PICK-2 `wrong_point`: the customer names another pickup point (required by the
    outcome), not the one the parcel is at."""
    parcel = _parcel(ctx)
    point = ctx.values.get("pickup_point")
    if rules.check_at_point(parcel) or is_blank(point):
        return []
    return rules.check_new_point(str(point), parcel=parcel, rule_id=rule_id)


# The checks pick.toml cites by name
CHECKS = {
    "parcel_at_point": parcel_at_point,
    "collect_by_storage_end": collect_by_storage_end,
    "storage_extension_once": storage_extension_once,
    "names_another_point": names_another_point,
}


def register(label: str) -> None:
    """Make the checks citable by name, each reading the parcel's facts (idempotent:
    `ready()` may run twice)."""
    for name, fn in CHECKS.items():
        register_check(name, fn, facts=parcel_facts)
        plugins.register(plugins.CHECKS, label, name, fn)
