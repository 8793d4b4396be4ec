"""X-11 reports as JSON values, XLSX and CSV, the same numbers in each.

The files are written by the one writer every export uses (`core/tabular.py`): the
screen's columns and headers (ids and raw codes are the API's only), typed XLSX cells
(money with two decimals, shares as percentages, days as dates, talk time as [h]:mm:ss),
CSV as Russian Excel reads it (`;`, BOM, decimal comma, `0:12:40`, `дд.мм.гггг`), and no
user-entered text ever becomes a formula."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.http import StreamingHttpResponse
from django.utils.formats import date_format, number_format

from dozvon.core import numbers, tabular
from dozvon.core.money import format_money, money
from dozvon.reports.registry import (
    DATE,
    DATETIME,
    DECIMAL,
    DURATION,
    INT,
    PERCENT,
    TEXT,
    Column,
    Result,
)

XLSX = tabular.XLSX
CSV = tabular.CSV
FORMATS = {"xlsx": XLSX, "csv": CSV}

WIDTHS = {INT: 10, DECIMAL: 13, PERCENT: 10, DATE: 12, DATETIME: 17, DURATION: 11, TEXT: 22}


def json_value(column: Column, value: Any, tz: str | None = None) -> Any:
    """A cell as the API returns it: ints, money as a decimal string, shares as fractions,
    ISO days and moments, durations in seconds."""
    if value is None:
        return None
    kind = column.type
    if kind in (INT, DURATION):
        return int(value)
    if kind == DECIMAL:
        return format_money(value)
    if kind == PERCENT:
        return float(value)
    if kind == DATE:
        return value.isoformat()
    if kind == DATETIME:
        return (value.astimezone(ZoneInfo(tz)) if tz else value).isoformat()
    return str(value)


def _json_converter(column: Column, tz: str | None):
    """json_value for one column, chosen once (a month of rows is tens of thousands)."""
    kind = column.type
    if kind in (INT, DURATION):
        return int
    if kind == PERCENT:
        return float
    if kind == DATE:
        return date.isoformat
    if kind == TEXT:
        return str
    return lambda value: json_value(column, value, tz)


def json_rows(result: Result, tz: str | None = None) -> list[dict[str, Any]]:
    converters = [(c.name, _json_converter(c, tz)) for c in result.columns]
    return [
        {name: (None if (v := row.get(name)) is None else f(v)) for name, f in converters}
        for row in result.rows
    ]


KINDS = {
    INT: tabular.NUMBER,
    DECIMAL: tabular.MONEY,
    PERCENT: tabular.PERCENT,
    DATE: tabular.DATE,
    DATETIME: tabular.DATETIME,
    DURATION: tabular.DURATION,
    TEXT: tabular.TEXT,
}


def file_columns(result: Result) -> list[Column]:
    """The columns of the files: the screen's (no ids, no raw codes), in its order."""
    return visible_columns(result.columns)


def file_table(result: Result) -> tuple[list[tabular.Column], Iterator[list]]:
    """The report as the shared writer's table: the screen's columns and headers."""
    columns = file_columns(result)
    names = [c.name for c in columns]
    table = [
        tabular.Column(
            str(c.label), KINDS[c.type], max(WIDTHS[c.type], min(len(str(c.label)) + 2, 40))
        )
        for c in columns
    ]
    return table, ([row.get(name) for name in names] for row in result.rows)


def filename(project, result: Result, fmt: str) -> str:
    return f"{project.slug}-{result.report.name}-{result.start:%Y%m%d}-{result.end:%Y%m%d}.{fmt}"


def file_response(project, result: Result, fmt: str) -> StreamingHttpResponse:
    """XLSX or CSV through the one writer (`core/tabular.py`): formulas never run, CSV as
    Russian Excel reads it, the same columns and headers as the screen."""
    columns, rows = file_table(result)
    return tabular.file_response(
        fmt,
        columns,
        rows,
        filename=filename(project, result, fmt),
        title=str(result.report.title),
        tz=project.time_zone,
        count=len(result.rows),
    )


def wanted_format(fmt: str | None, accept: str | None) -> str | None:
    """`?format=` first, then the Accept header: "xlsx", "csv", "json", or None when the
    format asked for is unknown."""
    if fmt:
        fmt = fmt.strip().lower()
        return fmt if fmt in (*FORMATS, "json") else None
    accept = (accept or "").lower()
    if XLSX in accept:
        return "xlsx"
    if "text/csv" in accept:
        return "csv"
    return "json"


def display(column: Column, value: Any) -> str:
    """A cell as the screen shows it, in the active language's formats."""
    if value is None:
        return "—"
    kind = column.type
    if column.name == "hour":
        return f"{int(value):02d}:00"
    if kind == INT:
        return number_format(int(value), force_grouping=True)
    if kind == DECIMAL:
        return number_format(money(value), 2, force_grouping=True)
    if kind == PERCENT:  # rounded here: number_format cuts digits off
        return number_format(numbers.percent(value, 1), 1) + "\u00a0%"
    if kind == DURATION:
        seconds = int(value)
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if kind == DATE and isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if kind == DATETIME and isinstance(value, datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    return str(value)


def visible_columns(columns: Sequence[Column]) -> list[Column]:
    return [c for c in columns if not c.code]
