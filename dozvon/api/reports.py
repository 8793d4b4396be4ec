"""Reports for every playbook (X-11, DUN-9, SUB-6, NBO-5). (API.md round 2)

`GET /api/v1/projects/{slug}/reports/{name}?from=&to=&group_by=` returns the report's
columns and rows as JSON, or the same rows as a file with `?format=xlsx|csv` or an
`Accept` header naming the XLSX or CSV type. Readable by the project's supervisors and by
integration tokens with the `read` scope (reporting tools, X-13); operators get 403."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from dozvon.core import clock
from dozvon.core.errors import NotFound, RuleViolations, violation
from dozvon.httpkit.api_schemas import responses
from dozvon.projects.access import READ, SUPERVISE, ensure_can, project_for, token_scopes
from dozvon.reports import exports, rules
from dozvon.reports.registry import TYPES, report_for, run

router = Router()


class ReportQuery(Schema):
    from_: str | None = Field(
        None,
        alias="from",
        description="First day (inclusive), `YYYY-MM-DD` or `DD.MM.YYYY`, in the project's "
        "time zone; today when not given.",
    )
    to: str | None = Field(
        None,
        description=f"Last day (inclusive); `from` when not given. At most {rules.MAX_DAYS} "
        "days in all.",
    )
    group_by: str | None = Field(
        None,
        description="`operator`, `day`, `hour` (of the day, over the whole range), "
        "`operator_day` or `total`, as the report supports; its default when not given.",
    )
    format: str | None = Field(
        None,
        description="`json` (default), `xlsx` or `csv`; or ask with an `Accept` header.",
    )


class ColumnOut(Schema):
    name: str
    label: str = Field(description="The header in the language of `Accept-Language`.")
    type: str = Field(description="One of: " + ", ".join(TYPES) + ".")


class ReportOut(Schema):
    report: str
    title: str
    rule: str = Field(description="The SPEC rule the report answers.")
    from_: date = Field(alias="from")
    to: date
    group_by: str
    time_zone: str
    currency: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]] = Field(
        description="One object per row, keyed by column name: int, decimal (a string, "
        "`552.00`), percent (a fraction, 0.85 = 85 %), date (ISO), duration (seconds), text."
    )


FILES = {
    "content": {
        exports.XLSX: {"schema": {"type": "string", "format": "binary"}},
        "text/csv": {"schema": {"type": "string"}},
    }
}


def project_for_reports(user, slug: str):
    """X-2/X-13: a supervisor of the project, or a scoped token that may read it."""
    project = project_for(user, slug)
    ensure_can(user, project, READ if token_scopes(user) is not None else SUPERVISE)
    return project


@router.get(
    "/projects/{slug}/reports/{name}",
    tags=["reports"],
    response=responses({200: ReportOut}),
    by_alias=True,
    summary="A report's rows for a range of days (JSON, XLSX or CSV)",
    description="Reports: `operators`, `outcomes`, `funnel` for every playbook; "
    "`payments_after_calls` (DUN-9), `registry` (SUB-6), `offers` (NBO-5) where the "
    "playbook has them. 422 (rule X-11) names `from`, `to`, `group_by` or `format`.",
    openapi_extra={"responses": {200: FILES}},
)
def get_report(request, slug: str, name: str, params: Query[ReportQuery]):
    user = request.auth
    project = project_for_reports(user, slug)
    report = report_for(project, name)
    if report is None:
        raise NotFound()
    fmt = exports.wanted_format(params.format, request.headers.get("Accept"))
    span, group_by, found = rules.check_range(
        params.from_,
        params.to,
        today=clock.local_date(clock.now(), project.time_zone),
        group_by=params.group_by,
        group_bys=report.group_bys,
        default_group_by=report.default_group_by,
    )
    if fmt is None:
        found.append(violation(rules.RULE, "format", "Ask for json, xlsx or csv."))
    if found:
        raise RuleViolations(found)
    result = run(project, report, span.start, span.end, group_by)
    if fmt in exports.FORMATS:
        return exports.file_response(project, result, fmt)
    body = {
        "report": report.name,
        "title": str(report.title),
        "rule": report.rule,
        "from": span.start.isoformat(),
        "to": span.end.isoformat(),
        "group_by": group_by,
        "time_zone": project.time_zone,
        "currency": project.currency,
        "columns": [c.as_dict() for c in result.columns],
        "rows": exports.json_rows(result, project.time_zone),
    }
    # encoded here, documented by ReportOut: a month per operator and day is tens of
    # thousands of rows, which response validation would check one by one
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
