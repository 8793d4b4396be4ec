"""The report registry (X-11): every report the API, the supervisor's screen and the
XLSX/CSV exports serve, by name.

A report is a name, a title, the SPEC rule it answers, its value columns (name, label as
`gettext_lazy`, type), the groupings it supports and a function
`(project, start: date, end: date, group_by: str) -> list[dict]` over an inclusive range
of local days (the project's time zone). Key columns come first and follow the grouping:
`operator` → operator (user id) and operator_name; `day` → day; `hour` → hour (0–23, the
hour of the day over the whole range); `operator_day` → day, operator, operator_name;
`total` → none. Column types: int, decimal (money, a string in JSON), percent (a fraction,
0.85 = 85 %), date, datetime, duration (seconds), text; a `code` column (a user id, a
playbook code) is in the API and the files but not on the screen.

Registering a report another module computes per day and operator is one call of
`register_from_rows`, which sums the rows up to any grouping and recomputes the shares
(a `capped` share counts its part only up to the whole, so it never exceeds 1).
The lead wires these (their modules are not imported here):

    from dozvon.reports.registry import DECIMAL, INT, PERCENT, TEXT, Column, register_from_rows
    from django.utils.translation import gettext_lazy as _

    def _payments(project, *, start, end):
        from dozvon.payments.selectors import payments_after_calls
        return payments_after_calls(project, start=start, end=end)

    register_from_rows(
        name="payments_after_calls", title=_("Payments after calls"), rule="DUN-9",
        source=_payments, playbooks=("dun",),
        columns=[Column("payments", _("Payments"), INT),
                 Column("amount", _("Amount"), DECIMAL),
                 Column("worked_orders", _("Orders worked"), INT),
                 Column("share", _("Paid of worked"), PERCENT)],
        sums=("payments", "amount", "worked_orders"),
        ratios={"share": ("payments", "worked_orders")},
        capped=("share",),  # payments may follow earlier days' work: never above 100 %
    )

    register_from_rows(
        name="offers", title=_("Offers"), rule="NBO-5", source=_offers_kpi,  # offers_kpi
        playbooks=("nbo",), extra_keys=(Column("campaign", _("Campaign"), TEXT),),
        columns=[Column("eligible", _("Eligible"), INT), Column("voiced", _("Voiced"), INT),
                 Column("yes", _("Yes"), INT),
                 Column("realized_share", _("Realized offers"), PERCENT),
                 Column("yes_conversion", _("Yes conversion"), PERCENT),
                 Column("target", _("Target"), PERCENT)],
        sums=("eligible", "voiced", "yes"),
        ratios={"realized_share": ("voiced", "eligible"), "yes_conversion": ("yes", "voiced")},
        constants=("target",),
    )

The SUB `registry` report (SUB-6: one row per subscription) is not per operator: register
it with `register(Report(name="registry", …, group_bys=(TOTAL,), default_group_by=TOTAL,
compute=lambda project, start, end, group_by: rows))`. Put the calls in the owning app's
`AppConfig.ready()` (or at the end of this module); a name registered twice replaces the
first. Tests: `tests/reports/test_registry.py` shows both with stand-in sources.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from dozvon.reports import rules
from dozvon.reports.rules import DAY, GROUP_BYS, HOUR, OPERATOR, OPERATOR_DAY, TOTAL

INT, DECIMAL, PERCENT = "int", "decimal", "percent"
DATE, DATETIME, DURATION, TEXT = "date", "datetime", "duration", "text"
TYPES = (INT, DECIMAL, PERCENT, DATE, DATETIME, DURATION, TEXT)


@dataclass(frozen=True)
class Column:
    name: str
    label: Any  # a lazy translation: headers follow the reader's language
    type: str
    code: bool = False  # an id or a playbook code: in the API and files, not on screen

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "label": str(self.label), "type": self.type}


OPERATOR_ID = Column("operator", _("Operator id"), INT, code=True)
OPERATOR_NAME = Column("operator_name", _("Operator"), TEXT)
DAY_COLUMN = Column("day", _("Day"), DATE)
HOUR_COLUMN = Column("hour", _("Hour"), INT)

KEY_COLUMNS: dict[str, tuple[Column, ...]] = {
    OPERATOR: (OPERATOR_ID, OPERATOR_NAME),
    DAY: (DAY_COLUMN,),
    HOUR: (HOUR_COLUMN,),
    OPERATOR_DAY: (DAY_COLUMN, OPERATOR_ID, OPERATOR_NAME),
    TOTAL: (),
}
GROUP_BY_NAMES = {
    OPERATOR: _("by operator"),
    DAY: _("by day"),
    HOUR: _("by hour of the day"),
    OPERATOR_DAY: _("by operator and day"),
    TOTAL: _("whole range"),
}

Compute = Callable[[Any, date, date, str], list[dict[str, Any]]]
ColumnsFor = Callable[[Any, str], Sequence[Column]]


@dataclass(frozen=True)
class Report:
    name: str
    title: Any
    rule: str
    compute: Compute
    # value columns: a list, or a function of (project, group_by) when they depend on the
    # playbook (approval only where operators can approve, gifts where products can be)
    columns: Sequence[Column] | ColumnsFor
    group_bys: tuple[str, ...] = GROUP_BYS
    default_group_by: str = OPERATOR
    playbooks: tuple[str, ...] = ()  # empty: every playbook
    extra_keys: tuple[Column, ...] = ()  # key columns after the grouping's (a campaign)
    # what the figures mean: a text, or a function of the project when it depends on the
    # playbook (no approval note where nobody approves, inbound contacts where they count)
    description: Any = ""

    def describe(self, project) -> Any:
        return self.description(project) if callable(self.description) else self.description

    def available(self, project) -> bool:
        return not self.playbooks or project.playbook.code in self.playbooks

    def all_columns(self, project, group_by: str) -> list[Column]:
        values = self.columns(project, group_by) if callable(self.columns) else self.columns
        return [*KEY_COLUMNS[group_by], *self.extra_keys, *values]

    def rows(self, project, start: date, end: date, group_by: str) -> list[dict[str, Any]]:
        return self.compute(project, start, end, group_by)


REPORTS: dict[str, Report] = {}


def register(report: Report) -> Report:
    for g in report.group_bys:
        if g not in GROUP_BYS:
            raise ValueError(f"report {report.name}: unknown grouping {g!r}")
    REPORTS[report.name] = report
    return report


def report_for(project, name: str) -> Report | None:
    """The report of this name if the project's playbook has it."""
    report = REPORTS.get(name)
    return report if report is not None and report.available(project) else None


