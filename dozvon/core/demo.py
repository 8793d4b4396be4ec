"""Demo data for `dozvon demo`: a project for every playbook, built by the builders each
playbook registers at the DEMO extension point (dozvon.core.plugins) — COD and SHOP's from
the orders app (first: it creates the shared logins), DUN's, SUB's and NBO's from their
plug-ins. Each builder is `builder(*, now, seed) -> {slug: orders}` for the projects it
created now, and leaves a project already present as it is."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from dozvon.core import plugins
from dozvon.core.demo_people import PASSWORD

__all__ = ["PASSWORD", "build_demo"]


@transaction.atomic
def build_demo(*, now: datetime, seed: int = 7) -> dict[str, int]:
    """Create the demo projects of every playbook, their users and orders: {slug: orders}
    for each project created now (one already present is left as it is)."""
    counts: dict[str, int] = {}
    for build in plugins.items(plugins.DEMO):
        counts.update(build(now=now, seed=seed))
    return counts
