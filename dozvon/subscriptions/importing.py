"""X-10: reading a subscriptions file (XLSX or CSV) into rows for `rules.check_rows`.

No ORM: bytes in, `Sheet` out (the rows as dicts with their line numbers, or why the file
cannot be read). Headers may be the API's field names or the partner's Russian ones;
CSV is UTF-8 (with or without a BOM) or Windows-1251, separated by `;` or `,`. Files are
read by `core.tabular.upload_lines`, the one reader of uploaded tables: an XLSX that
unpacks too large, too many lines or columns, a cell too long or holding control
characters is refused with a short message naming the line and column (issue 25).

A file is read once, when it is uploaded: `stored_rows` gives its rows as JSON keeps them
(`SubscriptionImport.rows`), read back by the checks exactly as the cells were.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from dozvon.core.errors import Violation, violation
from dozvon.core.tabular import TableRefused, upload_lines

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILE_ROWS = 20_000
# what the import takes: a workbook (by its name or its zip signature) or a CSV
TABLE_SUFFIXES = (".xlsx", ".csv", ".txt")

FIELDS = (
    "number",
    "name",
    "phone",
    "email",
    "collection",
    "plan",
    "issues_total",
    "issues_delivered",
    "group",
    "suspend_on",
)
REQUIRED = frozenset(FIELDS) - {"email", "group"}

HEADERS: dict[str, str] = {
    **{name: name for name in FIELDS},
    "customer": "name",
    "customer_name": "name",
    "customer.name": "name",
    "customer.phone": "phone",
    "customer.email": "email",
    "номер": "number",
    "номер подписки": "number",
    "№ подписки": "number",
    "подписка": "number",
    "фио": "name",
    "клиент": "name",
    "имя": "name",
    "телефон": "phone",
    "e-mail": "email",
    "эл. почта": "email",
    "электронная почта": "email",
    "почта": "email",
    "коллекция": "collection",
    "план": "plan",
    "всего выпусков": "issues_total",
    "выпусков всего": "issues_total",
    "выпусков": "issues_total",
    "доставлено": "issues_delivered",
    "доставлено выпусков": "issues_delivered",
    "получено выпусков": "issues_delivered",
    "группа": "group",
    "дата приостановки": "suspend_on",
    "приостановка": "suspend_on",
}


@dataclass
class Sheet:
    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # each row's line in the file (1 = header)
    problems: list[Violation] = field(default_factory=list)


def header_key(text: Any) -> str:
    key = " ".join(str(text or "").replace("ё", "е").replace("Ё", "Е").split()).lower()
    return HEADERS.get(key.rstrip(":*"), "")


def read_sheet(content: bytes, filename: str) -> Sheet:
    """The file's rows, or `problems` saying why it cannot be read (X-10)."""
    if len(content) > MAX_FILE_BYTES:
        return Sheet(problems=[violation("X-10", "file", "The file is larger than 10 MB.")])
    if not content:
        return Sheet(problems=[violation("X-10", "file", "The file is empty.")])
    if not filename.lower().endswith(TABLE_SUFFIXES) and content[:2] != b"PK":
        return Sheet(problems=[violation("X-10", "file", "Upload an XLSX or CSV file.")])
    try:
        # a few lines past the row limit are enough for `_sheet` to refuse the file
        lines = upload_lines(io.BytesIO(content), filename)
        table = list(islice(lines, MAX_FILE_ROWS + 51))
    except TableRefused as exc:
        return Sheet(problems=[violation("X-10", "file", exc.message, **exc.params)])
    return _sheet(table)


def _sheet(table: list[list[Any]]) -> Sheet:
    header_at = next((i for i, row in enumerate(table) if any(_filled(v) for v in row)), None)
    if header_at is None:
        return Sheet(problems=[violation("X-10", "file", "The file is empty.")])
    columns = [header_key(v) for v in table[header_at]]
    missing = sorted(REQUIRED - set(columns))
    if missing:
        return Sheet(
            problems=[
                violation(
                    "X-10",
                    "file",
                    "Columns missing: %(columns)s.",
                    columns=", ".join(missing),
                )
            ]
        )
    sheet = Sheet()
    for index, values in enumerate(table[header_at + 1 :], start=header_at + 2):
        if not any(_filled(v) for v in values):
            continue
        row = {key: value for key, value in zip(columns, values, strict=False) if key}
        sheet.rows.append(row)
        sheet.lines.append(index)
        if len(sheet.rows) > MAX_FILE_ROWS:
            return Sheet(
                problems=[
                    violation(
                        "X-10", "file", "More than %(max)s rows in one file.", max=MAX_FILE_ROWS
                    )
                ]
            )
    if not sheet.rows:
        sheet.problems.append(violation("X-10", "file", "The file has no rows."))
    return sheet


def stored_value(value: Any) -> Any:
    """A cell as JSON keeps it: text, whole and decimal numbers and booleans as they are,
    anything else (a date or time cell) as its text, which the checks read the same way
    (`rules.parse_date` takes "2027-12-31 00:00:00", `text_of` is the text)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return str(value)


def stored_rows(sheet: Sheet) -> list[list[Any]]:
    """The sheet's rows to keep: `[line, {field: value}]` each."""
    return [
        [line, {key: stored_value(value) for key, value in row.items()}]
        for line, row in zip(sheet.lines, sheet.rows, strict=True)
    ]


def violation_json(v: Violation) -> list[Any]:
    """A refusal as JSON keeps it (translated when shown): `[rule, field, message, params]`."""
    return [v.rule, v.field, v.message, [[k, stored_value(p)] for k, p in v.params]]


def violation_of(data: list[Any]) -> Violation:
    rule, field_, message, params = data
    return Violation(rule, field_, message, tuple((k, p) for k, p in params))


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""
