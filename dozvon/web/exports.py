"""X-11: the order list of the current filter exported to XLSX and CSV through the one
writer (`core/tabular.py`): typed cells, headers in the user's language, no user-entered
text ever run as a formula, CSV as Russian Excel reads it. What a reader of the file needs
to act on an order: the products, the delivery (method, address, date, cost) and the
payment (method, status, paid). Both formats stream, so a large list never times out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dozvon.core import clock, plugins, tabular
from dozvon.core.http_errors import domain_errors
from dozvon.core.phones import format_phone
from dozvon.core.tabular import DATE, DATETIME, MONEY, NUMBER, TEXT, Column
from dozvon.delivery.models import DeliveryMethod
from dozvon.orders.export_columns import ExportColumns
from dozvon.orders.models import Order, OrderItem
from dozvon.playbooks.fields import ALL_ADDRESS_PARTS
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import READ, ensure_can
from dozvon.projects.http import project_or_404
from dozvon.web.forms import PAYMENT_LABELS
from dozvon.web.order_list import filtered_orders, list_filter

CHUNK = 2000


def order_columns() -> list[Column]:
    return [
        Column(_("Number"), NUMBER, 10),
        Column(_("Created"), DATETIME, 17),
        Column(_("Customer"), TEXT, 32),
        Column(_("Phone"), TEXT, 18),
        Column(_("Status"), TEXT, 18),
        Column(_("Problem"), TEXT, 20),
        Column(_("Products"), TEXT, 40),
        Column(_("Goods total"), MONEY, 12),
        Column(_("Total"), MONEY, 12),
        Column(_("Currency"), TEXT, 8),
        Column(_("Delivery method"), TEXT, 18),
        Column(_("Delivery address"), TEXT, 45),
        Column(_("Delivery date"), DATE, 12),
        Column(_("Delivery cost"), MONEY, 12),
        Column(_("Payment method"), TEXT, 18),
        Column(_("Payment status"), TEXT, 14),
        Column(_("Paid amount"), MONEY, 12),
        Column(_("Responsible"), TEXT, 22),
        Column(_("Latest comment"), TEXT, 40),
    ]


def address_text(address) -> str:
    """An address as one line, its parts in the usual order (postal code first)."""
    if not isinstance(address, dict):
        return ""
    return ", ".join(str(address[p]) for p in ALL_ADDRESS_PARTS if address.get(p))


def products_text(items) -> str:
    return "; ".join(f"{i.name} × {i.quantity}" for i in items)


def order_rows(project, qs, extras: Sequence[ExportColumns] = ()) -> Iterator[list]:
    """The export's rows, read in chunks (never the whole list in memory), items with
    each chunk, and the playbook plug-in's columns (`extras`) after the engine's, read
    once a chunk."""
    widths = [len(extra.columns()) for extra in extras]
    orders = iter(order_cells(project, qs))
    while chunk := list(islice(orders, CHUNK)):
        found = [extra.values([order.pk for order, _cells in chunk]) for extra in extras]
        for order, cells in chunk:
            for values, width in zip(found, widths, strict=True):
                cells += list(values.get(order.pk) or [""] * width)
            yield cells


def order_cells(project, qs) -> Iterator[tuple[Order, list]]:
    """Each order with the engine's cells of its row."""
    pb = playbook_def(project.playbook)
    lang = get_language()
    deliveries = {m.code: m.name(lang) for m in DeliveryMethod.objects.filter(project=project)}
    items = Prefetch("items", queryset=OrderItem.objects.order_by("-is_main", "id"))
    qs = qs.select_related("responsible").prefetch_related(items)
    for order in qs.iterator(chunk_size=CHUNK):
        status = pb.statuses.get(order.status)
        problem = pb.problems.get(order.problem)
        responsible = order.responsible
        payment = order.payment_method
        yield (
            order,
            [
                order.pk,
                order.created_at,
                order.customer_name,
                format_phone(order.phone),
                status.names.get(lang) if status else order.status,
                problem.get(lang) if problem else order.problem,
                products_text(order.items.all()),
                order.goods_total,
                order.total,
                order.currency,
                deliveries.get(order.delivery_method, order.delivery_method),
                address_text(order.delivery_address),
                order.delivery_date,
                order.delivery_cost,
                _(PAYMENT_LABELS[payment]) if payment in PAYMENT_LABELS else payment,
                order.payment_status,
                order.paid_amount,
                (responsible.get_full_name() or responsible.username) if responsible else "",
                order.last_comment,
            ],
        )


@login_required
@domain_errors
def orders_export(request, slug, fmt):
    project = project_or_404(request, slug)
    ensure_can(request.user, project, READ)
    if fmt not in {"xlsx", "csv"}:
        raise Http404
    f = list_filter(request.GET)
    pb = playbook_def(project.playbook)
    qs = filtered_orders(project, f, pb=pb, now=clock.now())
    extras = plugins.for_playbook(plugins.EXPORT_COLUMNS, pb)  # the plug-in's own columns
    stamp = f"{clock.now().astimezone(ZoneInfo(project.time_zone)):%Y-%m-%d_%H%M}"
    return tabular.file_response(
        fmt,
        order_columns() + [column for extra in extras for column in extra.columns()],
        order_rows(project, qs, extras),
        filename=f"{project.slug}-orders-{stamp}.{fmt}",
        title=_("Orders"),
        tz=project.time_zone,
    )
