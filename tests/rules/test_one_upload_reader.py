"""Issue 26, one concept in one place: an uploaded table (X-10's subscriptions, NBO-1's
lists) is read by `core.tabular.upload_lines` — XLSX by its name or its zip signature,
CSV in UTF-8 (with or without a BOM) or Windows-1251, `;` or `,` — and checked against
the caps while it is read."""

from __future__ import annotations

import io

import pytest

from dozvon.core import limits
from dozvon.core.tabular import TEXT, Column, TableRefused, upload_lines, xlsx_chunks
from dozvon.offers.tabular import TableError, read_table

pytestmark = pytest.mark.nodb

LINES = [["phone", "offer", "tariff"], ["8 916 123-45-67", "INBA", "Базовый"]]


def _csv(delimiter: str, encoding: str) -> bytes:
    return "\n".join(delimiter.join(line) for line in LINES).encode(encoding)


def _xlsx() -> bytes:
    columns = [Column(label) for label in LINES[0]]
    return b"".join(xlsx_chunks(columns, LINES[1:], title="ctn"))


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (_csv(";", "utf-8-sig"), "ctn.csv"),
        (_csv(",", "utf-8"), "CTN.CSV"),
        (_csv(";", "cp1251"), "ctn.csv"),  # what Russian Excel saves
        (_csv(";", "utf-8"), "ctn.txt"),
        (_xlsx(), "ctn.xlsx"),
        (_xlsx(), "ctn.bin"),  # a workbook under another name: its zip signature
    ],
    ids=["utf8-bom-semicolon", "utf8-comma", "cp1251", "txt", "xlsx", "xlsx-by-signature"],
)
def test_an_uploaded_table_reads_the_same_whatever_its_format_x_10_nbo_1(content, filename):
    assert list(upload_lines(io.BytesIO(content), filename)) == LINES


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"phone;offer", "ctn.pdf", "Upload an .xlsx or .csv file."),
        ("phone;offer".encode("utf-16"), "ctn.csv", "The file cannot be read."),
        (b"\x98\xff\x00", "ctn.csv", "The file cannot be read."),
        (b"PK not a zip", "ctn.xlsx", "The file is not a readable XLSX workbook."),
    ],
    ids=["other-kind", "utf-16", "binary", "broken-xlsx"],
)
def test_a_file_that_is_no_table_is_refused_saying_why_x_10_nbo_1(content, filename, message):
    with pytest.raises(TableRefused) as refused:
        list(upload_lines(io.BytesIO(content), filename))
    assert refused.value.message == message


def test_the_caps_hold_while_a_csv_is_read_x_10():
    text = "phone;offer\n" + "+79161234567;INBA\n" * limits.TABLE_LINES
    with pytest.raises(TableRefused) as refused:
        list(upload_lines(io.BytesIO(text.encode()), "ctn.csv"))
    assert refused.value.params == {"max": limits.TABLE_LINES}


def test_nbo_lists_are_read_by_the_one_reader_even_in_windows_1251_nbo_1():
    # given an eligibility list saved by Russian Excel (Windows-1251, Russian headers)
    content = "Номер;Предложение;Тариф\n8 916 123-45-67;INBA;Базовый\n".encode("cp1251")
    # when the supervisor uploads it, then its rows are read (no longer "save as UTF-8")
    rows = read_table(io.BytesIO(content), filename="ctn.csv", kind="eligibility")
    assert rows == [(2, {"phone": "8 916 123-45-67", "offer": "INBA", "tariff": "Базовый"})]
    # and another kind of file is refused with the reader's message
    with pytest.raises(TableError, match=r"Upload an \.xlsx or \.csv file\."):
        read_table(io.BytesIO(content), filename="ctn.doc", kind="eligibility")


def test_every_column_kind_the_writer_makes_is_text_the_reader_returns():
    # the reader reads back what the one writer wrote (a round trip through XLSX)
    content = b"".join(xlsx_chunks([Column("a", TEXT)], [["=1+1"]], title="t"))
    assert list(upload_lines(io.BytesIO(content), "t.xlsx")) == [["a"], ["=1+1"]]
