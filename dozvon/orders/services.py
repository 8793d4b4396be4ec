"""The only code that changes orders (STYLE "services.py").

Every function follows one recipe: transaction → lock the order row → check access and
version → load facts → run the pure rules → write with `update_fields` → append the
timeline and audit rows. Web views, the API, imports and tasks all call these.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop as N_

from dozvon.audit.services import audit_record
from dozvon.calls.models import CallAttempt
from dozvon.catalog.models import Product
from dozvon.core.errors import (
    Conflict,
    DuplicateExternalId,
    Forbidden,
    NotFound,
    RuleViolations,
    violation,
)
from dozvon.core.money import line_total, money
from dozvon.core.phones import parse_phone
from dozvon.customers.models import Customer, CustomerPhone, CustomerType, Gender
from dozvon.customers.profanity import is_obscene
from dozvon.customers.rules import check_email, check_phone, vip_for
from dozvon.customers.services import CustomerInput, customer_for_intake, phone_key
from dozvon.orders import rules as order_rules
from dozvon.orders.models import Order, OrderItem, TimelineEntry, TimelineKind
from dozvon.playbooks import definition as engine
from dozvon.playbooks.rules import CallFact, OutcomeContext
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import INTAKE, WORK, ensure_can, role_of
from dozvon.queues.selectors import claim_is_live


@dataclass(frozen=True)
class ItemInput:
    sku: str
    quantity: int = 1
    price: Decimal | None = None
    discount_percent: Decimal | None = None


# --- shared steps -------------------------------------------------------------------------


def timeline_append(
    *, order: Order, kind: str, text: str, actor=None, data: dict | None = None, now: datetime
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        order=order,
        kind=kind,
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        text=text,
        data=data or {},
    )


def lock_order(*, order_id: int, actor, action: str) -> Order:
    """Inside a transaction: the locked row, after the access check (404 outside projects)."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("project", "project__playbook", "customer")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound()
    ensure_can(actor, order.project, action)
    return order


def ensure_claim_allows(order: Order, actor, now: datetime) -> None:
    """COD-9: while one operator holds a live claim, no other operator works the order
    (a supervisor may step in)."""
    if not order.claimed_by_id or order.claimed_by_id == actor.pk:
        return
    if role_of(actor, order.project) in {"supervisor", "admin"}:
        return
    if claim_is_live(order, now=now):
        raise RuleViolations(
            [violation("COD-9", "claimed_by", "Another operator is working on this order.")]
        )


def _check_version(order: Order, version: int | None) -> None:
    if version is not None and version != order.version:
        raise Conflict(order.version)


def bump_version(order: Order, now: datetime, fields: Sequence[str]) -> None:
    order.version += 1
    order.updated_at = now
    order.save(update_fields=[*fields, "version", "updated_at"])


def _catalog(project, skus) -> dict[str, Product]:
    """The project's products with these SKUs, by SKU (one read per change)."""
    return {p.sku: p for p in Product.objects.filter(project=project, sku__in=set(skus))}


def _facts(catalog: Mapping[str, Product]) -> dict[str, order_rules.ProductFact]:
    """What the item rules need to know of each product."""
    return {
        sku: order_rules.ProductFact(p.sku, p.price, p.max_discount_percent, p.is_active)
        for sku, p in catalog.items()
    }


def _lines(order: Order) -> list[order_rules.LineFact]:
    return [
        order_rules.LineFact(i.unit_price, i.quantity, i.discount_percent)
        for i in order.items.all()
    ]


def _recompute_totals(order: Order) -> None:
    order.goods_total, order.total = order_rules.totals(_lines(order), order.delivery_cost)


# --- intake (X-10) ------------------------------------------------------------------------


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
) -> tuple[Order, bool]:
    """Create an order from a partner site or an import; idempotent by `external_id`.

    Returns (order, created). The same `external_id` with the same payload returns the
    first order and writes nothing; with a different payload it is refused
    (`DuplicateExternalId`, 409), as an idempotency key reused for another request is.
    """
    ensure_can(actor, project, INTAKE)
    digest = _intake_digest(customer, items, payment_method, created_at)
    if external_id:
        existing = _same_external_id(project, external_id, digest)
        if existing is not None:
            return existing, False
    pb = playbook_def(project.playbook)
    products = _check_intake(project, pb, customer, items, payment_method, created_at, now)
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


