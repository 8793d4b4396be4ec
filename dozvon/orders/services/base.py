"""The steps every order change shares: lock the row after the access check, respect the
claim (COD-9), check and bump the version, write queue routing, read the catalogue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from dozvon.catalog.models import Product
from dozvon.core.errors import Conflict, NotFound, RuleViolations, violation
from dozvon.customers.rules import name_key
from dozvon.orders import rules as order_rules
from dozvon.orders.claims import claim_is_live
from dozvon.orders.models import Order
from dozvon.playbooks.engine import RouteDecision
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import ensure_can, is_supervising


def _locked(order_id: int) -> Order | None:
    """The one row-lock recipe of an order change: the order's row only (not its project's
    or customer's), with what every service reads of it."""
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("project", "project__playbook", "customer")
        .filter(pk=order_id)
        .first()
    )


def lock_order(*, order_id: int, actor, action: str) -> Order:
    """Inside a transaction: the locked row, after the access check (404 outside projects)."""
    order = _locked(order_id)
    if order is None:
        raise NotFound()
    ensure_can(actor, order.project, action)
    return order


def lock_order_for_system(order_id: int) -> Order | None:
    """Inside a transaction: the system actor's lock (a worker's pass, a trigger, a
    plug-in's periodic task), `lock_order`'s lock without a user's access check — nobody
    asked for the change. None when the order is gone. Only for code that works every
    project of its kind by itself, never with an id a caller chose."""
    return _locked(order_id)


def ensure_claim_allows(order: Order, actor, now: datetime) -> None:
    """COD-9: while one operator holds a live claim, no other operator works the order
    (a supervisor may step in)."""
    if not order.claimed_by_id or order.claimed_by_id == actor.pk:
        return
    if is_supervising(actor, order.project):
        return
    if claim_is_live(order, now=now):
        raise RuleViolations(
            [
                violation(
                    playbook_def(order.project.playbook).claim_rule,
                    "claimed_by",
                    "Another operator is working on this order.",
                )
            ]
        )


def ensure_open(order: Order, pb) -> None:
    """X-7: an order in a final status (COD: confirmed, rejected, invalid; SHOP: done,
    cancelled) is closed: no result, item or edit until a supervisor reopens it."""
    status = pb.statuses.get(order.status)
    if status is not None and status.final:
        raise RuleViolations(
            [
                violation(
                    "X-7",
                    "status",
                    "The order is closed (%(status)s); a supervisor can reopen it.",
                    status=status.names.ru,
                )
            ]
        )


def check_version(order: Order, version: int | None) -> None:
    if version is not None and version != order.version:
        raise Conflict(order.version)


def bump_version(order: Order, now: datetime, fields: Sequence[str]) -> None:
    order.version += 1
    order.updated_at = now
    order.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])


def apply_route(order: Order, decision: RouteDecision, *, keep_callback: bool = False) -> list[str]:
    """Where the order waits next (COD-1…6, 17): bucket, due time and callback time from
    the routing decision of a call or an outcome; the fields written. A failed call keeps
    an agreed callback time when its decision names none (`keep_callback`)."""
    order.bucket, order.due_at = decision.bucket, decision.due_at
    if decision.callback_at is not None or not keep_callback:
        order.callback_at = decision.callback_at
    return ["bucket", "due_at", "callback_at"]


def catalog(project, skus) -> dict[str, Product]:
    """The project's products with these SKUs, by SKU (one read per change)."""
    return {p.sku: p for p in Product.objects.filter(project=project, sku__in=set(skus))}


def facts(products: Mapping[str, Product]) -> dict[str, order_rules.ProductFact]:
    """What the item rules need to know of each product."""
    return {
        sku: order_rules.ProductFact(p.sku, p.price, p.max_discount_percent, p.is_active)
        for sku, p in products.items()
    }


def lines_of(order: Order) -> list[order_rules.LineFact]:
    return [
        order_rules.LineFact(i.net_unit_price, i.quantity, i.discount_percent)
        for i in order.items.all()
    ]


def recompute_totals(order: Order) -> None:
    order.goods_total, order.total = order_rules.totals(lines_of(order), order.delivery_cost)


def search_key(order: Order) -> str:
    """What name search matches: the name as ordered and the customer's current name."""
    return name_key(f"{order.customer_name} {order.customer.full_name}")[:700]


def plain(value: Any) -> Any:
    """A value as the timeline and audit keep it (JSON)."""
    if isinstance(value, (dict, list, str, int, float, bool)) or value is None:
        return value
    return str(value)
