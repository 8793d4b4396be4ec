"""PICK-4's report in the X-11 registry: `buyout`, the share of arrived parcels the
customers collected, per arrival day and per operator who reached the customer, beside
the parcels nobody reached — computed by `selectors.buyout_rows`; this module only says
how the registry serves it (columns, sums, ratio), so the API, the supervisor's screen
and the XLSX/CSV files show the same numbers. Registered from the plug-in's
`register()` (dozvon/pickup/plugin.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dozvon.pickup.selectors import buyout_rows
from dozvon.reports.registry import INT, PERCENT, Column, register_from_rows

PLAYBOOK = "pick"  # pick.toml's code: the report is for its projects only


def register_reports() -> None:
    """Registering again replaces (idempotent)."""
    register_from_rows(
        name="buyout",
        title=_("Buyout of parcels"),
        rule="PICK-4",
        source=buyout_rows,
        playbooks=(PLAYBOOK,),
        columns=[
            Column("arrived", _("Parcels arrived"), INT),
            Column("collected", _("Parcels collected"), INT),
            Column("returned", _("Parcels returned"), INT),
            Column("waiting", _("Still at the point"), INT),
            Column("buyout", _("Buyout"), PERCENT),
        ],
        sums=("arrived", "collected", "returned", "waiting"),
        ratios={"buyout": ("collected", "arrived")},
    )
