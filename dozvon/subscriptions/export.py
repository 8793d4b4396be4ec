"""SUB-6: the registry as an XLSX or CSV file — one row per subscription of the list's
filter (phone, number, group, status) and, optionally, the contacts' date range: the
outcome columns as numbers (1 = yes), the issues bought, whether a refund was escalated.

The headers and the names in the cells are the partner's registry format, in Russian
whatever the operator's language (SUB-6); group, plan and status are written by their
names, never as codes. The file is written by the one writer every export uses
(`core/tabular.py`): no user-entered text is ever run as a formula, CSV as Russian Excel
reads it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import Http404

from dozvon.core import clock, tabular
from dozvon.core.http_errors import domain_errors
from dozvon.core.phones import format_phone
from dozvon.core.tabular import DATE, NUMBER, TEXT, Column
from dozvon.projects.access import SUPERVISE, ensure_can
from dozvon.projects.http import project_or_404
from dozvon.subscriptions import rules
from dozvon.subscriptions.selectors import keeps_subscriptions, registry_rows, subscriptions_list

SHEET = "Реестр подписок"
# (header, column width): the partner's registry format
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
DATES = {"Дата первого обращения"}
TEXTS = {"Номер подписки", "Клиент", "Телефон", "Email", "Коллекция", "Группа", "План"}
TEXTS |= {"Статус", "Номера купленных выпусков", "Оператор", "Комментарий"}
TABLE = tuple(
    Column(name, DATE if name in DATES else TEXT if name in TEXTS else NUMBER, width)
    for name, width in COLUMNS
)
GROUP_NAMES = {rules.UNTOUCHED: "не трогаем", rules.GREEN: "зелёная", rules.PINK: "розовая"}
PLAN_NAMES = {rules.BASE: "базовый", rules.ACCELERATED: "ускоренный"}
STATUS_NAMES = {rules.ACTIVE: "активна", rules.CANCELLED: "отменена"}
FILTERS = ("phone", "number", "group", "status")


def list_filter(params: Mapping) -> dict[str, str]:
    """The subscriptions list's filter from GET parameters; an unknown group or status is
    no filter (as on the list)."""
    f = {k: (params.get(k) or "").strip()[:64] for k in FILTERS}
    if f["group"] not in GROUP_NAMES:
        f["group"] = ""
    if f["status"] not in STATUS_NAMES:
        f["status"] = ""
    return f


def sheet_name(f: Mapping[str, str]) -> str:
    group = f.get("group")
    return f"Реестр — {GROUP_NAMES[group]} группа" if group in GROUP_NAMES else SHEET


def registry_table(
    project,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    subscription_ids: set[int] | None = None,
) -> Iterator[list]:
    """The header, then one row per subscription (typed values: numbers, dates); only
    `subscription_ids` when given (the list's filter)."""
    zone = ZoneInfo(project.time_zone)
    yield [name for name, _ in COLUMNS]
    for row in registry_rows(project, date_from=date_from, date_to=date_to):
        sub = row["subscription"]
        if subscription_ids is not None and sub.pk not in subscription_ids:
            continue
        first = row["first_contact_at"]
        operator = row["operator"]
        yield [
            sub.number,
            sub.customer.full_name,
            format_phone(sub.customer.phone),
            sub.customer.email,
            sub.collection.name,
            GROUP_NAMES.get(sub.group, ""),
            PLAN_NAMES.get(sub.plan, ""),
            STATUS_NAMES.get(sub.status, ""),
            first.astimezone(zone).date() if first else None,
            row["contacts"],
            *(row["outcomes"][code] for code in rules.OUTCOMES),
            len(row["issues"]),
            ", ".join(map(str, row["issues"])),
            row["refund_escalated"],
            (operator.get_full_name() or operator.username) if operator else "",
            row["comment"],
        ]


def registry_xlsx(rows: Iterator[list], *, title: str = SHEET) -> Iterator[bytes]:
    """`registry_table`'s rows as a workbook (its header row is the columns')."""
    next(rows)
    return tabular.xlsx_chunks(TABLE, rows, title=title)


def _day(value: str | None) -> date | None:
    return rules.parse_date(value) if value else None


@login_required
@domain_errors
def registry_export(request, slug, fmt="xlsx"):
    """SUB-6: the registry of what the list's filter shows, as XLSX or CSV, optionally
    for a range of contact dates; supervisors of a SUB project only."""
    project = project_or_404(request, slug)
    ensure_can(request.user, project, SUPERVISE)
    if not keeps_subscriptions(project) or fmt not in tabular.CONTENT_TYPES:
        raise Http404
    f = list_filter(request.GET)
    ids = None
    if any(f.values()):
        found = subscriptions_list(project=project, actor=request.user, **f)
        ids = set(found.values_list("pk", flat=True))
    rows = registry_table(
        project,
        date_from=_day(request.GET.get("from")),
        date_to=_day(request.GET.get("to")),
        subscription_ids=ids,
    )
    next(rows)  # the header: the columns'
    stamp = f"{clock.now().astimezone(ZoneInfo(project.time_zone)):%Y-%m-%d_%H%M}"
    return tabular.file_response(
        fmt,
        TABLE,
        rows,
        filename=f"{project.slug}-registry-{stamp}.{fmt}",
        title=sheet_name(f),
    )
