"""The delivery department's lists (SHOP-3, SHOP-7): the orders it plans, and the short
windows it must approve before an operator hands an order over."""

from __future__ import annotations

from django.db.models import F, QuerySet

from dozvon.delivery.selectors import is_short_window, window_rule
from dozvon.orders.models import Order


def orders_for_delivery(*, project, groups) -> QuerySet[Order]:
    """The orders the delivery department plans: those in `groups`, by delivery day and
    window (undated last), the flagged ones (a note to the department, SHOP-7) first
    within a day."""
    return (
        Order.objects.filter(project=project, status_group__in=list(groups))
        .select_related("customer")
        .order_by(
            F("delivery_date").asc(nulls_last=True),
            "-delivery_flag",
            F("delivery_time_from").asc(nulls_last=True),
            "id",
        )
    )


def orders_awaiting_approval(*, project, pb, groups, today, limit: int = 100) -> list[Order]:
    """SHOP-7: open orders, not yet in the department's groups, whose agreed window is
    shorter than the playbook's minimum and not approved: the department approves them on
    the card before the operator can hand them over."""
    window = window_rule(pb)
    if window is None:
        return []
    final = [code for code, s in pb.statuses.items() if s.final]
    rows = (
        Order.objects.filter(
            project=project,
            delivery_window_approved=False,
            delivery_time_from__isnull=False,
            delivery_time_to__isnull=False,
        )
        .exclude(status_group__in=list(groups))
        .exclude(status__in=final)
        .exclude(delivery_date__lt=today)
        .select_related("customer")
        .order_by(F("delivery_date").asc(nulls_last=True), "delivery_time_from", "id")
    )
    found = []
    for order in rows.iterator(chunk_size=200):
        if is_short_window(order.delivery_time_from, order.delivery_time_to, window[1]):
            found.append(order)
            if len(found) >= limit:
                break
    return found
