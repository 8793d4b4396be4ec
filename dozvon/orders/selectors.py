"""Reads of orders, always through the caller's projects (404 outside them)."""

from __future__ import annotations

import functools
import operator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils.translation import get_language, gettext

from dozvon.calls.models import CallResult
from dozvon.core.compiled import CompiledRead, read_together
from dozvon.core.errors import NotFound
from dozvon.core.money import display_money
from dozvon.core.phones import parse_phone
from dozvon.customers.models import Customer, CustomerPhone
from dozvon.customers.rules import name_key
from dozvon.delivery.models import DeliveryMethod
from dozvon.history import words as history
from dozvon.history.models import TimelineEntry
from dozvon.orders.models import Order, OrderItem
from dozvon.playbooks import engine
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import ensure_visible

# The order with its project, playbook (its definition is parsed once per process:
# `playbook_def`), customer and people: the card's read, compiled once (issue 18).
_ORDER_CARD = CompiledRead(
    Order,
    lambda order_id: (
        Order.objects.select_related(
            "project", "project__playbook", "customer", "responsible", "claimed_by"
        )
        .defer("project__playbook__definition")
        .filter(pk=order_id)[:1]
    ),
    int,
)


def order_get(*, order_id: int, actor) -> Order:
    order = _ORDER_CARD.first(order_id)
    if order is None:
        raise NotFound()
    ensure_visible(actor, order.project)
    return order


def order_queue_code(order: Order, *, now: datetime) -> str | None:
    """The tab the order shows in now (COD-1…6), derived from its bucket and arrival day."""
    queue = engine.queue_of(
        playbook_def(order.project.playbook),
        bucket=order.bucket,
        created_at=order.created_at,
        failed_calls=order.failed_calls,
        now=now,
        tz=order.project.time_zone,
    )
    return queue.code if queue else None


def phone_search_variants(text: str) -> set[str]:
    digits = "".join(ch for ch in text if ch.isdigit())
    variants = {v for v in (parse_phone(text).e164, digits) if v}
    return variants


# How order lists show orders (API.md: newest first); COD-8 takes from the top of it.
LIST_ORDER = ("-created_at", "-id")
DAY = timedelta(days=1)


# Columns an order list may be sorted by (the list's own order is LIST_ORDER).
SORTS: dict[str, tuple[str, ...]] = {
    "created": ("created_at", "id"),
    "id": ("id",),
    "total": ("total", "id"),
    "customer": ("name_key", "id"),
    "status": ("status", "-created_at", "-id"),
}


def order_list(
    *,
    project,
    phone: str | None = None,
    status: str | None = None,
    q: str | None = None,
    status_group: str | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    responsible: int | None = None,
    product: str | None = None,
    sort: str = "",
) -> QuerySet[Order]:
    """Newest first (API.md) unless `sort` names a column of SORTS (`-` for descending);
    phone in any format (X-4); `q` matches a name in any word order, a phone or an id;
    arrival days `created_from`…`created_to` are the project's local days."""
    qs = Order.objects.filter(project=project).select_related("customer", "responsible")
    if status_group:
        qs = qs.filter(status_group=status_group)
    tz = ZoneInfo(project.time_zone)
    if created_from:
        qs = qs.filter(created_at__gte=datetime.combine(created_from, time.min, tzinfo=tz))
    if created_to:
        qs = qs.filter(created_at__lt=datetime.combine(created_to, time.min, tzinfo=tz) + DAY)
    if responsible:
        qs = qs.filter(responsible_id=responsible)
    if product:
        qs = qs.filter(main_product__sku=product)
    if phone:
        customers = CustomerPhone.objects.filter(
            project=project, phone__in=phone_search_variants(phone)
        ).values("customer_id")
        qs = qs.filter(customer_id__in=customers)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(_search(project, q.strip()))
    column = SORTS.get(sort.lstrip("-"))
    if column is None:
        return qs.order_by(*LIST_ORDER)
    if sort.startswith("-"):
        column = tuple(c[1:] if c.startswith("-") else f"-{c}" for c in column)
    return qs.order_by(*column)


