"""Subscriptions files for the import tests (X-10, issue 25): CSV and XLSX of n rows."""

from __future__ import annotations

import io

from openpyxl import Workbook

HEADER = (
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
IMPORT = "/p/sub/subscriptions/import"


def row(n: int, **over) -> dict:
    values = {
        "number": f"L-{n:05d}",
        "name": "Иванова Анна",
        "phone": f"+7916{1_000_000 + n:07d}",
        "email": "",
        "collection": "im",
        "plan": "base",
        "issues_total": "100",
        "issues_delivered": "10",
        "group": "",
        "suspend_on": "31.12.2027",
    }
    return {**values, **over}


def csv_file(rows: list[dict], name: str = "subs.csv") -> io.BytesIO:
    lines = [";".join(HEADER)] + [";".join(str(r[k]) for k in HEADER) for r in rows]
    upload = io.BytesIO(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    upload.name = name
    return upload


def csv_of(count: int, **over) -> io.BytesIO:
    return csv_file([row(n, **over) for n in range(count)])


def xlsx_file(rows: list[list], name: str = "subs.xlsx") -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    for values in rows:
        sheet.append(values)
    content = io.BytesIO()
    book.save(content)
    content.seek(0)
    content.name = name
    return content


def named(content: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def upload(client, file) -> str:
    """The file uploaded; the URL of its preview."""
    response = client.post(IMPORT, {"file": file})
    assert response.status_code == 303, response.content[:500]
    return response["Location"]
