"""Reading a supervisor's XLSX or CSV of campaigns or eligibility into the rows the load
services take. The first row names the columns (English keys or the Russian headers a
telecom's lists use); cells stay as they are (dates, numbers), the rules parse them.
The file is read by `core/tabular.py`'s one upload reader: an XLSX that unpacks too
large, too many lines or columns, a cell too long or holding control characters is
refused with a short message, before it costs a worker its memory. No ORM here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO

from django.utils.translation import gettext_noop as N_

from dozvon.core.tabular import TableRefused, upload_lines

MAX_ROWS = 20_000

# column header (casefolded) → the load's field
HEADERS = {
    "campaigns": {
        "code": "code",
        "код": "code",
        "кампания": "code",
        "name": "name",
        "название": "name",
        "priority": "priority",
        "приоритет": "priority",
        "starts_on": "starts_on",
        "начало": "starts_on",
        "дата начала": "starts_on",
        "ends_on": "ends_on",
        "окончание": "ends_on",
        "дата окончания": "ends_on",
        "script": "script",
        "скрипт": "script",
        "excluded_tariffs": "excluded_tariffs",
        "тарифы-исключения": "excluded_tariffs",
        "исключенные тарифы": "excluded_tariffs",
        "excluded_services": "excluded_services",
        "услуги-исключения": "excluded_services",
        "исключенные услуги": "excluded_services",
    },
    "eligibility": {
        "phone": "phone",
        "ctn": "phone",
        "номер": "phone",
        "телефон": "phone",
        "offer": "offer",
        "предложение": "offer",
        "кампания": "offer",
        "код": "offer",
        "priority": "priority",
        "приоритет": "priority",
        "tariff": "tariff",
        "тариф": "tariff",
        "тп": "tariff",
        "services": "services",
        "услуги": "services",
    },
}


class TableError(ValueError):
    """The file cannot be read as a table of this kind: its text is a message id for the
    page to translate, or (with parameters) the message already translated."""

    @classmethod
    def of(cls, refused: TableRefused) -> TableError:
        return cls(refused.render() if refused.params else refused.message)


def _header(cells: list[Any], kind: str) -> list[str | None]:
    names = HEADERS[kind]
    fields = [names.get(str(c or "").strip().casefold().replace("ё", "е")) for c in cells]
    if not any(fields):
        raise TableError(N_("The first row must name the columns."))
    return fields


def _rows(lines: Iterable[list[Any]], kind: str) -> list[tuple[int, dict[str, Any]]]:
    """(the row's number in the file, its values) of every non-empty row."""
    cells_iter = iter(lines)
    try:
        header = next(cells_iter)
    except StopIteration:
        raise TableError(N_("The file is empty.")) from None
    fields = _header(list(header), kind)
    out = []
    for number, cells in enumerate(cells_iter, start=2):
        values = {
            f: (c.strip() if isinstance(c, str) else c)
            for f, c in zip(fields, cells, strict=False)
            if f is not None
        }
        if all(v in (None, "") for v in values.values()):
            continue
        out.append((number, values))
        if len(out) > MAX_ROWS:
            raise TableError(N_("Too many rows in one file."))
    return out


def read_table(data: BinaryIO, *, filename: str, kind: str) -> list[tuple[int, dict[str, Any]]]:
    """The rows of an uploaded .xlsx or .csv, read by `core.tabular.upload_lines` as
    every upload is (UTF-8 with or without a BOM, or Windows-1251; `;` or `,`)."""
    if kind not in HEADERS:
        raise TableError(N_("Unknown kind of list."))
    try:
        return _rows(upload_lines(data, filename), kind)
    except TableRefused as exc:
        raise TableError.of(exc) from exc