def _search(project, q: str) -> Q:
    """X-4 `q`: the partner's order number (`external_id`, as typed or in capitals: the
    project's unique index), our order number (digits, or `#` and digits), a phone in any
    format (five digits or more, through the phones' index), or a name — every word, in
    any order (when it has a letter; a filter on the project's orders, which also matches
    the start of a partner's number there). Punctuation alone
    is matched literally, never as everything."""
    if not any(ch.isalnum() for ch in q):
        return Q(name_key__contains=q)
    cond = Q(external_id__in=sorted({q, q.upper()}))
    if any(ch.isalpha() for ch in q):  # digits alone never search names
        words = name_key(q).split()  # every word, in any order
        cond |= functools.reduce(operator.and_, (Q(name_key__contains=w) for w in words))
        if len(q) >= 4 and " " not in q:  # "PH-2400…": a prefix, on the same pass
            cond |= Q(external_id__startswith=q.upper())
    number = q.removeprefix("#").strip()
    if number.isdigit() and len(number) <= 18:
        cond |= Q(pk=int(number))
    if sum(ch.isdigit() for ch in q) >= 5 and (variants := phone_search_variants(q)):
        # resolved first: a short list of ids lets PostgreSQL OR index scans together
        # instead of walking the project's orders newest first through a subplan
        customers = CustomerPhone.objects.filter(project=project, phone__in=variants)
        cond |= Q(customer_id__in=list(customers.values_list("customer_id", flat=True)))
    return cond


def page_of(qs: QuerySet, start: int, size: int) -> list:
    """Rows [start, start + size) of an ordered queryset: the page's ids are found first
    on the ordering index alone, then only those rows are read with their joins (a deep
    OFFSET would otherwise join every skipped row)."""
    ids = list(qs.values_list("id", flat=True)[start : start + size])
    return list(qs.filter(pk__in=ids)) if ids else []


class IdsFirstPaginator(Paginator):
    """Django's paginator whose pages are read with `page_of` (ids first, then rows)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(page_of(self.object_list, bottom, self.per_page), number, self)


@dataclass(frozen=True)
class CardParts:
    """What an order's card shows besides the order row: its customer with their phones,
    its items, and the customer's latest other orders in the project (COD-19 b/d)."""

    customer: Customer
    phones: list[CustomerPhone]
    items: list[OrderItem]
    other_orders: list[Order]


OTHER_ORDERS_SHOWN = 20
# The card's reads, compiled once each (issue 18): run on every take and card request.
_CUSTOMER = CompiledRead(Customer, lambda pk: Customer.objects.filter(pk=pk)[:1], int)
_PHONES = CompiledRead(
    CustomerPhone, lambda customer_id: CustomerPhone.objects.filter(customer_id=customer_id), int
)
_ITEMS = CompiledRead(OrderItem, lambda order_id: OrderItem.objects.filter(order_id=order_id), int)


def _other_orders(project_id: int, customer_id: int, order_id: int) -> QuerySet[Order]:
    return (
        Order.objects.filter(project_id=project_id, customer_id=customer_id)
        .exclude(pk=order_id)
        .order_by("-created_at", "-id")
    )


_OTHER_ORDERS = CompiledRead(
    Order,
    lambda *ids: _other_orders(*ids).only("id", "status", "created_at", "total")[
        :OTHER_ORDERS_SHOWN
    ],
    int,
    int,
    int,
)


def order_card_parts(order: Order, *, other_orders: bool = True) -> CardParts:
    """The card's parts of an order the caller may see (checked by the caller); without
    the other orders when the answer does not show them (intake)."""
    reads = [(_PHONES, (order.customer_id,)), (_ITEMS, (order.pk,))]
    if other_orders:
        reads.append((_OTHER_ORDERS, (order.project_id, order.customer_id, order.pk)))
    loaded = Order.customer.is_cached(order)
    if not loaded:
        reads.append((_CUSTOMER, (order.customer_id,)))
    phones, items, *rest = read_together(*reads)  # one round trip (PostgreSQL)
    if not loaded:
        order.customer = rest.pop()[0]
    return CardParts(
        customer=order.customer,
        phones=phones,
        items=items,
        other_orders=rest[0] if other_orders else [],
    )


def order_other_orders(order: Order) -> QuerySet[Order]:
    """COD-19 b/d: the same customer's other orders in the project."""
    return _other_orders(order.project_id, order.customer_id, order.pk)


