"""Issue 26, one table reader: the SUB import reads its file with
`core.tabular.upload_lines`, as NBO's lists are read — Windows-1251 from Russian Excel,
`,` or `;`, a workbook by its zip signature — and keeps its own checks (10 MB, an empty
file) and its own word for a file of another kind (X-10)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from dozvon.subscriptions import importing
from dozvon.subscriptions.importing import read_sheet
from tests.subscriptions.support_import import HEADER, row

pytestmark = pytest.mark.nodb

ROWS = [row(1), row(2, name="Петров Пётр")]


def _csv(delimiter: str, encoding: str) -> bytes:
    lines = [delimiter.join(HEADER)] + [delimiter.join(str(r[k]) for k in HEADER) for r in ROWS]
    return "\n".join(lines).encode(encoding)


def _xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    for r in ROWS:
        sheet.append([r[k] for k in HEADER])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _problems(sheet):
    return [(v.rule, v.field, v.message) for v in sheet.problems]


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (_csv(";", "utf-8-sig"), "subs.csv"),
        (_csv(",", "utf-8"), "SUBS.CSV"),
        (_csv(";", "cp1251"), "subs.csv"),  # what Russian Excel saves
        (_csv(";", "utf-8"), "subs.txt"),
        (_xlsx(), "subs.xlsx"),
        (_xlsx(), "subs"),  # a workbook without its ending: the zip signature
    ],
    ids=["utf8-bom", "comma", "cp1251", "txt", "xlsx", "xlsx-by-signature"],
)
def test_a_subscriptions_file_reads_the_same_whatever_its_format_x_10(content, filename):
    sheet = read_sheet(content, filename)
    assert sheet.problems == []
    assert [(r["number"], r["name"]) for r in sheet.rows] == [
        ("L-00001", "Иванова Анна"),
        ("L-00002", "Петров Пётр"),
    ]
    assert sheet.lines == [2, 3]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (_csv(";", "utf-8"), "subs.pdf", "Upload an XLSX or CSV file."),  # its own words
        (b"", "subs.csv", "The file is empty."),
        (b"x" * (importing.MAX_FILE_BYTES + 1), "subs.csv", "The file is larger than 10 MB."),
        ("number;name".encode("utf-16"), "subs.csv", "The file cannot be read."),
        (b"PK not a zip", "subs.xlsx", "The file is not a readable XLSX workbook."),
    ],
    ids=["other-kind", "empty", "too-large", "utf-16", "broken-xlsx"],
)
def test_a_file_that_is_not_read_says_why_x_10(content, filename, message):
    sheet = read_sheet(content, filename)
    assert _problems(sheet) == [("X-10", "file", message)] and sheet.rows == []


def test_a_file_over_the_row_limit_is_refused_without_reading_it_all_x_10(monkeypatch):
    monkeypatch.setattr(importing, "MAX_FILE_ROWS", 3)
    read = []

    def lines(data, filename):
        yield list(HEADER)
        for n in range(100_000):
            read.append(n)
            yield [row(n)[k] for k in HEADER]

    monkeypatch.setattr(importing, "upload_lines", lines)
    sheet = read_sheet(b"anything", "subs.csv")
    assert _problems(sheet) == [("X-10", "file", "More than %(max)s rows in one file.")]
    assert len(read) < 100  # a few lines past the limit, not the whole file
