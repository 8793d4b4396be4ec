"""NBO-5's report in the X-11 registry: offers per campaign, computed by the offers
selector (`offers_kpi`); this module only says how the registry serves it (columns, sums,
ratios), so the API, the supervisor's screen and the XLSX/CSV files show the same numbers.
Registered from the plug-in's `register()` (dozvon/offers/plugin.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dozvon.offers.selectors import offers_kpi
from dozvon.reports.registry import INT, PERCENT, TEXT, Column, register_from_rows


def register_reports() -> None:
    """Registering again replaces (idempotent)."""
    register_from_rows(
        name="offers",
        title=_("Offers"),
        rule="NBO-5",
        source=offers_kpi,
        playbooks=("nbo",),
        extra_keys=(Column("campaign", _("Campaign"), TEXT),),
        columns=[
            Column("eligible", _("Eligible"), INT),
            Column("voiced", _("Voiced"), INT),
            Column("yes", _("Yes"), INT),
            Column("realized_share", _("Realized offers"), PERCENT),
            Column("yes_conversion", _("Yes conversion"), PERCENT),
            Column("target", _("Target"), PERCENT),
        ],
        sums=("eligible", "voiced", "yes"),
        ratios={"realized_share": ("voiced", "eligible"), "yes_conversion": ("yes", "voiced")},
        constants=("target",),
    )