def order_timeline(order: Order) -> QuerySet[TimelineEntry]:
    return TimelineEntry.objects.filter(order=order).select_related("actor").order_by("id")


def closing_script(o: Order) -> str | None:
    """COD-14: the project's closing text with this order's totals filled in."""
    texts = playbook_def(o.project.playbook).settings.get("closing_script")
    if not texts:
        return None
    lang = (get_language() or "ru")[:2]
    return (texts.get(lang) or texts.get("ru", "")).format(
        goods_total=display_money(o.goods_total, o.currency),
        delivery_cost=display_money(o.delivery_cost, o.currency),
        total=display_money(o.total, o.currency),
        currency=o.currency,
    )


def timeline_text(entry: TimelineEntry, pb, reader: history.Reader | None = None) -> str:
    """A history line in the reader's language and words (X-6): automatic lines are stored
    as message ids with their data, status and edit lines with their raw values; these
    are put in words here (`history/words.py`), so old lines read right too. Lines
    without data are what people typed. `reader` carries what several lines share (one
    card's lines load the currency and the delivery methods once)."""
    reader = reader or history_reader(entry, pb)
    data = entry.data or {}
    if entry.kind == "auto":
        text = gettext(entry.text)
        values = dict(data)
        if "flag" in values:  # DUN-5: a mark by its name
            values["flag"] = history.mark_name(str(values["flag"]), pb)
        if "actor" in values and entry.actor is not None:  # a person by name, not login
            values["actor"] = history.person_name(entry.actor)
        with suppress(KeyError, ValueError, TypeError):
            text = text % values
        return text
    if entry.kind == "call" and data.get("result") in CallResult.values:
        # a call's result in the reader's language (stored in the writer's)
        return str(CallResult(data["result"]).label)
    if entry.kind == "status" and data.get("to") in pb.statuses:
        old = pb.statuses.get(data.get("from"))
        new = pb.statuses[data["to"]]
        was = old.names.get(reader.lang) if old else data.get("from")
        line = f"{was} → {new.names.get(reader.lang)}"
        details = history.outcome_details(data, reader)
        return f"{line} ({details})" if details else line
    if entry.kind == "edit" and data.get("field"):
        text = history.edit_text(data, reader)
        if text is not None:
            return text
        # a line stored without its values: its field by its label, the rest as stored
        name = str(data["field"])
        if entry.text.startswith(f"{name}: "):
            return f"{history.field_label(name)}: {entry.text[len(name) + 2 :]}"
    return entry.text


def history_reader(entry: TimelineEntry | None, pb) -> history.Reader:
    """What `timeline_text` needs to put an order's values in words; the currency and the
    delivery method names are read only when a line shows money or a method."""
    order_id = getattr(entry, "order_id", None)
    return history.Reader(
        pb=pb,
        lang=history.reader_lang(),
        currency=lambda: _order_fact(order_id, "currency"),
        methods=lambda: _method_names(order_id, history.reader_lang()),
        zone=lambda: _order_fact(order_id, "project__time_zone"),
    )


def order_history_reader(order: Order, pb) -> history.Reader:
    """One reader for all the lines of one order (the card, the API's timeline): its
    currency from the order, its project's delivery method names read once, if needed."""
    return history.Reader(
        pb=pb,
        lang=history.reader_lang(),
        currency=lambda: order.currency,
        methods=lambda: _method_names(order.pk, history.reader_lang()),
        zone=lambda: order.project.time_zone,
    )


def _order_fact(order_id: int | None, name: str) -> str:
    if order_id is None:
        return ""
    return Order.objects.filter(pk=order_id).values_list(name, flat=True).first() or ""


def _method_names(order_id: int | None, lang: str) -> dict[str, str]:
    if order_id is None:
        return {}
    methods = DeliveryMethod.objects.filter(project__orders__id=order_id)
    return {m.code: m.name(lang) for m in methods}


def project_operators(project):
    """The people who work the project's orders (for the list's operator filter)."""
    return (
        get_user_model()
        .objects.filter(memberships__project=project, memberships__role__in=WORKING_ROLES)
        .order_by("last_name", "first_name", "username")
    )


WORKING_ROLES = ("operator", "supervisor")
