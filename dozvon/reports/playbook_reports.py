"""The playbooks' own reports in the X-11 registry: DUN-9 payments after calls, NBO-5
offers, SUB-6 the subscriptions registry. Each is computed by its domain's selector; this
module only says how the registry serves it (columns, sums, groupings, playbooks), so the
API, the supervisor's screen and the XLSX/CSV files show the same numbers.

As in the built-in reports, `operator` is the user's id (a code column: API and files, not
the screen) and `operator_name` the full name (the username when none)."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from dozvon.reports.registry import (
    DATE,
    DECIMAL,
    INT,
    OPERATOR_ID,
    OPERATOR_NAME,
    PERCENT,
    TEXT,
    TOTAL,
    Column,
    Report,
    register,
    register_from_rows,
)

# --- DUN-9: payments after calls ----------------------------------------------------------


def payments_rows(project, *, start: date, end: date) -> list[dict[str, Any]]:
    """`payments_after_calls` with each row's operator as a user id (the selector keys
    its rows by username)."""
    from dozvon.payments.selectors import payments_after_calls

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


# --- NBO-5: offers ------------------------------------------------------------------------


def offers_rows(project, *, start: date, end: date) -> list[dict[str, Any]]:
    from dozvon.offers.selectors import offers_kpi

    return offers_kpi(project, start=start, end=end)


# --- SUB-6: the registry ------------------------------------------------------------------


def registry_columns() -> list[Column]:
    from dozvon.subscriptions.models import Outcome

    return [
        Column("number", _("Subscription"), TEXT),
        Column("customer", _("Customer"), TEXT),
        Column("group", _("Group code"), TEXT, code=True),
        Column("group_name", _("Group"), TEXT),
        Column("first_contact", _("First contact"), DATE),
        *(Column(o.value, o.label, INT) for o in Outcome),
        Column("issues_bought", _("Issues bought"), INT),
        Column("issue_numbers", _("Numbers of the issues bought"), TEXT),
        Column("refund_escalated", _("Refund escalated"), INT),
        OPERATOR_ID,
        OPERATOR_NAME,
        Column("comment", _("Comment"), TEXT),
    ]


def registry_report_rows(project, start: date, end: date, group_by: str) -> list[dict[str, Any]]:
    """SUB-6: one row per subscription contacted within the range (contact days in the
    project's time zone): outcome columns 1 = yes, the issues bought, whether a refund was
    escalated, the last contact's operator and comment."""
    from dozvon.subscriptions.models import Group
    from dozvon.subscriptions.selectors import registry_rows

    zone = ZoneInfo(project.time_zone)
    groups = dict(Group.choices)
    rows = []
    for row in registry_rows(project, date_from=start, date_to=end):
        sub = row["subscription"]
        first = row["first_contact_at"]
        operator = row["operator"]
        rows.append(
            {
                "number": sub.number,
                "customer": sub.customer.full_name,
                "group": sub.group,
                "group_name": str(groups.get(sub.group, sub.group)),
                "first_contact": first.astimezone(zone).date() if first else None,
                **row["outcomes"],
                "issues_bought": len(row["issues"]),
                "issue_numbers": ", ".join(map(str, row["issues"])),
                "refund_escalated": row["refund_escalated"],
                "operator": operator.pk if operator else None,
                "operator_name": (operator.get_full_name() or operator.get_username())
                if operator
                else "",
                "comment": row["comment"],
            }
        )
    return rows


# --- registration -------------------------------------------------------------------------


def register_playbook_reports() -> None:
    """Called from `ReportsConfig.ready()`; registering again replaces (idempotent)."""
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
    )
    register_from_rows(
        name="offers",
        title=_("Offers"),
        rule="NBO-5",
        source=offers_rows,
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
    register(
        Report(
            name="registry",
            title=_("Subscriptions registry"),
            rule="SUB-6",
            compute=registry_report_rows,
            columns=lambda project, group_by: registry_columns(),
            group_bys=(TOTAL,),
            default_group_by=TOTAL,
            playbooks=("sub",),
            description=_(
                "One row per subscription contacted in the range; outcome columns: 1 = yes."
            ),
        )
    )
