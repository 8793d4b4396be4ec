"""SUB-5: an operator applies the project's operator-only promo code to an order during
the call. The only code that writes promo discounts.

The recipe of the order services: transaction → lock the order after the access check
(WORK: an operator or a supervisor of the project, never an integration token) → claim
and open → pure rules (`promo_rules`) → write each eligible item's fixed discount per
unit and the totals through the same money code → one timeline line "Special discount
applied by …", its audit row and its changes-feed row. The code text is kept only on the
`PromoCode` row and linked by `PromoApplication`: it is written nowhere else.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_noop as N_

from dozvon.core import clock
from dozvon.core.errors import RuleViolations
from dozvon.core.money import format_money, line_total
from dozvon.orders import rules as order_rules
from dozvon.orders.models import Order, OrderItem
from dozvon.orders.services.base import bump_version, ensure_claim_allows, ensure_open, lock_order
from dozvon.orders.services.events import Event, Line, record
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import WORK
from dozvon.subscriptions import promo_rules
from dozvon.subscriptions.models import CollectionIssue, PromoApplication, PromoCode

SPECIAL_DISCOUNT = N_("Special discount applied by %(operator)s")


def promo_find(project, code: str) -> PromoCode | None:
    text = promo_rules.normalize_code(code)
    if not text:
        return None
    return PromoCode.objects.select_related("collection").filter(project=project, code=text).first()


def promo_products(promo: PromoCode) -> set[int]:
    return set(
        CollectionIssue.objects.filter(collection_id=promo.collection_id).values_list(
            "product_id", flat=True
        )
    )


def actor_name(actor) -> str:
    """The operator as people read the history: the full name, else the login."""
    full = (actor.get_full_name() or "").strip() if hasattr(actor, "get_full_name") else ""
    return full or getattr(actor, "username", "") or ""


@transaction.atomic
def promo_apply(*, order_id: int, code: str, actor, now: datetime) -> Order:
    """SUB-5: apply the project's promo code to every eligible item of the order (its
    collection's issues: 999 → 552 with 447 off per unit). Refused with SUB-5 on `code`
    when unknown, inactive, expired (after its end date in the project's time zone) or
    when no item is among the collection's issues; 403 for anyone but an operator or a
    supervisor of the project; 404 outside the actor's projects. Applying it again
    changes nothing."""
    order = lock_order(order_id=order_id, actor=actor, action=WORK)
    ensure_claim_allows(order, actor, now)
    ensure_open(order, playbook_def(order.project.playbook))
    found = promo_rules.check_code_text(code)
    if found:
        raise RuleViolations(found)
    promo = promo_find(order.project, code)
    items = list(order.items.all())
    today = clock.local_date(now, order.project.time_zone)
    facts = promo.facts(promo_products(promo)) if promo is not None else None
    amounts, found = promo_rules.plan(
        facts,
        [promo_rules.ItemFacts(i.pk, i.product_id, i.unit_price, i.discount_amount) for i in items],
        today=today,
    )
    if found:
        raise RuleViolations(found)
    if not amounts:
        return order  # applied before: nothing to change
    changed = []
    for item in items:
        if item.pk in amounts:
            item.discount_amount = amounts[item.pk]
            item.line_total = line_total(
                item.unit_price, item.quantity, item.discount_percent, item.discount_amount
            )
            changed.append(item)
    OrderItem.objects.bulk_update(changed, ["discount_amount", "line_total"])
    lines = [order_rules.LineFact(i.net_unit_price, i.quantity, i.discount_percent) for i in items]
    found = order_rules.check_totals(lines, order.delivery_cost)
    if found:  # cannot happen for a discount, kept as the other services keep it
        raise RuleViolations(found)
    old_total = order.total
    order.goods_total, order.total = order_rules.totals(lines, order.delivery_cost)
    order.extra = {**order.extra, "special_discount": True}
    bump_version(order, now, ["goods_total", "total", "extra"])
    PromoApplication.objects.create(
        promo=promo,
        order=order,
        actor=actor if getattr(actor, "pk", None) else None,
        items=len(changed),
        at=now,
    )
    data = {
        "operator": actor_name(actor),
        "special_discount": True,
        "items": len(changed),
        "discount_per_unit": format_money(promo.discount_amount),
    }
    record(
        Event.EDITED,
        order=order,
        actor=actor,
        now=now,
        lines=[Line(SPECIAL_DISCOUNT, data, kind="auto")],
        changes={
            **data,
            "total": [format_money(old_total), format_money(order.total)],
        },
    )
    return order
