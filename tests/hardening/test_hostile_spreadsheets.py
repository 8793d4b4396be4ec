"""Issue 25, item 3: a hostile spreadsheet costs a web worker neither gigabytes nor
minutes. A 413 KB XLSX holding one 400 MB shared string took a worker to 2.6 GB; a 700 KB
sheet of 5 million rows cost 52–99 s. The table readers (SUB import, NBO lists; X-10,
NBO-1) measure the zip's parts before openpyxl opens it and count lines, columns and cell
lengths while streaming: such files are refused within 2 s and 200 MB, with a short
message that never quotes more than a prefix of the bad value."""

from __future__ import annotations

import io
import resource
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from dozvon.core import limits
from dozvon.offers.tabular import TableError, read_table
from dozvon.subscriptions.importing import read_sheet

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
MB = 1024 * 1024
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
TAIL = b"</sheetData></worksheet>"


RELS = "xl/_rels/workbook.xml.rels"
TYPES = "[Content_Types].xml"
SST_REL = (
    b'<Relationship Id="rIdSST" Target="sharedStrings.xml" Type="http://schemas.openxmlformats'
    b'.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
)
SST_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def _xlsx(parts: dict[str, object]) -> bytes:
    """A real workbook whose parts are replaced by `parts` (bytes, or an iterable of byte
    chunks written streaming); given shared strings, the workbook refers to them."""
    book = Workbook()
    book.active["A1"] = "code"
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        originals = {name: src.read(name) for name in src.namelist()}
        if STRINGS in parts:
            originals[RELS] = originals[RELS].replace(b"</Relationships>", SST_REL)
            originals[TYPES] = originals[TYPES].replace(b"</Types>", SST_TYPE)
            originals[STRINGS] = b""
        for name, data in originals.items():
            chunks = parts.get(name)
            if chunks is None:
                dst.writestr(name, data)
                continue
            with dst.open(name, "w", force_zip64=True) as part:
                for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
                    part.write(chunk)
    return out.getvalue()


def _repeat(unit: bytes, times: int, head: bytes = HEAD, tail: bytes = TAIL):
    yield head
    block = unit * 100_000
    for _ in range(times // 100_000):
        yield block
    yield unit * (times % 100_000)
    yield tail


SST = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
SST += b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'


def _string_bomb() -> bytes:
    """One 400 MB shared string, the header cell A1 (issue 25's file)."""
    sheet = HEAD + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + TAIL
    strings = _repeat(b"A" * 1024, 400 * 1024, SST, b"</t></si></sst>")
    return _xlsx({STRINGS: strings, SHEET: sheet})


def _wide(columns: int) -> bytes:
    return _xlsx({SHEET: _repeat(b"<c><v>1</v></c>", columns, HEAD + b"<row>", b"</row>" + TAIL)})


HEADER = b"".join(
    b'<c t="inlineStr"><is><t>%s</t></is></c>' % name
    for name in (b"number", b"name", b"phone", b"offer", b"collection", b"plan")
    + (b"issues_total", b"issues_delivered", b"suspend_on")
)


def _long(lines: int) -> bytes:
    """A header both imports know, then `lines` lines."""
    head = HEAD + b"<row>" + HEADER + b"</row>"
    return _xlsx({SHEET: _repeat(b"<row><c><v>1</v></c></row>", lines, head)})


def _long_cell() -> bytes:
    cell = b'<row><c t="inlineStr"><is><t>' + b"B" * 100_000 + b"</t></is></c></row>"
    return _xlsx({SHEET: HEAD + cell + TAIL})


# the files of the issue: refused before parsing, within 2 s and 200 MB
BOMBS = {
    "a 400 MB shared string": _string_bomb,
    "5 million rows": lambda: _long(5_000_000),
    "3 million columns": lambda: _wide(3_000_000),
}
# within the size limit: refused while reading, at no more cost than the largest file an
# import takes (20 000 rows)
OVER_LIMITS = {
    "30 thousand lines": lambda: _long(30_000),
    "5000 columns": lambda: _wide(5000),
    "a 100 000 character cell": _long_cell,
}


def _refused_within_limits(read) -> str:
    """Run `read`, return its refusal's text; fail when it takes 2 s or 200 MB."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB, a high-water mark
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = read()
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert elapsed < 2, f"{elapsed:.1f} s"
    assert peak < 200 * MB and grown * 1024 < 200 * MB, (peak, grown)
    assert message and len(message) < 200 and "BBBBBBBBBBBBBBBBBBBBBBBBB" not in message
    return message


def _subscriptions(content: bytes) -> str:
    sheet = read_sheet(content, "subs.xlsx")
    assert not sheet.rows
    (problem,) = sheet.problems
    return problem.render()


def _offers(content: bytes) -> str:
    with pytest.raises(TableError) as refused:
        read_table(io.BytesIO(content), filename="ctn.xlsx", kind="eligibility")
    return str(refused.value)


@pytest.mark.parametrize("name", list(BOMBS))
@pytest.mark.parametrize("reader", [_subscriptions, _offers], ids=["X-10 subs", "NBO-1 lists"])
def test_a_workbook_bomb_is_refused_within_2_s_and_200_mb(name, reader):
    # given a hostile workbook (built before measuring)
    content = BOMBS[name]()
    assert len(content) < 2 * MB
    # when an import reads it, then it is refused within 2 s and 200 MB, with a short message
    message = _refused_within_limits(lambda: reader(content))
    assert "MB" in message or "МБ" in message


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("30 thousand lines", ("20000", "25000")),  # the import's row limit or the lines'
        ("5000 columns", ("100",)),
        ("a 100 000 character cell", ("5000",)),
    ],
)
@pytest.mark.parametrize("reader", [_subscriptions, _offers], ids=["X-10 subs", "NBO-1 lists"])
def test_a_workbook_over_the_lines_columns_or_cell_limit_is_refused_saying_which(
    name, says, reader
):
    # given a workbook within the size limit but over another
    content = OVER_LIMITS[name]()
    # when an import reads it, then the refusal names the limit, short, quoting no more
    # than a prefix of the value
    message = reader(content)
    assert any(s in message.replace("\xa0", "").replace(" ", "") for s in says), message
    assert len(message) < 200
    assert "B" * (limits.TABLE_ECHO + 1) not in message


def test_a_refused_cell_is_quoted_by_a_short_prefix_only():
    # given a CSV whose name cell is 100 000 characters long
    text = "code;name;priority;starts_on\nNEW;" + "Б" * 100_000 + ";1;01.12.2026\n"
    # when it is read, then the refusal names the line and column and quotes 20 characters
    with pytest.raises(TableError) as refused:
        read_table(io.BytesIO(text.encode()), filename="c.csv", kind="campaigns")
    message = str(refused.value)
    assert "Б" * limits.TABLE_ECHO + "…" in message and "Б" * (limits.TABLE_ECHO + 1) not in message


def test_an_ordinary_workbook_is_still_read():
    # given a workbook of 2 000 eligibility lines
    book = Workbook()
    sheet = book.active
    sheet.append(["phone", "offer"])
    for n in range(2000):
        sheet.append([f"+7916{n:07d}", "INBA"])
    content = io.BytesIO()
    book.save(content)
    content.seek(0)
    # when it is read, then every line is there
    rows = read_table(content, filename="ctn.xlsx", kind="eligibility")
    assert len(rows) == 2000 and rows[0] == (2, {"phone": "+79160000000", "offer": "INBA"})
