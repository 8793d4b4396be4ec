"""Outgoing shapes (API.md field names): money as decimal strings, times with offset."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dozvon.core import clock
from dozvon.core.money import format_money
from dozvon.customers.models import Customer
from dozvon.history.models import TimelineEntry
from dozvon.interactions.selectors import interaction_line_text
from dozvon.orders import selectors as order_sel
from dozvon.orders.models import Order
from dozvon.orders.selectors import CardParts, closing_script, order_queue_code, timeline_text
from dozvon.playbooks.fields import FieldDecl, Kind, Store, declared


def iso(value: datetime | None, tz: str) -> str | None:
    return value.astimezone(ZoneInfo(tz)).isoformat() if value else None


def field_out(decl: FieldDecl, value: Any) -> Any:
    """A declared field's value as responses carry it (playbooks/fields.py kinds)."""
    if decl.kind == Kind.MONEY:
        return format_money(value)
    if decl.kind == Kind.DATE:
        return value.isoformat() if value else None
    if decl.kind == Kind.TIME:
        return value.strftime("%H:%M") if value else None
    return value


def fields_out(obj, decls) -> dict[str, Any]:
    return {d.name: field_out(d, getattr(obj, d.name)) for d in decls}


_CUSTOMER = [d for d in declared(Store.CUSTOMER) if d.kind != Kind.PHONES]
_ORDER = [d for d in declared(Store.ORDER) if d.name != "delivery_cost"]


def customer_out(c: Customer, phones: list | None = None) -> dict[str, Any]:
    phones = list(c.phones.all()) if phones is None else phones
    return {
        "id": c.pk,
        "name": c.full_name,
        "phone_valid": c.phone_valid,
        **fields_out(c, _CUSTOMER),
        "extra_phones": [p.phone for p in phones if not p.is_main],
    }


def order_out(
    o: Order, *, now: datetime, full: bool = True, parts: CardParts | None = None
) -> dict[str, Any]:
    """The order as the API answers it; `full` with its customer and items (`parts` when
    the caller has read them: `order_card_parts`)."""
    tz = o.project.time_zone
    data: dict[str, Any] = {
        "id": o.pk,
        "project": o.project.slug,
        "external_id": o.external_id,
        "status": o.status,
        "status_group": o.status_group,
        "queue": order_queue_code(o, now=now),
        "problem": o.problem,
        "customer_name": o.customer_name,
        "phone": o.phone,
        "goods_total": format_money(o.goods_total),
        "delivery_cost": format_money(o.delivery_cost),
        "total": format_money(o.total),
        "currency": o.currency,
        "responsible": o.responsible.username if o.responsible_id else None,
        "callback_at": iso(o.callback_at, tz),
        "due_at": iso(o.due_at, tz),
        "failed_calls": o.failed_calls,
        "calls_total": o.calls_total,
        "last_comment": o.last_comment,
        "created_at": iso(o.created_at, tz),
        "updated_at": iso(o.updated_at, tz),
        "version": o.version,
    }
    if not full:
        return data
    if parts is not None:
        data["customer"] = customer_out(parts.customer, parts.phones)
    else:
        data["customer"] = customer_out(o.customer)
    data["items"] = [
        {
            "id": i.pk,
            "sku": i.sku,
            "name": i.name,
            "quantity": i.quantity,
            "price": format_money(i.unit_price),
            "discount_percent": f"{i.discount_percent:.2f}",
            # SUB-5: a fixed discount per unit shows as "special discount", never its code
            "discount_amount": format_money(i.discount_amount),
            "special_discount": i.special_discount,
            "line_total": format_money(i.line_total),
            "is_main": i.is_main,
            "gift": i.is_gift,
        }
        for i in (o.items.all() if parts is None else parts.items)
    ]
    data["special_discount"] = any(i["special_discount"] for i in data["items"])
    data["claimed_by"] = o.claimed_by.username if o.claimed_by_id else None
    data["claimed_at"] = iso(o.claimed_at, tz)
    data["closing_script"] = closing_script(o)
    data["duplicate_of"] = o.extra.get("duplicate_of")
    data.update(fields_out(o, _ORDER))
    data["delivery_flag"] = o.delivery_flag
    return data


def timeline_out(e: TimelineEntry, tz: str, pb=None, reader=None) -> dict[str, Any]:
    """One history line; `reader` (`order_history_reader`) shares one order's facts."""
    return {
        "id": e.pk,
        "kind": e.kind,
        "at": iso(e.at, tz),
        "actor": e.actor.username if e.actor_id else None,
        # an order's line by its playbook, an interaction's (SUB, NBO) by its own fields
        "text": timeline_text(e, pb, reader) if pb is not None else interaction_line_text(e),
        "data": e.data,
    }


def order_response(order_id: int, request) -> dict[str, Any]:
    """The order card as the API answers it, read afresh (after a change)."""
    return card_out(order_sel.order_get(order_id=order_id, actor=request.auth), now=clock.now())


def card_out(order, *, now: datetime) -> dict[str, Any]:
    """The card of an order the caller may see: its fields, customer, items and the
    customer's other orders (the order has its project loaded)."""
    parts = order_sel.order_card_parts(order)
    data = order_out(order, now=now, parts=parts)
    tz = order.project.time_zone
    data["other_orders"] = [
        {
            "id": o.pk,
            "status": o.status,
            "created_at": iso(o.created_at, tz),
            "total": format_money(o.total),
        }
        for o in parts.other_orders
    ]
    return data
