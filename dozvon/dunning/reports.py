"""DUN-9's report in the X-11 registry: payments after calls, computed by the payments
selector; this module only says how the registry serves it (columns, sums, ratios), so
the API, the supervisor's screen and the XLSX/CSV files show the same numbers. Registered
from the plug-in's `register()` (dozvon/dunning/plugin.py).

As in the built-in reports, `operator` is the user's id (a code column: API and files, not
the screen) and `operator_name` the full name (the username when none)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from dozvon.payments.selectors import payments_after_calls
from dozvon.reports.registry import DECIMAL, INT, PERCENT, Column, register_from_rows


def payments_rows(project, *, start: date, end: date) -> list[dict[str, Any]]:
    """`payments_after_calls` with each row's operator as a user id (the selector keys
    its rows by username)."""
    rows = payments_after_calls(project, start=start, end=end)
    usernames = {r["operator"] for r in rows if isinstance(r["operator"], str)}
    ids = dict(
        get_user_model().objects.filter(username__in=usernames).values_list("username", "pk")
    )

    def user_id(operator):
        if not isinstance(operator, str):  # already an id
            return operator
        if operator in ids:
            return ids[operator]
        return int(operator) if operator.isdigit() else None  # the selector's fallback

    return [{**r, "operator": user_id(r["operator"])} for r in rows]


def register_reports() -> None:
    """Registering again replaces (idempotent)."""
    register_from_rows(
        name="payments_after_calls",
        title=_("Payments after calls"),
        rule="DUN-9",
        source=payments_rows,
        playbooks=("dun",),
        columns=[
            Column("payments", _("Payments"), INT),
            Column("amount", _("Amount"), DECIMAL),
            Column("worked_orders", _("Orders worked"), INT),
            Column("share", _("Paid of worked"), PERCENT),
        ],
        sums=("payments", "amount", "worked_orders"),
        ratios={"share": ("payments", "worked_orders")},
        # capped as the per-day rows are (`paid_share`): a total never shows over 100 %
        capped=("share",),
    )
