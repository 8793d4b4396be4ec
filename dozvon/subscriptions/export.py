"""SUB-6: the "green group" registry as an XLSX file — one row per subscription, the
outcome columns as numbers (1 = yes), the issues bought, whether a refund was escalated.

The headers and the names in the cells are the partner's registry format, in Russian
whatever the operator's language (SUB-6); the file is written with the order export's
helpers (`web/exports.py`: bold frozen header row, streamed from a temporary file).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from dozvon.core.phones import format_phone
from dozvon.subscriptions import rules
from dozvon.subscriptions.selectors import registry_rows
from dozvon.web.exports import _bold

SHEET = "Зелёная группа"
# (header, column width)
COLUMNS = (
    ("Номер подписки", 16),
    ("Клиент", 32),
    ("Телефон", 18),
    ("Email", 26),
    ("Коллекция", 22),
    ("Группа", 12),
    ("План", 12),
    ("Статус", 11),
    ("Дата первого обращения", 14),
    ("Обращений", 11),
    ("Остался на ускоренном плане", 14),
    ("Купил часть оставшихся выпусков", 14),
    ("Купил все оставшиеся выпуски", 14),
    ("Подумает", 11),
    ("Просит вернуть деньги", 12),
    ("Куплено выпусков", 11),
    ("Номера купленных выпусков", 24),
    ("Возврат передан партнёру", 12),
    ("Оператор", 22),
    ("Комментарий", 50),
)
GROUP_NAMES = {rules.UNTOUCHED: "не трогаем", rules.GREEN: "зелёная", rules.PINK: "розовая"}
PLAN_NAMES = {rules.BASE: "базовый", rules.ACCELERATED: "ускоренный"}
STATUS_NAMES = {rules.ACTIVE: "активна", rules.CANCELLED: "отменена"}


def registry_table(
    project, *, date_from: date | None = None, date_to: date | None = None
) -> Iterator[list]:
    """The header, then one row per subscription (typed cells: numbers, dates)."""
    zone = ZoneInfo(project.time_zone)
    yield [name for name, _ in COLUMNS]
    for row in registry_rows(project, date_from=date_from, date_to=date_to):
        sub = row["subscription"]
        first = row["first_contact_at"]
        operator = row["operator"]
        yield [
            sub.number,
            sub.customer.full_name,
            format_phone(sub.customer.phone),
            sub.customer.email,
            sub.collection.name,
            GROUP_NAMES.get(sub.group, sub.group),
            PLAN_NAMES.get(sub.plan, sub.plan),
            STATUS_NAMES.get(sub.status, sub.status),
            first.astimezone(zone).date() if first else None,
            row["contacts"],
            *(row["outcomes"][code] for code in rules.OUTCOMES),
            len(row["issues"]),
            ", ".join(map(str, row["issues"])),
            row["refund_escalated"],
            (operator.get_full_name() or operator.username) if operator else "",
            row["comment"],
        ]


def _day(sheet, value: date) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "DD.MM.YYYY"
    return cell


def registry_xlsx(rows: Iterator[list]) -> Iterator[bytes]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.freeze_panes = "A2"
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header = next(rows)
    sheet.append([_bold(sheet, value) for value in header])
    for row in rows:
        sheet.append([_day(sheet, v) if isinstance(v, date) else v for v in row])
    with tempfile.TemporaryFile() as tmp:
        book.save(tmp)
        tmp.seek(0)
        while chunk := tmp.read(64 * 1024):
            yield chunk
