"""X-10 intake: orders from partner sites and imports, idempotent by the partner's order
id; COD-19 a, c, d invalidate at once what can never be called."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop as N_

from dozvon.catalog.models import Product
from dozvon.core import limits
from dozvon.core.compiled import CompiledRead
from dozvon.core.errors import DuplicateExternalId, RuleViolations, violation
from dozvon.core.money import line_total, money
from dozvon.core.phones import parse_phone
from dozvon.customers.models import CustomerType
from dozvon.customers.profanity import is_obscene
from dozvon.customers.rules import check_email, name_key
from dozvon.customers.services import CustomerInput, customer_for_intake, phone_key
from dozvon.orders import rules as order_rules
from dozvon.orders.models import Order, OrderItem
from dozvon.orders.services.base import catalog, facts, search_key
from dozvon.orders.services.events import Event, record
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import INTAKE, ensure_can


@dataclass(frozen=True)
class ItemInput:
    sku: str
    quantity: int = 1
    price: Decimal | None = None
    discount_percent: Decimal | None = None


def order_intake(
    *,
    project,
    actor,
    external_id: str | None,
    customer: CustomerInput,
    items: Sequence[ItemInput],
    payment_method: str = "",
    created_at: datetime | None = None,
    now: datetime,
    catalogue: Mapping[str, Product] | None = None,
) -> tuple[Order, bool]:
    """Create an order from a partner site or an import; idempotent by `external_id`.

    Returns (order, created). The same `external_id` with the same payload returns the
    first order and writes nothing; with a different payload it is refused
    (`DuplicateExternalId`, 409), as an idempotency key reused for another request is.
    `catalogue`: the project's products by SKU when the caller has read them already
    (`catalog()`; batch intake reads them once per batch); a SKU not in it is unknown.
    """
    ensure_can(actor, project, INTAKE)
    digest = _intake_digest(customer, items, payment_method, created_at)
    if external_id:
        existing = _same_external_id(project, external_id, digest)
        if existing is not None:
            return existing, False
    pb = playbook_def(project.playbook)
    products = _check_intake(
        project, pb, customer, items, payment_method, created_at, now, catalogue=catalogue
    )
    try:
        with transaction.atomic():
            return _create_order(
                project=project,
                actor=actor,
                external_id=external_id,
                customer=customer,
                items=items,
                products=products,
                payment_method=payment_method,
                created_at=created_at or now,
                digest=digest,
                now=now,
            ), True
    except IntegrityError:
        # A concurrent intake of the same external_id won the race: answer with its order.
        existing = _same_external_id(project, external_id, digest) if external_id else None
        if existing is None:
            raise
        return existing, False


def order_place(
    *,
    project,
    actor,
    customer: CustomerInput,
    items: Sequence[ItemInput],
    payment_method: str = "",
    extra: Mapping[str, Any] | None = None,
    now: datetime,
) -> Order:
    """An order an operator places during a call (SUB-4: a subscriber buys the issues
    left), with intake's rules and writes (X-10, COD-19), in the caller's transaction: no
    partner id, `extra` kept on the order. The caller has checked the operator's right to
    work in the project and holds the transaction; a partner's intake right is not asked
    (the operator is not a partner site)."""
    pb = playbook_def(project.playbook)
    products = _check_intake(project, pb, customer, items, payment_method, None, now)
    return _create_order(
        project=project,
        actor=actor,
        external_id=None,
        customer=customer,
        items=items,
        products=products,
        payment_method=payment_method,
        created_at=now,
        digest=_intake_digest(customer, items, payment_method, None),
        now=now,
        extra=extra,
    )


def _intake_digest(customer: CustomerInput, items, payment_method: str, created_at) -> str:
    """What makes two intake requests "the same" (X-10 idempotency): the payload in a
    canonical form, so a retry with other spacing or number formatting still matches."""
    canonical = {
        "customer": [customer.name.strip(), phone_key(customer.phone), customer.email.strip()],
        "type": customer.type,
        "items": [
            [
                i.sku,
                i.quantity,
                None if i.price is None else str(money(i.price)),
                None if i.discount_percent is None else str(money(i.discount_percent)),
            ]
            for i in items
        ],
        "payment_method": payment_method,
        "created_at": created_at.timestamp() if created_at else None,
    }
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()[:32]


# Intake's reads, compiled once each (issue 18): a replay by partner id, and COD-19 d's
# orders of the same customer and product still in the initial status.
_BY_EXTERNAL_ID = CompiledRead(
    Order,
    lambda project_id, external_id: Order.objects.filter(
        project_id=project_id, external_id=external_id
    ).select_related("customer")[:1],
    int,
    str,
)
_SAME_CUSTOMER_AND_PRODUCT = CompiledRead(
    Order,
    lambda project_id, customer_id, product_id, status, order_id: (
        Order.objects.filter(
            project_id=project_id,
            customer_id=customer_id,
            main_product_id=product_id,
            status=status,
        )
        .exclude(pk=order_id)
        .only("id", "customer_name")
        .order_by("id")
    ),
    int,
    int,
    int,
    str,
    int,
)


def _same_external_id(project, external_id: str, digest: str) -> Order | None:
    """The order already taken under this partner id, or None; a different payload under
    the same id is a conflict (orders from before digests were kept count as the same)."""
    existing = _BY_EXTERNAL_ID.first(project.pk, external_id)
    if existing is None:
        return None
    if existing.extra.get("intake_digest", digest) != digest:
        raise DuplicateExternalId(existing.pk)
    existing.project = project
    return existing


def _check_intake(
    project,
    pb,
    customer: CustomerInput,
    items: Sequence[ItemInput],
    payment_method,
    created_at,
    now,
    *,
    catalogue: Mapping[str, Product] | None = None,
) -> dict:
    """Every intake rule at once; the order's products by SKU when all pass."""
    found = []
    if not customer.phone.strip():
        found.append(violation("X-4", "customer.phone", "The phone is required."))
    if customer.type not in CustomerType.values:
        found.append(violation("X-3", "customer.type", "Unknown customer type."))
    found += check_email(customer.email, field="customer.email")
    if not items:
        found.append(violation("X-10", "items", "An order needs at least one item."))
    if catalogue is None:
        found_products = catalog(project, [i.sku for i in items])
    else:
        found_products = {i.sku: catalogue[i.sku] for i in items if i.sku in catalogue}
    products = facts(found_products)
    for index, item in enumerate(items):
        found += order_rules.check_item(
            index=index,
            sku=item.sku,
            quantity=item.quantity,
            discount_percent=item.discount_percent,
            price=item.price,
            products=products,
            cap_discount=True,
            cap_rule=pb.discount_rule,
        )
    found += order_rules.check_payment_method(
        payment_method, methods=pb.payment_methods, rule=pb.payment_rule
    )
    found += order_rules.check_created_at(created_at, now=now)
    if not found:
        found += order_rules.check_totals(
            [
                order_rules.LineFact(
                    money(i.price if i.price is not None else found_products[i.sku].price),
                    i.quantity,
                    i.discount_percent or Decimal(0),
                )
                for i in items
            ],
            Decimal(0),
        )
    if found:
        raise RuleViolations(found)
    return found_products


