"""The one XLSX and CSV writer every export uses (order list, reports, the SUB registry,
the DUN worklist): what leaves the product for people to open in a spreadsheet.

A table is a list of `Column`s (a header, a kind, a width) and rows of plain values. The
kind says how a value is written:

- `text`: a string. In XLSX always a string cell (openpyxl would turn "=…" into a live
  formula); in CSV a text starting with `=`, `+`, `-`, `@`, a tab, CR or LF is prefixed
  with `'` so no spreadsheet runs it (OWASP "CSV injection"). Phones are text:
  "+7 916 123-45-67" stays readable, never a formula and never a number.
- `number` (an integer), `money` (two decimals), `percent` (a fraction, 0.85 = 85 %),
  `duration` (seconds), `date`, `datetime` (an aware moment, written in the time zone
  given): numeric cells with number formats in XLSX; in CSV as Russian Excel reads them —
  decimal comma, durations `0:12:40`, dates `дд.мм.гггг`.

Both formats stream (rows are never all kept): XLSX from a write-only workbook saved to a
temporary file, CSV line by line, `;`-separated, UTF-8 with a BOM.

Stored text never breaks an export: characters XML cannot carry (C0 controls other than
tab, LF and CR) are dropped before writing.

Reading uploaded tables (`upload_lines`, the one reader, built on `xlsx_lines`,
`csv_lines` and `checked_lines`; the imports of subscriptions and offers): an XLSX's parts
are measured before openpyxl opens it (a 413 KB file may hold a 400 MB string), the sheet
is read streaming without its declared dimensions, and lines, columns, cell lengths and
control characters are checked while reading; a refusal quotes at most a short prefix of
the value (`TableRefused`, a message id and its parameters).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from django.http import StreamingHttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dozvon.core import limits
from dozvon.core.money import format_money, money
from dozvon.core.numbers import share_rounded

TEXT, NUMBER, MONEY, PERCENT = "text", "number", "money", "percent"
DURATION, DATE, DATETIME = "duration", "date", "datetime"
KINDS = (TEXT, NUMBER, MONEY, PERCENT, DURATION, DATE, DATETIME)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
CONTENT_TYPES = {"xlsx": XLSX, "csv": f"{CSV}; charset=utf-8"}

NUMBER_FORMATS = {
    NUMBER: "#,##0",
    MONEY: "#,##0.00",
    PERCENT: "0.0%",
    DURATION: "[h]:mm:ss",
    DATE: "DD.MM.YYYY",
    DATETIME: "DD.MM.YYYY HH:MM",
}
WIDTHS = {TEXT: 22, NUMBER: 10, MONEY: 13, PERCENT: 10, DURATION: 11, DATE: 12, DATETIME: 17}

# what XML 1.0 cannot carry (openpyxl's IllegalCharacterError): C0 controls but tab, LF, CR
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# what a spreadsheet reads as the start of a formula (OWASP "CSV injection")
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")
SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    width: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


# --- values ---------------------------------------------------------------------------------


def clean_text(value) -> str:
    """A stored text as it may be written: without the control characters XML refuses."""
    return ILLEGAL.sub("", str(value))


def csv_text(value) -> str:
    """A text for a CSV cell that no spreadsheet runs: a leading formula character is
    escaped with `'` (OWASP)."""
    text = clean_text(value)
    return f"'{text}" if text.startswith(FORMULA_LEADS) else text


def _local(value: datetime, tz: str | None) -> datetime:
    if tz and value.tzinfo is not None:
        value = value.astimezone(ZoneInfo(tz))
    return value.replace(tzinfo=None)


def _comma(value: Decimal) -> str:
    return f"{value}".replace(".", ",")


def duration_text(seconds) -> str:
    seconds = int(seconds)
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def csv_value(kind: str, value, tz: str | None = None) -> str:
    """A cell as Russian Excel reads a CSV: decimal comma, `0:12:40`, `дд.мм.гггг`."""
    if value is None or value == "":
        return ""
    if kind == NUMBER:
        return str(int(value))
    if kind == MONEY:
        return format_money(value, decimal_mark=",")
    if kind == PERCENT:
        share = share_rounded(value)
        return _comma(Decimal(format(share.normalize(), "f")) if share else Decimal(0))
    if kind == DURATION:
        return duration_text(value)
    if kind == DATETIME and isinstance(value, datetime):
        return f"{_local(value, tz):%d.%m.%Y %H:%M}"
    if kind in (DATE, DATETIME) and isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    return csv_text(value)


def xlsx_value(kind: str, value, tz: str | None = None):
    """A cell's value for openpyxl: numbers as numbers, days and moments as dates (naive,
    in the time zone given), durations as fractions of a day, text as cleaned text."""
    if value is None or value == "":
        return None
    if kind == NUMBER:
        return int(value)
    if kind == MONEY:
        return money(value)
    if kind == PERCENT:
        return float(value)
    if kind == DURATION:
        return int(value) / 86400
    if kind == DATETIME and isinstance(value, datetime):
        return _local(value, tz)
    if kind in (DATE, DATETIME) and isinstance(value, date):
        return value
    return clean_text(value)


# --- files ----------------------------------------------------------------------------------


def sheet_title(title: str) -> str:
    return SHEET_TITLE_BAD.sub(" ", clean_text(title))[:31].strip() or "Sheet"


def _cell(sheet, kind: str, value, tz: str | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=xlsx_value(kind, value, tz))
    if cell.data_type == "f":  # a text starting with "=": a string, never a formula
        cell.data_type = "s"
    if kind in NUMBER_FORMATS and cell.value is not None:
        cell.number_format = NUMBER_FORMATS[kind]
    return cell


def xlsx_chunks(
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    *,
    title: str,
    tz: str | None = None,
    count: int | None = None,
) -> Iterator[bytes]:
    """The workbook: a bold, wrapped, frozen header row (with a filter over the `count`
    rows when the caller knows it), column widths, typed cells; written row by row to a
    temporary file and streamed from it."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = column.width or max(WIDTHS[column.kind], min(len(str(column.label)) + 2, 40))
        sheet.column_dimensions[get_column_letter(index)].width = width
    if count is not None and columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    header = []
    for column in columns:
        cell = _cell(sheet, TEXT, str(column.label), None)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    kinds = [c.kind for c in columns]
    for row in rows:
        sheet.append([_cell(sheet, k, v, tz) for k, v in zip(kinds, row, strict=True)])
    with tempfile.TemporaryFile() as tmp:
        book.save(tmp)
        tmp.seek(0)
        while chunk := tmp.read(64 * 1024):
            yield chunk


