"""COD-13/COD-14: the operator picks one of the delivery options for the order's address;
its method and cost are written through the order edit service, so the totals, the
timeline (old → new), the audit, the claim (COD-9) and the version all apply."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from dozvon.core.errors import RuleViolations, violation
from dozvon.delivery import rules
from dozvon.delivery.selectors import order_delivery_options
from dozvon.orders.models import Order
from dozvon.orders.services.base import check_version, ensure_claim_allows, lock_order
from dozvon.orders.services.edits import order_update
from dozvon.projects.access import WORK


@transaction.atomic
def order_choose_delivery(
    *, order_id: int, actor, option_code: str, version: int | None, now: datetime
) -> Order:
    """Set the order's delivery method and cost from an option available for its address.

    An option marked "do not offer" (Post where a courier delivers, COD-13) may still be
    chosen when the customer insists; an option the address does not have is refused."""
    # the row is locked first, so the address and goods total the options are computed
    # from are the ones the edit is checked against
    order = lock_order(order_id=order_id, actor=actor, action=WORK)
    ensure_claim_allows(order, actor, now)
    check_version(order, version)
    option = rules.option_for(order_delivery_options(order=order), option_code or "")
    if option is None:
        raise RuleViolations([violation(rules.RULE, "delivery_method", rules.NOT_AVAILABLE)])
    return order_update(
        order_id=order_id,
        actor=actor,
        version=version,
        fields={"delivery_method": option.code, "delivery_cost": option.cost},
        now=now,
    )