def reports_for(project) -> list[Report]:
    return [r for r in REPORTS.values() if r.available(project)]


def register_from_rows(
    *,
    name: str,
    title: Any,
    rule: str,
    source: Callable[..., Sequence[Mapping[str, Any]]],
    columns: Sequence[Column],
    sums: Sequence[str],
    ratios: Mapping[str, tuple[str, str]] | None = None,
    capped: Sequence[str] = (),
    constants: Sequence[str] = (),
    extra_keys: Sequence[Column] = (),
    playbooks: tuple[str, ...] = (),
) -> Report:
    """A report over rows another module computes per day and operator
    (`source(project, *, start, end)` → rows with `day`, `operator`, `operator_name` and
    the columns): summed up to the grouping, ratios recomputed from their sums. A ratio
    named in `capped` is the share of min(part, whole) in the whole, 0…1, as its source
    caps its own rows (DUN-9: a day's payments may follow earlier days' work)."""
    ratios = dict(ratios or {})
    unknown = set(capped) - set(ratios)
    if unknown:
        raise ValueError(f"report {name}: capped names no ratio: {sorted(unknown)}")
    extra = tuple(c.name for c in extra_keys)

    def compute(project, start, end, group_by):
        rows = rules.regroup(
            source(project, start=start, end=end),
            group_by=group_by,
            sums=sums,
            ratios=ratios,
            constants=constants,
            labels={"operator_name": "operator"},
            extra_keys=extra,
        )
        for row in rows:
            for ratio in capped:
                part, whole = ratios[ratio]
                row[ratio] = rules.share(min(row[part], row[whole]), row[whole])
        return rows

    return register(
        Report(
            name=name,
            title=title,
            rule=rule,
            compute=compute,
            columns=tuple(columns),
            group_bys=(OPERATOR, DAY, OPERATOR_DAY, TOTAL),
            playbooks=playbooks,
            extra_keys=tuple(extra_keys),
        )
    )


@dataclass
class Result:
    """A computed report, as the API, the screen and the files show it."""

    report: Report
    start: date
    end: date
    group_by: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    description: Any = ""  # what the figures mean for this project's playbook


def run(project, report: Report, start: date, end: date, group_by: str) -> Result:
    return Result(
        report=report,
        start=start,
        end=end,
        group_by=group_by,
        columns=report.all_columns(project, group_by),
        rows=report.rows(project, start, end, group_by),
        description=report.describe(project),
    )