def _same_external_id(project, external_id: str, digest: str) -> Order | None:
    """The order already taken under this partner id, or None; a different payload under
    the same id is a conflict (orders from before digests were kept count as the same)."""
    existing = (
        Order.objects.filter(project=project, external_id=external_id)
        .select_related("project", "project__playbook", "customer")
        .first()
    )
    if existing is not None and existing.extra.get("intake_digest", digest) != digest:
        raise DuplicateExternalId(existing.pk)
    return existing


def _check_intake(
    project,
    pb,
    customer: CustomerInput,
    items: Sequence[ItemInput],
    payment_method,
    created_at,
    now,
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
    catalog = _catalog(project, [i.sku for i in items])
    products = _facts(catalog)
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
                    money(i.price if i.price is not None else catalog[i.sku].price),
                    i.quantity,
                    i.discount_percent or Decimal(0),
                )
                for i in items
            ],
            Decimal(0),
        )
    if found:
        raise RuleViolations(found)
    return catalog


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
) -> Order:
    pb = playbook_def(project.playbook)
    initial = pb.initial_status
    person = customer_for_intake(project=project, data=customer)
    intake_bucket = pb.settings.get("intake_bucket", "new")
    lines = []
    for item in items:
        product = products[item.sku]
        price = money(item.price if item.price is not None else product.price)
        lines.append((product, price, item.quantity, item.discount_percent or Decimal(0)))
    order = Order(
        project=project,
        external_id=external_id or None,
        customer=person,
        customer_name=customer.name.strip()[:300],
        phone=person.phone,
        main_product=lines[0][0],
        status=initial.code,
        status_group=initial.group,
        bucket=intake_bucket if any(q.bucket == intake_bucket for q in pb.queues) else "",
        due_at=created_at,
        currency=project.currency,
        payment_method=payment_method,
        created_at=created_at,
        updated_at=now,
        extra={"intake_digest": digest},
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
    timeline_append(
        order=order,
        kind=TimelineKind.AUTO,
        actor=actor,
        text=N_("Order received"),
        data={"external_id": external_id, "status": initial.code},
        now=now,
    )
    _auto_invalidate(order=order, pb=pb, raw_phone=customer.phone, now=now)
    audit_record(
        actor=actor,
        action="order.intake",
        target_type="order",
        target_id=order.pk,
        project=project,
        changes={"external_id": external_id},
        now=now,
    )
    return order


def search_key(order: Order) -> str:
    """What name search matches: the name as ordered and the customer's current name."""
    return order_rules.name_key(f"{order.customer_name} {order.customer.full_name}")[:700]


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
        key = order_rules.name_key(order.customer_name)
        original = next(
            (
                o
                for o in Order.objects.filter(
                    project=order.project,
                    customer=order.customer,
                    main_product=order.main_product,
                    status=pb.initial_status.code,
                )
                .exclude(pk=order.pk)
                .only("id", "customer_name")
                .order_by("id")
                if order_rules.name_key(o.customer_name) == key
            ),
            None,
        )
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
    timeline_append(
        order=order,
        kind=TimelineKind.AUTO,
        text=text,
        data={"rule": intake.get("rule", ""), "status": status.code, "problem": problem, **data},
        now=now,
    )


# --- items (X-5, COD-11) ------------------------------------------------------------------


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
    _check_version(order, version)
    catalog = _catalog(order.project, [sku])
    rule = playbook_def(order.project.playbook).discount_rule
    found = order_rules.check_item(
        index=None,
        sku=sku,
        quantity=quantity,
        discount_percent=discount_percent,
        price=None,
        products=_facts(catalog),
        cap_discount=True,
        rule=rule,
    )
    if not found:
        lines = [
            *_lines(order),
            order_rules.LineFact(catalog[sku].price, quantity, discount_percent),
        ]
        found = order_rules.check_totals(lines, order.delivery_cost, rule=rule)
        found = [replace(v, field="quantity") if v.field.startswith("items") else v for v in found]
    if found:
        raise RuleViolations(found)
    product = catalog[sku]
    is_main = not order.items.exists()
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
    _recompute_totals(order)
    bump_version(order, now, fields)
    timeline_append(
        order=order,
        kind=TimelineKind.EDIT,
        actor=actor,
        text=f"+ {product.name} × {quantity}"
        + (f" (−{discount_percent:g}%)" if discount_percent else ""),
        data={
            "item": item.pk,
            "sku": sku,
            "quantity": quantity,
            "discount_percent": str(discount_percent),
            "gift": discount_percent >= 100,
        },
        now=now,
    )
    audit_record(
        actor=actor,
        action="order.item_add",
        target_type="order",
        target_id=order.pk,
        project=order.project,
        changes={"sku": sku, "quantity": quantity, "discount_percent": discount_percent},
        now=now,
    )
    return item


# --- comments (X-6) -----------------------------------------------------------------------

MAX_COMMENT = 5000


@transaction.atomic
def order_add_comment(*, order_id: int, actor, text: str, now: datetime) -> TimelineEntry:
    order = lock_order(order_id=order_id, actor=actor, action=WORK)
    ensure_claim_allows(order, actor, now)  # COD-9: a comment is a write like any other
    text = (text or "").strip()
    if not text:
        raise RuleViolations([violation("X-6", "text", "Write the comment text.")])
    if len(text) > MAX_COMMENT:
        raise RuleViolations([violation("X-6", "text", "The comment is too long.")])
    order.last_comment = text
    bump_version(order, now, ["last_comment"])
    return timeline_append(order=order, kind=TimelineKind.COMMENT, actor=actor, text=text, now=now)


# --- edits of contact, address and delivery data (X-3, X-6, SHOP-7) -----------------------

CUSTOMER_FIELDS = (
    "surname",
    "first_name",
    "patronymic",
    "gender",
    "email",
    "type",
    "vip",
    "phone",
    "extra_phones",
    "payer_address",
    "recipient_address",
    "operator_comment",
    "customer_comment",
)
ORDER_FIELDS = (
    "delivery_method",
    "delivery_address",
    "delivery_date",
    "delivery_time_from",
    "delivery_time_to",
    "delivery_window_approved",
    "delivery_note",
    "delivery_cost",
    "payment_method",
    "paid_amount",
    "payment_status",
)


def _check_edit(role: str, customer: Mapping[str, Any], fields: Mapping[str, Any], *, order):
    pb = playbook_def(order.project.playbook)
    found = order_rules.check_payment_method(
        fields.get("payment_method"), methods=pb.payment_methods, rule=pb.payment_rule
    )
    if "phone" in customer:
        found += check_phone(customer["phone"], field="customer.phone")
    for index, extra in enumerate(customer.get("extra_phones") or []):
        found += check_phone(extra, field=f"customer.extra_phones[{index}]")
    if "email" in customer:
        found += check_email(customer["email"], field="customer.email")
    if "gender" in customer and customer["gender"] not in Gender.values:
        found.append(violation("X-3", "customer.gender", "Unknown gender."))
    if "type" in customer and customer["type"] not in CustomerType.values:
        found.append(violation("X-3", "customer.type", "Unknown customer type."))
    if "vip" in customer and role not in {"supervisor", "admin"}:
        found.append(violation("X-3", "customer.vip", "Only a supervisor may mark a VIP."))
    if "delivery_window_approved" in fields and role not in {"supervisor", "admin", "delivery"}:
        found.append(
            violation(
                "SHOP-7",
                "delivery_window_approved",
                "Only the delivery department may approve a short window.",
            )
        )
    for name in ("delivery_cost", "paid_amount"):
        if name in fields and fields[name] is not None and fields[name] < 0:
            found.append(violation("X-5", name, "The amount cannot be negative."))
    if fields.get("delivery_cost") is not None and fields["delivery_cost"] >= 0:
        found += order_rules.check_totals(_lines(order), fields["delivery_cost"])
    return found


@transaction.atomic
def order_update(
    *,
    order_id: int,
    actor,
    version: int,
    customer: Mapping[str, Any] | None = None,
    fields: Mapping[str, Any] | None = None,
    now: datetime,
) -> Order:
    """PATCH: edit contact, address and delivery data; every change lands in the timeline
    as old → new (X-6) and in the audit (X-12). A stale `version` is a conflict."""
    customer = _nulls_cleared(Customer, customer or {}, keep={"extra_phones"})
    fields = _nulls_cleared(Order, fields or {})
    order = lock_order(order_id=order_id, actor=actor, action="read")
    role = role_of(actor, order.project)
    if role not in {"operator", "supervisor", "admin", "delivery"}:
        raise Forbidden()
    if role == "delivery" and (
        customer or set(fields) - {"delivery_window_approved", "delivery_note"}
    ):
        raise Forbidden()
    ensure_claim_allows(order, actor, now)
    _check_version(order, version)
    unknown = (set(customer) - set(CUSTOMER_FIELDS)) | (set(fields) - set(ORDER_FIELDS))
    found = [violation("input", name, "Unknown field.") for name in sorted(unknown)]
    found += _check_edit(role, customer, fields, order=order)
    if found:
        raise RuleViolations(found)
    changes: dict[str, tuple[Any, Any]] = {}
    person: Customer = order.customer
    person_fields = []
    for name, value in customer.items():
        if name == "extra_phones":
            continue
        if name == "phone":
            value = phone_key(value)
        old = getattr(person, name)
        if old != value:
            changes[f"customer.{name}"] = (old, value)
            setattr(person, name, value)
            person_fields.append(name)
    if "type" in customer or "vip" in customer:
        vip = vip_for(person.type, person.vip)
        if vip != person.vip:
            changes["customer.vip"] = (person.vip, vip)
            person.vip = vip
            person_fields.append("vip")
    if "phone" in person_fields:
        person.phone_valid = True
        person_fields.append("phone_valid")
        CustomerPhone.objects.filter(customer=person, is_main=True).update(is_main=False)
        CustomerPhone.objects.update_or_create(
            customer=person,
            phone=person.phone,
            defaults={"project": order.project, "is_main": True},
        )
    if "extra_phones" in customer:
        wanted = {phone_key(p) for p in customer["extra_phones"] or []} - {person.phone}
        current = set(
            CustomerPhone.objects.filter(customer=person, is_main=False).values_list(
                "phone", flat=True
            )
        )
        if wanted != current:
            changes["customer.extra_phones"] = (sorted(current), sorted(wanted))
            CustomerPhone.objects.filter(
                customer=person, is_main=False, phone__in=current - wanted
            ).delete()
            CustomerPhone.objects.bulk_create(
                CustomerPhone(project=order.project, customer=person, phone=p)
                for p in sorted(wanted - current)
            )
    if person_fields:
        person.save(update_fields=sorted(set(person_fields)))
    order_fields = []
    if {"surname", "first_name", "patronymic"} & set(person_fields):
        order.name_key = search_key(order)
        order_fields.append("name_key")
    for name, value in fields.items():
        old = getattr(order, name)
        if old != value:
            changes[name] = (old, value)
            setattr(order, name, value)
            order_fields.append(name)
    if "delivery_note" in order_fields:
        order.delivery_flag = bool(order.delivery_note)
        order_fields.append("delivery_flag")
    if "delivery_cost" in order_fields:
        order.delivery_cost = money(order.delivery_cost)
        _recompute_totals(order)
        order_fields += ["goods_total", "total"]
    if "phone" in person_fields:
        order.phone = person.phone
        order_fields.append("phone")
    if not changes:
        return order
    bump_version(order, now, order_fields)
    for name, (old, new) in changes.items():
        timeline_append(
            order=order,
            kind=TimelineKind.EDIT,
            actor=actor,
            text=f"{name}: {_show(old)} → {_show(new)}",
            data={"field": name, "old": _plain(old), "new": _plain(new)},
            now=now,
        )
    audit_record(
        actor=actor,
        action="order.edit",
        target_type="order",
        target_id=order.pk,
        project=order.project,
        changes={k: [_plain(o), _plain(n)] for k, (o, n) in changes.items()},
        now=now,
    )
    return order


def _nulls_cleared(model, values: Mapping[str, Any], keep=frozenset()) -> dict[str, Any]:
    """A null sent for a field clears it: its column's empty value where the column cannot
    hold NULL ("" for text, 0 for amounts, {} for addresses, False for flags)."""
    out = dict(values)
    for name, value in values.items():
        if value is not None or name in keep:
            continue
        try:
            column = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # unknown names are refused by the caller's checks
        if not column.null:
            out[name] = column.get_default()
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, (dict, list, str, int, float, bool)) or value is None:
        return value
    return str(value)


