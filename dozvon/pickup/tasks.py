"""Background work of PICK on the `dozvon worker`: every SWEEP_EVERY, the passes of
`services.sweep` over every pickup project — arrived parcels whose time has come enter
the worklist (PICK-1), missed promises come back to it (PICK-2), the reminder two days
before the storage ends (PICK-3, never twice). Like the other periodic tasks it
schedules its own next run; starting a worker starts the chain (registered at the
PERIODIC extension point by the plug-in's `register()`)."""

from __future__ import annotations

from datetime import timedelta

from dozvon.core import clock
from dozvon.core.periodic import periodic
from dozvon.pickup.services.sweep import sweep

SWEEP_EVERY = timedelta(minutes=15)


@periodic(every=SWEEP_EVERY)
def pickup_sweep() -> dict[str, int]:
    return sweep(now=clock.now())


schedule_pickup_sweep = pickup_sweep.schedule  # the worker's start: one chain
