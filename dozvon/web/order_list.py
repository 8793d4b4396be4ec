"""The order list's filters, as retailCRM users expect them (issue 12, X-4, X-11): search
by name in any word order, phone or number; status, status group, queue, arrival days,
operator, product; sorting by column. The workspace shows a page of it and the exports
write all of it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import QuerySet

from dozvon.orders import selectors as order_sel
from dozvon.queues.selectors import queue_filter
from dozvon.web.forms import parse_day, parse_int


@dataclass(frozen=True)
class ListFilter:
    q: str = ""
    status: str = ""
    status_group: str = ""
    queue: str = ""
    created_from: date | None = None
    created_to: date | None = None
    operator: int | None = None
    product: str = ""
    sort: str = ""
    page_size: int = 20

    def query(self, **changes) -> str:
        """The filter as a query string (for pages, sorting links and exports)."""
        values = {**asdict(self), **changes}
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    def sort_by(self, column: str) -> str:
        """The query string that sorts by `column`, flipping the direction when it is the
        current sort."""
        return self.query(sort=f"-{column}" if self.sort == column else column, page="")


def _day(value) -> date | None:
    """27.11.2026 as operators type it, or ISO; anything else is no filter."""
    try:
        day = parse_day(value or "")
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2099 else None


def list_filter(params) -> ListFilter:
    """Parse GET parameters leniently: a malformed value is ignored, never a 500."""

    def text(name: str, size: int = 40) -> str:
        return (params.get(name) or "").strip()[:size]

    operator = parse_int(params.get("operator"), 0, 0, 2**31 - 1)
    sort = text("sort")
    return ListFilter(
        q=text("q", 200),
        status=text("status"),
        status_group=text("status_group"),
        queue=text("queue"),
        created_from=_day(params.get("from")) or _day(params.get("created_from")),
        created_to=_day(params.get("to")) or _day(params.get("created_to")),
        operator=operator or None,
        product=text("product", 64),
        sort=sort if sort.lstrip("-") in order_sel.SORTS else "",
        page_size=parse_int(params.get("page_size"), 20, 1, 100),
    )


def filtered_orders(project, f: ListFilter, *, pb, now) -> QuerySet:
    qs = order_sel.order_list(
        project=project,
        q=f.q or None,
        status=f.status or None,
        status_group=f.status_group or None,
        created_from=f.created_from,
        created_to=f.created_to,
        responsible=f.operator,
        product=f.product or None,
        sort=f.sort,
    )
    queue = next((x for x in pb.queues if x.code == f.queue), None)
    if queue is not None:
        qs = qs.filter(queue_filter(queue, now=now, tz=project.time_zone))
    return qs