def _show(value: Any) -> str:
    if value in (None, "", [], {}):
        return "∅"
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v)
    return str(value)


# --- outcomes (X-7 and the playbooks) -----------------------------------------------------

OUTCOME_ORDER_FIELDS = engine.ORDER_FIELDS


@transaction.atomic
def order_apply_outcome(
    *,
    order_id: int,
    actor,
    code: str,
    problem: str = "",
    comment: str = "",
    callback_at: datetime | None = None,
    fields: Mapping[str, Any] | None = None,
    version: int | None = None,
    now: datetime,
) -> Order:
    """Save the order with a result: check every rule of the outcome, then write status,
    queue state and timeline together — or refuse with every violation and write nothing."""
    fields = {k: v for k, v in (fields or {}).items() if v is not None}
    order = lock_order(order_id=order_id, actor=actor, action="read")
    project = order.project
    pb = playbook_def(project.playbook)
    outcome = pb.outcomes.get(code)
    if outcome is None:
        raise RuleViolations([violation("X-7", "code", "Unknown result %(code)s.", code=code)])
    role = role_of(actor, project)
    if role != "admin" and role not in outcome.roles:
        raise Forbidden()
    ensure_claim_allows(order, actor, now)
    _check_version(order, version)
    unknown = set(fields) - set(OUTCOME_ORDER_FIELDS)
    if unknown:
        raise RuleViolations([violation("input", n, "Unknown field.") for n in sorted(unknown)])
    refused = _check_edit(role, {}, fields, order=order)
    if refused:
        raise RuleViolations(refused)
    if problem and problem not in pb.problems:
        raise RuleViolations(
            [violation(outcome.rule, "problem", "Unknown problem %(code)s.", code=problem)]
        )
    if len(comment or "") > MAX_COMMENT:
        raise RuleViolations([violation("X-6", "comment", "The comment is too long.")])
    values: dict[str, Any] = {name: getattr(order, name) for name in OUTCOME_ORDER_FIELDS}
    values.update(fields)
    values.update(
        {"problem": problem, "comment": (comment or "").strip(), "callback_at": callback_at}
    )
    calls = tuple(
        CallFact(at, result)
        for at, result in CallAttempt.objects.filter(order=order)
        .order_by("started_at", "id")
        .values_list("started_at", "result")
    )
    ctx = OutcomeContext(
        now=now,
        tz=project.time_zone,
        outcome=outcome.code,
        rule=outcome.rule,
        values=values,
        status=order.status,
        calls=calls,
        last_outcome_at=order.last_outcome_at,
        items_count=order.items.count(),
        goods_total=order.goods_total,
        other_orders=Order.objects.filter(project=project, customer=order.customer)
        .exclude(pk=order.pk)
        .count(),
    )
    found = engine.evaluate(outcome, ctx)
    if found:
        raise RuleViolations(found)

    decision = engine.route(
        outcome,
        failed_calls=order.failed_calls,
        now=now,
        tz=project.time_zone,
        callback_at=callback_at,
    )
    old_status = order.status
    new_status = pb.statuses[outcome.status]
    order.status, order.status_group = new_status.code, new_status.group
    order.problem = problem
    order.callback_at = decision.callback_at
    order.bucket, order.due_at = decision.bucket, decision.due_at
    order.claimed_by, order.claimed_at = None, None
    order.last_outcome_at = now
    if order.responsible_id is None and role in {"operator", "supervisor"}:
        order.responsible = actor
    written = [
        "status",
        "status_group",
        "problem",
        "callback_at",
        "bucket",
        "due_at",
        "claimed_by",
        "claimed_at",
        "last_outcome_at",
        "responsible",
    ]
    for name, value in fields.items():
        setattr(order, name, value)
        written.append(name)
    if fields.get("delivery_note"):
        order.delivery_flag = True
        written.append("delivery_flag")
    if values["comment"]:
        order.last_comment = values["comment"]
        written.append("last_comment")
    bump_version(order, now, written)
    if values["comment"]:
        timeline_append(
            order=order, kind=TimelineKind.COMMENT, actor=actor, text=values["comment"], now=now
        )
    timeline_append(
        order=order,
        kind=TimelineKind.STATUS,
        actor=actor,
        text=f"{pb.statuses[old_status].names.ru if old_status in pb.statuses else old_status}"
        f" → {new_status.names.ru}",
        data={
            "from": old_status,
            "to": new_status.code,
            "outcome": outcome.code,
            "problem": problem,
            "callback_at": _plain(decision.callback_at),
            "fields": {k: _plain(v) for k, v in fields.items()},
        },
        now=now,
    )
    audit_record(
        actor=actor,
        action="order.outcome",
        target_type="order",
        target_id=order.pk,
        project=project,
        changes={
            "status": [old_status, new_status.code],
            "outcome": outcome.code,
            "problem": problem,
        },
        now=now,
    )
    return order
