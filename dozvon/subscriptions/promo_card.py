"""SUB-5 on the order card: the block where an operator applies the project's operator-only
promo code any time the order is open (not only on the desk right after placing it), and
which shows the special discount the order got — "special discount" and its amount, never
the code. A card panel (`PROMO_PANEL`, registered at `plugins.CARD_PANELS`) under the
card's items: `promo_card_context(order=…, user=…, session=…)` and
`subscriptions/_promo_card.html`; `subscriptions.views.promo_card_apply` applies the code
through `promo_apply`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dozvon.core.errors import NotFound
from dozvon.orders.card_panels import ITEMS, CardFacts, CardPanel
from dozvon.orders.models import Order
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import WORK, ensure_can, has_role
from dozvon.projects.models import Role
from dozvon.subscriptions.models import PromoCode
from dozvon.subscriptions.selectors import keeps_subscriptions

SESSION_ERRORS = "dozvon_promo_card_errors"


def order_for_promo(*, order_id: int, user) -> Order:
    """The order a code is applied to from its card: 404 outside the user's projects or on
    a project without promo codes, 403 for a role that does not work orders."""
    order = Order.objects.select_related("project__playbook").filter(pk=order_id).first()
    if order is None:
        raise NotFound()
    ensure_can(user, order.project, WORK)
    if not _has_promo(order.project):
        raise NotFound()
    return order


def remember_refusal(session, order_id: int, errors: dict[str, list[str]]) -> None:
    session[SESSION_ERRORS] = {"order": order_id, "errors": errors}


def _has_promo(project) -> bool:
    return keeps_subscriptions(project) and PromoCode.objects.filter(project=project).exists()


def promo_card_context(*, order: Order, user, session=None) -> dict[str, Any] | None:
    """What the card's promo block shows, or None when the order's project has no
    operator promo code or the user may not apply one (SUB-5: an operator or a supervisor
    of the project). `session`: the refusal of the last attempt on this order, shown once.
    """
    project = order.project
    if not keeps_subscriptions(project):  # other playbooks: no statement at all
        return None
    if not has_role(user, project, (Role.OPERATOR, Role.SUPERVISOR)):
        return None
    if not _has_promo(project):
        return None
    refused = session.pop(SESSION_ERRORS, None) if session is not None else None
    errors = refused["errors"] if refused and refused.get("order") == order.pk else {}
    discounted = [i for i in order.items.all() if i.discount_amount]
    status = playbook_def(project.playbook).statuses.get(order.status)
    return {
        "order": order,
        "special_discount": bool((order.extra or {}).get("special_discount")) or bool(discounted),
        "per_unit": sorted({i.discount_amount for i in discounted}),
        "total": sum((i.discount_amount * i.quantity for i in discounted), Decimal(0)),
        "units": sum(i.quantity for i in discounted),
        "open": not getattr(status, "final", False),
        "errors": [m for found in errors.values() for m in found],
    }


def promo_panel(request, order, pb, facts: CardFacts) -> dict[str, Any] | None:
    """The card panel's context: the block for the user looking at the card."""
    return promo_card_context(order=order, user=request.user, session=request.session)


PROMO_PANEL = CardPanel(
    name="promo", template="subscriptions/_promo_card.html", context=promo_panel, slot=ITEMS
)