def _create_order(
    *,
    project,
    actor,
    external_id,
    customer,
    items,
    products,
    payment_method,
    created_at,
    digest,
    now,
    extra: Mapping[str, Any] | None = None,
) -> Order:
    pb = playbook_def(project.playbook)
    initial = pb.initial_status
    person = customer_for_intake(project=project, data=customer)
    lines = []
    for item in items:
        product = products[item.sku]
        price = money(item.price if item.price is not None else product.price)
        lines.append((product, price, item.quantity, item.discount_percent or Decimal(0)))
    order = Order(
        project=project,
        external_id=external_id or None,
        customer=person,
        customer_name=customer.name.strip()[: limits.NAME],
        phone=person.phone,
        main_product=lines[0][0],
        status=initial.code,
        status_group=initial.group,
        bucket=pb.intake_bucket,
        due_at=created_at,
        currency=project.currency,
        payment_method=payment_method,
        created_at=created_at,
        updated_at=now,
        extra={**(extra or {}), "intake_digest": digest},
    )
    order.goods_total, order.total = order_rules.totals(
        [order_rules.LineFact(price, qty, discount) for _, price, qty, discount in lines],
        order.delivery_cost,
    )
    order.name_key = search_key(order)
    order.save(force_insert=True)  # one INSERT with totals and search key already known
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            product=product,
            sku=product.sku,
            name=product.name,
            quantity=qty,
            unit_price=price,
            discount_percent=discount,
            line_total=line_total(price, qty, discount),
            is_main=index == 0,
            added_at=now,
        )
        for index, (product, price, qty, discount) in enumerate(lines)
    )
    record(
        Event.RECEIVED,
        order=order,
        actor=actor,
        now=now,
        text=N_("Order received"),
        data={"external_id": external_id, "status": initial.code},
    )
    _auto_invalidate(order=order, pb=pb, raw_phone=customer.phone, now=now)
    return order


def _auto_invalidate(*, order: Order, pb, raw_phone: str, now: datetime) -> None:
    """COD-19 a, c, d on intake: a fake or malformed phone, an obscene name, or a duplicate
    of an order still in New is invalidated at once, never queued, with an `auto` line."""
    intake = pb.settings.get("intake")
    if not intake:
        return
    problem, data = "", {}
    if "invalid_phone_problem" in intake and not parse_phone(raw_phone).valid:
        problem, text = (
            intake["invalid_phone_problem"],
            N_("Invalid phone number detected automatically"),
        )
        data = {"phone": raw_phone}
    elif "obscene_name_problem" in intake and is_obscene(order.customer_name):
        problem, text = intake["obscene_name_problem"], N_("Obscene words in the name: spam")
    elif "duplicate_problem" in intake:
        key = name_key(order.customer_name)
        same = _SAME_CUSTOMER_AND_PRODUCT(
            order.project_id,
            order.customer_id,
            order.main_product_id,
            pb.initial_status.code,
            order.pk,
        )
        original = next((o for o in same if name_key(o.customer_name) == key), None)
        if original is not None:
            problem = intake["duplicate_problem"]
            text = N_("Duplicate of order #%(duplicate_of)s")
            data = {"duplicate_of": original.pk}
            order.extra = {**order.extra, "duplicate_of": original.pk}
    if not problem:
        return
    status = pb.statuses[intake["status"]]
    order.status, order.status_group, order.problem = status.code, status.group, problem
    order.bucket, order.due_at = "", None
    order.last_outcome_at = now
    order.save(
        update_fields=[
            "status",
            "status_group",
            "problem",
            "bucket",
            "due_at",
            "extra",
            "last_outcome_at",
        ]
    )
    record(
        Event.AUTO_INVALIDATED,
        order=order,
        actor=None,
        now=now,
        text=text,
        data={"rule": intake.get("rule", ""), "status": status.code, "problem": problem, **data},
    )