class _Echo:
    def write(self, value):
        return value


def csv_chunks(
    columns: Sequence[Column], rows: Iterable[Sequence], *, tz: str | None = None
) -> Iterator[str]:
    """UTF-8 with a BOM (Excel reads Cyrillic right), `;`-separated, one line per row."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    yield writer.writerow([csv_text(c.label) for c in columns])
    kinds = [c.kind for c in columns]
    for row in rows:
        yield writer.writerow([csv_value(k, v, tz) for k, v in zip(kinds, row, strict=True)])


def file_response(
    fmt: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    *,
    filename: str,
    title: str,
    tz: str | None = None,
    count: int | None = None,
) -> StreamingHttpResponse:
    """An attachment in `fmt` ("xlsx" or "csv"), streamed."""
    if fmt == "csv":
        content = csv_chunks(columns, rows, tz=tz)
    elif fmt == "xlsx":
        content = xlsx_chunks(columns, rows, title=title, tz=tz, count=count)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    response = StreamingHttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- reading uploaded tables --------------------------------------------------------------


class TableRefused(ValueError):
    """An uploaded table we do not read: `message` a message id, `params` its values."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message)
        self.message = message
        self.params = params

    def render(self) -> str:
        return gettext(self.message) % self.params if self.params else gettext(self.message)


def echo(value: Any) -> str:
    """A refused value quoted back: a short prefix, never the whole of it."""
    text = clean_text(value)
    short = text[: limits.TABLE_ECHO]
    return short + "…" if len(text) > len(short) else short


