"""X-11: the order list of the current filter exported to XLSX and CSV. Cells are typed
(numbers as numbers, dates as dates), headers in the user's language; CSV is UTF-8 with a
BOM so Excel opens it right. Both stream, so a large list never times out."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dozvon.core import clock
from dozvon.core.phones import format_phone
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import READ, ensure_can
from dozvon.web.errors import domain_errors
from dozvon.web.order_list import filtered_orders, list_filter
from dozvon.web.views import _project

CHUNK = 2000


def _rows(project, qs) -> Iterator[list]:
    """The export's rows, read in chunks of ids (never the whole list in memory)."""
    pb = playbook_def(project.playbook)
    lang = get_language()
    tz = ZoneInfo(project.time_zone)
    yield [
        _("Number"),
        _("Created"),
        _("Customer"),
        _("Phone"),
        _("Status"),
        _("Problem"),
        _("Goods"),
        _("Delivery"),
        _("Total"),
        _("Currency"),
        _("Responsible"),
        _("Latest comment"),
    ]
    qs = qs.select_related("responsible")
    for order in qs.iterator(chunk_size=CHUNK):
        status = pb.statuses.get(order.status)
        problem = pb.problems.get(order.problem)
        responsible = order.responsible
        yield [
            order.pk,
            order.created_at.astimezone(tz).replace(tzinfo=None),
            order.customer_name,
            format_phone(order.phone),
            status.names.get(lang) if status else order.status,
            problem.get(lang) if problem else order.problem,
            order.goods_total,
            order.delivery_cost,
            order.total,
            order.currency,
            (responsible.get_full_name() or responsible.username) if responsible else "",
            order.last_comment,
        ]


class _Echo:
    def write(self, value):
        return value


def _csv(rows: Iterator[list]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # UTF-8 BOM: Excel reads Cyrillic right
    for row in rows:
        yield writer.writerow([f"{v:%d.%m.%Y %H:%M}" if hasattr(v, "strftime") else v for v in row])


WIDTHS = (10, 17, 32, 18, 18, 20, 12, 12, 12, 8, 22, 40)


def _xlsx(rows: Iterator[list]) -> Iterator[bytes]:
    """A write-only workbook (rows are not kept), bold frozen header row, column widths;
    written to a temporary file and streamed from it."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Orders"))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header = next(rows)
    sheet.append([_bold(sheet, value) for value in header])
    for row in rows:
        sheet.append(row)
    with tempfile.TemporaryFile() as tmp:
        book.save(tmp)
        tmp.seek(0)
        while chunk := tmp.read(64 * 1024):
            yield chunk


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


@login_required
@domain_errors
def orders_export(request, slug, fmt):
    project = _project(request, slug)
    ensure_can(request.user, project, READ)
    if fmt not in {"xlsx", "csv"}:
        raise Http404
    f = list_filter(request.GET)
    qs = filtered_orders(project, f, pb=playbook_def(project.playbook), now=clock.now())
    rows = _rows(project, qs)
    stamp = f"{clock.now().astimezone(ZoneInfo(project.time_zone)):%Y-%m-%d_%H%M}"
    name = f"{project.slug}-orders-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            _xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
