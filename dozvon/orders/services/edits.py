"""X-3, X-6, SHOP-7: edits of contact, address and delivery data, and comments. Every
change lands in the timeline as old → new and in the audit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction

from dozvon.core import limits
from dozvon.core.errors import Forbidden, RuleViolations, Violation, violation
from dozvon.core.money import money
from dozvon.customers.models import Customer
from dozvon.customers.rules import name_key
from dozvon.customers.services import (
    NAME_FIELDS,
    customer_check_edit,
    customer_update,
)
from dozvon.delivery import rules as delivery_rules
from dozvon.delivery.models import DeliveryMethod
from dozvon.delivery.selectors import delivery_facts, order_address
from dozvon.history.models import TimelineEntry
from dozvon.orders import rules as order_rules
from dozvon.orders.models import Order
from dozvon.orders.services.base import (
    bump_version,
    check_version,
    ensure_claim_allows,
    ensure_open,
    lines_of,
    lock_order,
    plain,
    recompute_totals,
    search_key,
)
from dozvon.orders.services.events import Event, Line, record
from dozvon.playbooks.comment_rules import check_comment_text
from dozvon.playbooks.fields import EDIT_ORDER_FIELDS, Store, check_writers, declared
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import READ, WORK, ensure_can, role_of

# What the delivery department may set of an order (SHOP-3, SHOP-7).
DELIVERY_DEPARTMENT_FIELDS = frozenset(
    f.name for f in declared(Store.ORDER) if "delivery" in f.writers
)


def check_order_fields(order: Order, fields: Mapping[str, Any], *, actor) -> list[Violation]:
    """The rules of the order fields an edit or an outcome sets (X-5, SHOP-7)."""
    pb = playbook_def(order.project.playbook)
    found = order_rules.check_payment_method(
        fields.get("payment_method"), methods=pb.payment_methods, rule=pb.payment_rule
    )
    found += check_writers(fields, role=role_of(actor, order.project))
    method = fields.get("delivery_method")
    if method:
        known = set(
            DeliveryMethod.objects.filter(project=order.project, is_active=True).values_list(
                "code", flat=True
            )
        )
        if known and method not in known:  # SHOP-7: a method of the list, not free text
            found.append(
                violation(
                    pb.settings.get("delivery_rule", "X-5"),
                    "delivery_method",
                    "Unknown delivery method %(code)s; allowed: %(allowed)s.",
                    code=method,
                    allowed=", ".join(sorted(known)),
                )
            )
    for name in ("delivery_cost", "paid_amount"):
        if name in fields and fields[name] is not None and fields[name] < 0:
            found.append(violation("X-5", name, "The amount cannot be negative."))
    if fields.get("delivery_cost") is not None and fields["delivery_cost"] >= 0:
        found += order_rules.check_totals(lines_of(order), fields["delivery_cost"])
    return found


def priced_delivery(order: Order, fields: Mapping[str, Any]) -> tuple[dict, list[Violation]]:
    """SHOP-7, COD-13: one delivery method, priced by the rate table. A method set without
    a cost gets the cost of that method's option for the order's address (the one "find
    delivery options" offers); a method the address has no option for is refused. An
    explicit cost (an import, a partner's order), or a project without a rate table, keeps
    the cost as given."""
    out = dict(fields)
    method = fields.get("delivery_method")
    if not method or "delivery_cost" in fields or method == order.delivery_method:
        return out, []
    methods, rates = delivery_facts(project=order.project)
    if not rates:
        return out, []
    address = fields.get("delivery_address")
    where = (
        order_address(order=order)
        if address is None
        else delivery_rules.Address.of(address or order.customer.recipient_address)
    )
    options = delivery_rules.delivery_options(
        address=where, goods_total=order.goods_total, methods=methods, rates=rates
    )
    option = delivery_rules.option_for(options, method)
    if option is None:
        rule = playbook_def(order.project.playbook).settings.get("delivery_rule", "COD-13")
        return out, [violation(rule, "delivery_method", delivery_rules.NOT_AVAILABLE)]
    out["delivery_cost"] = option.cost
    return out, []


def _window_changed(order: Order, fields: Mapping[str, Any]) -> bool:
    """A day or window that was set and is now different (an approval given before any
    window was recorded covers the one the operator then records)."""
    return any(
        name in fields
        and getattr(order, name) not in (None, "")
        and fields[name] != getattr(order, name)
        for name in ("delivery_date", "delivery_time_from", "delivery_time_to")
    )


def with_delivery_effects(order: Order, fields: Mapping[str, Any]) -> tuple[dict, list[Violation]]:
    """What writing `fields` also writes (SHOP-7), for an edit and a result alike: the
    cost of a method set without one (`priced_delivery`), and the department's approval
    dropped when the day or window it approved changes."""
    out, found = priced_delivery(order, fields)
    if (
        order.delivery_window_approved
        and "delivery_window_approved" not in out
        and _window_changed(order, out)
    ):
        # an approval is of the window the department saw; a new one needs its own
        out["delivery_window_approved"] = False
    return out, found


@transaction.atomic
def order_update(
    *,
    order_id: int,
    actor,
    version: int | None,
    customer: Mapping[str, Any] | None = None,
    fields: Mapping[str, Any] | None = None,
    now: datetime,
) -> Order:
    """PATCH: edit contact, address and delivery data; every change lands in the timeline
    as old → new (X-6) and in the audit (X-12). A stale `version` is a conflict."""
    customer = _nulls_cleared(Customer, customer or {}, keep={"extra_phones"})
    fields = _nulls_cleared(Order, fields or {})
    order = lock_order(order_id=order_id, actor=actor, action=READ)
    role = role_of(actor, order.project)
    if role == "delivery":
        # the delivery department approves a window or writes its note while an operator
        # holds the order: COD-9's claim keeps other operators out, not the department
        if customer or set(fields) - DELIVERY_DEPARTMENT_FIELDS:
            raise Forbidden()
    else:
        ensure_can(actor, order.project, WORK)
        ensure_claim_allows(order, actor, now)
    check_version(order, version)
    ensure_open(order, playbook_def(order.project.playbook))
    found = [
        violation("input", name, "Unknown field.")
        for name in sorted(set(fields) - set(EDIT_ORDER_FIELDS))
    ]
    found += customer_check_edit(customer, role=role)
    found += check_order_fields(order, fields, actor=actor)
    if not found:
        fields, found = with_delivery_effects(order, fields)
    if found:
        raise RuleViolations(found)
    old_name = order.customer.full_name
    changes = customer_update(customer=order.customer, project=order.project, values=customer)
    if any(f"customer.{name}" in changes for name in NAME_FIELDS):
        _orders_show_name(order.customer, old_name)
    written = []
    if NAME_FIELDS & set(customer):
        order.name_key = search_key(order)
        written.append("name_key")
    for name, value in fields.items():
        old = getattr(order, name)
        if old != value:
            changes[name] = (old, value)
            setattr(order, name, value)
            written.append(name)
    if "delivery_note" in written:
        order.delivery_flag = bool(order.delivery_note)
        written.append("delivery_flag")
    if "delivery_cost" in written:
        order.delivery_cost = money(order.delivery_cost)
        recompute_totals(order)
        written += ["goods_total", "total"]
    if "customer.phone" in changes:
        order.phone = order.customer.phone
        written.append("phone")
    if not changes:
        return order
    bump_version(order, now, written)
    record(
        Event.EDITED,
        order=order,
        actor=actor,
        now=now,
        lines=[
            Line(
                f"{name}: {_show(old)} → {_show(new)}",
                {"field": name, "old": plain(old), "new": plain(new)},
            )
            for name, (old, new) in changes.items()
        ],
        changes={k: [plain(o), plain(n)] for k, (o, n) in changes.items()},
    )
    return order


@transaction.atomic
def order_add_comment(*, order_id: int, actor, text: str, now: datetime) -> TimelineEntry:
    """X-6: an operator's comment on the order's timeline; refused when empty, too long,
    or against the playbook's comment rule (DUN-6: in Russian, `text` named)."""
    order = lock_order(order_id=order_id, actor=actor, action=WORK)
    ensure_claim_allows(order, actor, now)  # COD-9: a comment is a write like any other
    text = (text or "").strip()
    if not text:
        raise RuleViolations([violation("X-6", "text", "Write the comment text.")])
    if len(text) > limits.COMMENT:
        raise RuleViolations([violation("X-6", "text", "The comment is too long.")])
    # the playbook's rule over comments (DUN-6: Russian only)
    refused = check_comment_text(playbook_def(order.project.playbook).settings, text, field="text")
    if refused:
        raise RuleViolations(refused)
    order.last_comment = text
    bump_version(order, now, ["last_comment"])
    return record(Event.COMMENTED, order=order, actor=actor, now=now, text=text, data={})


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
            continue  # unknown names are refused by the checks
        if not column.null:
            out[name] = column.get_default()
    return out


def _show(value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"  # nothing, as the history shows it
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v)
    return str(value)


def _orders_show_name(customer: Customer, old_name: str) -> None:
    """X-3/COD-12: a name corrected with the customer is the name their orders show —
    order lists, exports, emails and the API read `Order.customer_name` — while name
    search (X-4) still finds each order by the name it arrived with too."""
    new_name = customer.full_name[: limits.NAME]
    orders = list(Order.objects.filter(customer=customer).only("id", "customer_name"))
    for other in orders:
        as_ordered = other.customer_name or old_name
        other.name_key = name_key(f"{as_ordered} {new_name}")[:700]
        other.customer_name = new_name
    Order.objects.bulk_update(orders, ["customer_name", "name_key"], batch_size=500)
