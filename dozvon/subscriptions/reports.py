"""SUB-6's report in the X-11 registry: the subscriptions registry, computed by the
subscriptions selector (`registry_rows`); this module only says how the registry serves it
(columns, one row per subscription), so the API, the supervisor's screen and the XLSX/CSV
files show the same numbers. Registered from the plug-in's `register()`
(dozvon/subscriptions/plugin.py).

As in the built-in reports, `operator` is the user's id (a code column: API and files, not
the screen) and `operator_name` the full name (the username when none)."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from dozvon.reports.registry import (
    DATE,
    INT,
    OPERATOR_ID,
    OPERATOR_NAME,
    TEXT,
    TOTAL,
    Column,
    Report,
    register,
)
from dozvon.subscriptions.models import Group, Outcome
from dozvon.subscriptions.selectors import registry_rows


def registry_columns() -> list[Column]:
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


def register_reports() -> None:
    """Registering again replaces (idempotent)."""
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
