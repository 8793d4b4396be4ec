"""X-11 reports as JSON values, XLSX and CSV, the same numbers in each.

XLSX: typed cells (numbers as numbers, money with two decimals, shares as percentages,
days as dates, talk time as [h]:mm:ss), headers in the reader's language, a bold frozen
header row with a filter, column widths; a write-only workbook streamed from a temporary
file. CSV: UTF-8 with a BOM (Excel reads Cyrillic right), `;`-separated as the order list
export, values as in the API (ISO days, seconds, fractions, money with a dot)."""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.http import StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dozvon.core.money import money
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

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
FORMATS = {"xlsx": XLSX, "csv": CSV}

NUMBER_FORMATS = {
    INT: "#,##0",
    DECIMAL: "#,##0.00",
    PERCENT: "0.0%",
    DATE: "DD.MM.YYYY",
    DATETIME: "DD.MM.YYYY HH:MM",
    DURATION: "[h]:mm:ss",
}
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
        return f"{money(value):.2f}"
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


def xlsx_value(column: Column, value: Any, tz: str | None = None) -> Any:
    if value is None:
        return None
    kind = column.type
    if kind == INT:
        return int(value)
    if kind == DECIMAL:
        return money(value)
    if kind == PERCENT:
        return float(value)
    if kind == DURATION:
        return int(value) / 86400
    if kind == DATETIME:
        local = value.astimezone(ZoneInfo(tz)) if tz else value
        return local.replace(tzinfo=None)
    if kind == DATE:
        return value
    return str(value)


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Report"


def xlsx_chunks(result: Result, tz: str | None = None) -> Iterator[bytes]:
    """The workbook, written row by row (rows are not kept) and streamed in chunks."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(str(result.report.title)))
    sheet.freeze_panes = "A2"
    columns = result.columns
    for index, column in enumerate(columns, start=1):
        width = max(WIDTHS[column.type], min(len(str(column.label)) + 2, 40))
        sheet.column_dimensions[get_column_letter(index)].width = width
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(result.rows) + 1}"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    for row in result.rows:
        cells = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=xlsx_value(column, row.get(column.name), tz))
            if column.type in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.type]
            cells.append(cell)
        sheet.append(cells)
    with tempfile.TemporaryFile() as tmp:
        book.save(tmp)
        tmp.seek(0)
        while chunk := tmp.read(64 * 1024):
            yield chunk


class _Echo:
    def write(self, value):
        return value


def csv_chunks(result: Result, tz: str | None = None) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # UTF-8 BOM: Excel reads Cyrillic right
    yield writer.writerow([str(c.label) for c in result.columns])
    for row in result.rows:
        values = [json_value(c, row.get(c.name), tz) for c in result.columns]
        yield writer.writerow(["" if v is None else v for v in values])


def filename(project, result: Result, fmt: str) -> str:
    return f"{project.slug}-{result.report.name}-{result.start:%Y%m%d}-{result.end:%Y%m%d}.{fmt}"


def file_response(project, result: Result, fmt: str) -> StreamingHttpResponse:
    tz = project.time_zone
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_chunks(result, tz), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(xlsx_chunks(result, tz), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename(project, result, fmt)}"'
    return response


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
    from django.utils.formats import date_format, number_format

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
        percent = (Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return number_format(percent, 1) + "\u00a0%"
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
