"""SUB-4: a subscriber who does not stay is cancelled, and during the same call the
operator places a shop order for any or all remaining issues (one unit of each issue's
product; delivery and payment as in a normal order). One transaction: the order (through
the intake service's checks and writer), its delivery fields (through `order_update`)
and the subscription's cancellation — or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction

from dozvon.audit.services import audit_record
from dozvon.core.errors import RuleViolations, violation
from dozvon.customers.services import CustomerInput
from dozvon.orders.models import Order
from dozvon.orders.services.edits import order_update
from dozvon.orders.services.intake import ItemInput, order_place
from dozvon.projects.access import WORK
from dozvon.subscriptions import ordering_rules, rules
from dozvon.subscriptions.audit_actions import SubAuditAction
from dozvon.subscriptions.models import Status, Subscription
from dozvon.subscriptions.selectors import bought_issues, ensure_keeps_subscriptions
from dozvon.subscriptions.services import issue_products, lock_subscription

EXTRA_KEY = "subscription"  # order.extra: the subscription an order was placed for
EXTRA_ISSUES = "subscription_issues"


def ordered_issues(subscription: Subscription) -> set[int]:
    """Issues already in SUB-4 orders of this subscription that were not cancelled."""
    out: set[int] = set()
    for extra in (
        Order.objects.filter(
            project_id=subscription.project_id, customer_id=subscription.customer_id
        )
        .exclude(status_group="cancelled")
        .values_list("extra", flat=True)
    ):
        if (extra or {}).get(EXTRA_KEY) == subscription.pk:
            out.update(int(n) for n in extra.get(EXTRA_ISSUES) or [])
    return out


@transaction.atomic
def subscription_order_remaining(
    *,
    subscription_id: int,
    issues: Sequence[int],
    actor,
    now: datetime,
    payment_method: str = "",
    delivery: Mapping[str, Any] | None = None,
) -> Order:
    """SUB-4: an order of the chosen remaining issues for the subscriber, placed by an
    operator (or a supervisor) of the project during the call, and the subscription
    cancelled (when it is not already). Refused with SUB-4 on `issues` (none, twice, not
    remaining, bought or ordered before) and with the intake's rules (payment method) or
    the edit's (delivery fields); nothing is written when refused."""
    sub = lock_subscription(subscription_id=subscription_id, actor=actor, action=WORK)
    project = sub.project
    ensure_keeps_subscriptions(project)
    taken = bought_issues([sub.pk]).get(sub.pk, set()) | ordered_issues(sub)
    purchasable = [
        n
        for n in rules.remaining_issues(delivered=sub.issues_delivered, total=sub.issues_total)
        if n not in taken
    ]
    chosen, found = ordering_rules.check_order_issues(issues, purchasable=purchasable)
    if found:
        raise RuleViolations(found)
    products = issue_products(sub.collection, chosen)
    if len(products) != len(chosen):
        raise RuleViolations(
            [
                violation(
                    ordering_rules.RULE,
                    ordering_rules.FIELD,
                    "Some of these issues are not on sale in the shop.",
                )
            ]
        )
    customer = CustomerInput(
        name=sub.customer.full_name, phone=sub.customer.phone, email=sub.customer.email or ""
    )
    items = [ItemInput(p.sku, 1) for p in products]
    order = order_place(
        project=project,
        actor=actor,
        customer=customer,
        items=items,
        payment_method=payment_method,
        extra={EXTRA_KEY: sub.pk, EXTRA_ISSUES: chosen},
        now=now,
    )
    if delivery:
        order = order_update(order_id=order.pk, actor=actor, version=None, fields=delivery, now=now)
    changes: dict[str, Any] = {"order": order.pk, "issues": chosen}
    if sub.status != Status.CANCELLED:
        sub.status, sub.cancelled_at = Status.CANCELLED, now
        sub.updated_at = now
        sub.version += 1
        sub.save(update_fields=["status", "cancelled_at", "updated_at", "version"])
        changes["status"] = [Status.ACTIVE, Status.CANCELLED]
    audit_record(
        actor=actor,
        action=SubAuditAction.SUBSCRIPTION_ORDER,
        target_type="subscription",
        target_id=sub.pk,
        project=project,
        changes=changes,
        now=now,
    )
    return order
