"""The supervisor's screen (X-11): a live panel (who holds which order and for how long,
idle claims, queue sizes now; refreshed every 15 s) and the reports for a range of days
with charts: queue sizes over the day, results per hour, approval rate per operator, the
trend over the range; every table downloadable as XLSX and CSV. Reads only; the queue
snapshots are the worker's, the report numbers `dozvon.reports`'."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dozvon.core import clock
from dozvon.core.http_errors import domain_errors
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import SUPERVISE, ensure_can, projects_for
from dozvon.projects.http import project_or_404
from dozvon.queues.models import QueueSnapshot
from dozvon.reports import charts, exports, rules
from dozvon.reports.live import live_context
from dozvon.reports.registry import (
    GROUP_BY_NAMES,
    INT,
    Column,
    Result,
    report_for,
    reports_for,
    run,
)
from dozvon.reports.rules import DAY, HOUR, OPERATOR, TOTAL
from dozvon.reports.selectors import approval_applies

BUILT_IN = ("operators", "outcomes", "funnel")  # shown above with their charts

# --- reports as tables ------------------------------------------------------------------------


def table(
    result: Result,
    usernames: dict[int, str],
    query: str,
    slug: str,
    *,
    title=None,
    shown_as: str | None = None,
) -> dict:
    """A report as the screen shows it: visible columns, formatted cells (each keeps its
    raw JSON value for tests and copy), download links."""
    columns = exports.visible_columns(result.columns)
    rows = []
    for row in result.rows:
        cells = [
            {
                "name": c.name,
                "text": exports.display(c, row.get(c.name)),
                "value": exports.json_value(c, row.get(c.name)),
                "num": c.type not in ("text", "date"),
            }
            for c in columns
        ]
        operator = row.get("operator")
        rows.append(
            {
                "cells": cells,
                "operator": usernames.get(operator, "") if operator is not None else "",
                "operator_id": operator,
            }
        )
    name = result.report.name
    return {
        "name": shown_as or name,
        "title": title or result.report.title,
        "description": result.description,
        "group_by": GROUP_BY_NAMES[result.group_by],
        "columns": columns,
        "rows": rows,
        "downloads": [
            (fmt.upper(), f"{reverse('reports:download', args=[slug, name, fmt])}?{query}")
            for fmt in ("xlsx", "csv")
        ],
    }


def by_group(result: Result, pb) -> Result:
    """The `outcomes` report folded to one row per operator, day or hour, a column per
    status group and the total: what fits a screen; the files keep every reason."""
    lang = get_language()
    keys = rules.KEYS[result.group_by]
    shown = [g for g in pb.groups if any(r["group"] == g for r in result.rows)]
    columns = [c for c in result.columns if c.name in (*keys, "operator_name")]
    columns += [Column(f"group_{g}", pb.groups[g].get(lang), INT) for g in shown]
    columns.append(Column("outcomes", _("Results"), INT))
    folded: dict[tuple, dict] = {}
    for r in result.rows:  # in the report's order: by key
        acc = folded.get(key := tuple(r[k] for k in keys))
        if acc is None:
            acc = folded[key] = {c.name: r.get(c.name) for c in columns[: -len(shown) - 1]}
            acc.update({f"group_{g}": 0 for g in shown}, outcomes=0)
        acc[f"group_{r['group']}"] += r["outcomes"]
        acc["outcomes"] += r["outcomes"]
    return replace(result, columns=columns, rows=list(folded.values()))


# --- charts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    svg: str


def _queue_chart(project, day: date, lang: str):
    pb = playbook_def(project.playbook)
    zone = ZoneInfo(project.time_zone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    snapshots = list(
        QueueSnapshot.objects.filter(
            project=project, at__gte=start, at__lt=start + timedelta(days=1)
        ).order_by("at")
    )
    title = _("Queue sizes over the day")
    step = max(1, len(snapshots) // 48)
    shown = snapshots[::step]
    labels = [s.at.astimezone(zone).strftime("%H:%M") for s in shown]
    series = [
        (q.names.get(lang), [s.counts.get(q.code, 0) for s in shown])
        for q in pb.queues
        if any(s.counts.get(q.code) for s in shown)
    ]
    svg = charts.line_chart(
        title,
        labels,
        series,
        empty_message=_("No queue snapshots this day: the worker records them every 5 minutes."),
    )
    return Chart("queues", title, svg)


def _outcomes_per_hour(by_hour: Result, pb, lang: str):
    groups = list(pb.groups)
    counts = {g: [0] * 24 for g in groups}
    for row in by_hour.rows:
        if row["group"] in counts:
            counts[row["group"]][row["hour"]] += row["outcomes"]
    hours = [h for h in range(24) if any(counts[g][h] for g in groups)]
    if hours:
        hours = list(range(min(hours), max(hours) + 1))
    series = [(pb.groups[g].get(lang), [counts[g][h] for h in hours]) for g in groups]
    series = [s for s in series if any(s[1])]
    title = _("Results per hour")
    svg = charts.stacked_bars(
        title, [f"{h:02d}" for h in hours], series, empty_message=_("No results in this range.")
    )
    return Chart("outcomes_per_hour", title, svg)


def _approval_chart(by_operator: Result):
    items = [(r["operator_name"], r.get("approval_rate")) for r in by_operator.rows]
    items = [i for i in items if i[1] is not None] or items
    title = _("Approval rate per operator")
    svg = charts.hbars(
        title, items[:30], top=1.0, empty_message=_("No approvals or refusals in this range.")
    )
    return Chart("approval", title, svg)


def _trend_chart(trend: Result, span: rules.Range, usable: bool):
    if trend.group_by == DAY:
        keys = [span.start + timedelta(days=i) for i in range(span.days)]
        labels = [f"{d:%d.%m}" for d in keys]
        by = {r["day"]: r for r in trend.rows}
    else:
        keys = list(range(24))
        labels = [f"{h:02d}" for h in keys]
        by = {r["hour"]: r for r in trend.rows}
    series = [
        (_("Calls"), [by.get(k, {}).get("calls", 0) for k in keys]),
        (_("Contacts"), [by.get(k, {}).get("contacts", 0) for k in keys]),
        (_("Results"), [by.get(k, {}).get("outcomes", 0) for k in keys]),
    ]
    if usable:
        series.append((_("Approved"), [by.get(k, {}).get("approved", 0) for k in keys]))
    if any(c.name == "interactions" for c in trend.columns):  # SUB, NBO: inbound work
        contacts = [by.get(k, {}).get("interactions", 0) for k in keys]
        series.insert(0, (_("Inbound contacts"), contacts))
    title = _("Trend over the range") if trend.group_by == DAY else _("Trend over the day")
    svg = charts.line_chart(title, labels, series, empty_message=_("No calls in this range."))
    return Chart("trend", title, svg)


# --- the page ---------------------------------------------------------------------------------


def _query(span: rules.Range, group_by: str) -> str:
    return urlencode(
        {"from": f"{span.start:%d.%m.%Y}", "to": f"{span.end:%d.%m.%Y}", "group_by": group_by}
    )


@login_required
@domain_errors
def supervisor(request, slug):
    project = project_or_404(request, slug)
    ensure_can(request.user, project, SUPERVISE)
    now = clock.now()
    lang = get_language()
    pb = playbook_def(project.playbook)
    today = clock.local_date(now, project.time_zone)
    operators = report_for(project, "operators")
    span, group_by, found = rules.check_range(
        request.GET.get("from"),
        request.GET.get("to"),
        today=today,
        group_by=request.GET.get("group_by"),
        group_bys=operators.group_bys,
        default_group_by=operators.default_group_by,
    )
    errors = {v.field: v.render() for v in found}
    if span is None:  # refused input: say why next to the field, show today
        span = rules.Range(today, today)
        if group_by not in operators.group_bys:
            group_by = operators.default_group_by
    query = _query(span, group_by)
    usable = approval_applies(pb)  # COD/SHOP: the approval chart and trend line

    by_operator = run(project, operators, span.start, span.end, OPERATOR)
    main = (
        by_operator
        if group_by == OPERATOR
        else run(project, operators, span.start, span.end, group_by)
    )
    outcomes_report = report_for(project, "outcomes")
    outcomes = run(project, outcomes_report, span.start, span.end, group_by)
    reasons = (
        outcomes
        if group_by == TOTAL
        else run(project, outcomes_report, span.start, span.end, TOTAL)
    )
    by_hour = run(project, outcomes_report, span.start, span.end, HOUR)
    funnel_report = report_for(project, "funnel")
    funnel = run(project, funnel_report, span.start, span.end, TOTAL)
    trend = run(project, operators, span.start, span.end, DAY if span.days > 1 else HOUR)
    # the playbook's own reports (DUN-9, NBO-5, SUB-6): the range's grouping where they
    # have it, else their own
    playbook_results = [
        run(
            project,
            r,
            span.start,
            span.end,
            group_by if group_by in r.group_bys else r.default_group_by,
        )
        for r in reports_for(project)
        if r.name not in BUILT_IN
    ]

    ids = {r.get("operator") for r in by_operator.rows} | {r.get("operator") for r in main.rows}
    ids |= {r.get("operator") for result in playbook_results for r in result.rows}
    usernames = dict(
        get_user_model().objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "username")
    )
    tables = [
        table(main, usernames, query, project.slug),
        table(
            by_group(outcomes, pb),
            usernames,
            query,
            project.slug,
            title=_("Results by status group"),
            shown_as="outcome-groups",
        ),
        table(reasons, usernames, _query(span, TOTAL), project.slug),
        table(funnel, usernames, _query(span, TOTAL), project.slug),
        *(
            table(result, usernames, _query(span, result.group_by), project.slug)
            for result in playbook_results
        ),
    ]
    chart_list = [
        _queue_chart(project, min(span.end, today), lang),
        _outcomes_per_hour(by_hour, pb, lang),
    ]
    if usable:
        chart_list.append(_approval_chart(by_operator))
    chart_list.append(_trend_chart(trend, span, usable))
    live = live_context(project, now, request.user)
    return render(
        request,
        "web/supervisor.html",
        {
            "project": project,
            "projects": projects_for(request.user).order_by("name"),
            "queues": live["live_queues"],  # the queue bar shows the same counts
            **live,
            "form": {
                "from": request.GET.get("from") or f"{span.start:%d.%m.%Y}",
                "to": request.GET.get("to") or f"{span.end:%d.%m.%Y}",
                "group_by": group_by,
            },
            "errors": errors,
            "span": span,
            "group_bys": [(g, GROUP_BY_NAMES[g]) for g in operators.group_bys],
            "tables": tables,
            "charts": chart_list,
            "generated_at": now.astimezone(ZoneInfo(project.time_zone)),
        },
    )