def _xlsx_size_check(data: BinaryIO) -> None:
    try:
        with zipfile.ZipFile(data) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableRefused(N_("The file is not a readable XLSX workbook.")) from exc
    finally:
        data.seek(0)
    if inflated > limits.TABLE_UNCOMPRESSED_BYTES:
        raise TableRefused(
            N_("The workbook unpacks to more than %(mb)s MB; split it into smaller files."),
            mb=limits.TABLE_UNCOMPRESSED_BYTES // (1024 * 1024),
        )


def xlsx_lines(data: BinaryIO) -> Iterator[list[Any]]:
    """The first sheet's lines, streamed (read-only, values only): refused before parsing
    when its parts unpack to more than the limit, and never padded to the dimensions the
    file declares. Check them with `checked_lines`."""
    _xlsx_size_check(data)
    try:
        book = load_workbook(data, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise TableRefused(N_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # a declared A1:XFD1048576 would pad every row
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except TableRefused:
        raise
    except Exception as exc:
        raise TableRefused(N_("The file is not a readable XLSX workbook.")) from exc
    finally:
        book.close()


def checked_lines(lines: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    """Lines as read, refused (TableRefused) past the line or column limit, or at a cell
    that is too long or holds control characters (tab and line breaks are text)."""
    for number, line in enumerate(lines, start=1):
        if number > limits.TABLE_LINES:
            raise TableRefused(
                N_("More than %(max)s lines in one file; split it."), max=limits.TABLE_LINES
            )
        line = list(line)
        while line and line[-1] in (None, ""):
            line.pop()
        if len(line) > limits.TABLE_COLUMNS:
            raise TableRefused(
                N_("Line %(line)s has more than %(max)s columns."),
                line=number,
                max=limits.TABLE_COLUMNS,
            )
        for column, value in enumerate(line, start=1):
            if not isinstance(value, str):
                continue
            if len(value) > limits.TABLE_CELL:
                raise TableRefused(
                    N_(
                        "Line %(line)s, column %(column)s: more than %(max)s characters "
                        "(%(value)s)."
                    ),
                    line=number,
                    column=column,
                    max=limits.TABLE_CELL,
                    value=echo(value),
                )
            if ILLEGAL.search(value):
                raise TableRefused(
                    N_(
                        "Line %(line)s, column %(column)s: control characters are not "
                        "allowed (%(value)s)."
                    ),
                    line=number,
                    column=column,
                    value=echo(value),
                )
        yield line


def csv_lines(text: str, delimiter: str) -> Iterator[list[str]]:
    """A CSV's lines; a field over the csv module's limit is a refusal, not a crash."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise TableRefused(
            N_("Line %(line)s cannot be read as CSV."), line=reader.line_num
        ) from exc


UPLOAD_ENCODINGS = ("utf-8-sig", "cp1251")  # UTF-8 with or without a BOM; Russian Excel's


def _upload_text(content: bytes) -> str:
    for encoding in UPLOAD_ENCODINGS:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:  # UTF-16 or a binary file under a .csv name
            return text
        break
    raise TableRefused(N_("The file cannot be read."))


def upload_lines(data: BinaryIO, filename: str) -> Iterator[list[Any]]:
    """The one reader of an uploaded table: its lines, checked (`checked_lines`) while
    read. An XLSX (by its name or its zip signature) through `xlsx_lines`; a CSV (.csv,
    .txt) in UTF-8 with or without a BOM, else Windows-1251 (what Russian Excel saves),
    separated by `;` or `,` (whichever its first line has more of). Another kind of file,
    or text in neither encoding, is a `TableRefused`."""
    name = filename.lower()
    signature = data.read(2)
    data.seek(0)
    if name.endswith(".xlsx") or signature == b"PK":
        return checked_lines(xlsx_lines(data))
    if name.endswith((".csv", ".txt")):
        text = _upload_text(data.read())
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        return checked_lines(csv_lines(text, delimiter))
    raise TableRefused(N_("Upload an .xlsx or .csv file."))
