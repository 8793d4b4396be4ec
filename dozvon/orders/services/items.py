"""X-5, COD-11: adding an item (a secondary product, a gift at 100 %) to an order."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from dozvon.core.errors import RuleViolations
from dozvon.core.money import line_total
from dozvon.orders import rules as order_rules
from dozvon.orders.models import OrderItem
from dozvon.orders.services.base import (
    bump_version,
    catalog,
    check_version,
    ensure_claim_allows,
    ensure_open,
    facts,
    lock_order,
)
from dozvon.orders.services.events import Event, record
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import WORK


@transaction.atomic
def order_add_item(
    *,
    order_id: int,
    actor,
    sku: str,
    quantity: int,
    discount_percent: Decimal = Decimal(0),
    version: int | None = None,
    now: datetime,
) -> OrderItem:
    order = lock_order(order_id=order_id, actor=actor, action=WORK)
    ensure_claim_allows(order, actor, now)
    ensure_open(order, playbook_def(order.project.playbook))
    check_version(order, version)
    products = catalog(order.project, [sku])
    rule = playbook_def(order.project.playbook).discount_rule
    found = order_rules.check_item(
        index=None,
        sku=sku,
        quantity=quantity,
        discount_percent=discount_percent,
        price=None,
        products=facts(products),
        cap_discount=True,
        rule=rule,
    )
    existing = [
        order_rules.LineFact(i.net_unit_price, i.quantity, i.discount_percent)
        for i in order.items.all()
    ]
    if not found:
        lines = [*existing, order_rules.LineFact(products[sku].price, quantity, discount_percent)]
        found = order_rules.check_totals(lines, order.delivery_cost, rule=rule)
        found = [replace(v, field="quantity") if v.field.startswith("items") else v for v in found]
    if found:
        raise RuleViolations(found)
    product = products[sku]
    is_main = not existing
    item = OrderItem.objects.create(
        order=order,
        product=product,
        sku=product.sku,
        name=product.name,
        quantity=quantity,
        unit_price=product.price,
        discount_percent=discount_percent,
        line_total=line_total(product.price, quantity, discount_percent),
        is_main=is_main,
        added_at=now,
    )
    fields = ["goods_total", "total"]
    if is_main:
        order.main_product = product
        fields.append("main_product")
    order.goods_total, order.total = order_rules.totals(lines, order.delivery_cost)
    bump_version(order, now, fields)
    record(
        Event.ITEM_ADDED,
        order=order,
        actor=actor,
        now=now,
        text=f"+ {product.name} × {quantity}"
        + (f" (−{discount_percent:g}%)" if discount_percent else ""),
        data={
            "item": item.pk,
            "sku": sku,
            "quantity": quantity,
            "discount_percent": str(discount_percent),
            "gift": discount_percent >= 100,
        },
    )
    return item
