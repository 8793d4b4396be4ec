"""SUB on the inbound desk (registered at `plugins.INBOUND`): each caller's subscriptions
with the issues they may buy, the contact's subscription, outcome and issues bought
recorded with the interaction (SUB-3); a purchase may place the shop order for the issues
bought in the interaction's transaction (SUB-4), and the operator then applies the
project's operator-only promo code to it here (SUB-5) or later on the order's card."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dozvon.core import clock
from dozvon.core.errors import NotFound, RuleViolations, violation
from dozvon.history.words import PAYMENT_LABELS
from dozvon.interactions.desk import (
    CALLER,
    FIELDS,
    HEAD,
    DeskBlock,
    DeskPart,
    DeskView,
    back_to_desk,
    desk_refused,
    others_of,
)
from dozvon.orders.models import Order
from dozvon.subscriptions import rules
from dozvon.subscriptions.models import Outcome
from dozvon.subscriptions.ordering import subscription_order_remaining
from dozvon.subscriptions.promo import promo_apply
from dozvon.subscriptions.selectors import (
    bought_issues,
    contact_facts,
    keeps_subscriptions,
    subscription_get,
    subscriptions_of_customers,
)

SESSION_PLACED = "dozvon_inbound_order"  # SUB-4: the order placed during this call
PROMO_ORDER = "promo_order"  # SUB-5: the placed order's promo code form, posted to the desk
# the record form's fields this block shows the refusals of (any other is the order's)
FIELDS_SHOWN = frozenset({"subscription", "outcome", "issues", "code"})


def _placed(project, order_id) -> dict | None:
    """SUB-4/SUB-5: the order placed during the call, for its promo code and its card."""
    if not isinstance(order_id, int):
        return None
    order = Order.objects.filter(project=project, pk=order_id).first()
    if order is None:
        return None
    return {"order": order, "special_discount": bool((order.extra or {}).get("special_discount"))}


def desk_context(view: DeskView) -> dict[str, Any] | None:
    """The desk's SUB variables: the callers' subscriptions, the contact's outcomes, the
    order's payment methods and refusals, and the order placed during this call (None:
    the project keeps no subscriptions)."""
    project = view.project
    if not keeps_subscriptions(project):
        return None
    subs = subscriptions_of_customers(project=project, customer_ids=[c.pk for c in view.customers])
    bought = bought_issues(s.pk for items in subs.values() for s in items)
    return {
        "subscriptions_by_caller": {
            customer: [
                {
                    "subscription": s,
                    "purchasable": contact_facts(s, bought.get(s.pk, set())).purchasable,
                    "bought": sorted(bought.get(s.pk, set())),
                }
                for s in found
            ]
            for customer, found in subs.items()
        },
        "outcomes": Outcome.choices,
        # SUB-4/SUB-5: the order placed with the interaction, its promo code and card
        "payment_methods": [(m, _(PAYMENT_LABELS.get(m, m))) for m in view.pb.payment_methods],
        "order_errors": others_of(view.errors, view.known_fields),
        "placed": _placed(project, view.request.session.pop(SESSION_PLACED, None)),
    }


def caller_subscriptions(data: dict[str, Any], customer) -> dict[str, Any]:
    """A caller's subscriptions with the issues they may buy and have bought."""
    return {"subscriptions": data["subscriptions_by_caller"].get(customer.pk, [])}


def _order_remaining(*, actor, subscription, outcome, issues, payment_method, now) -> Order:
    """SUB-4: the order for the issues a purchase names (bought all: every remaining one
    when none is chosen); refused for a contact that buys nothing."""
    if outcome not in rules.BUYING:
        raise RuleViolations(
            [
                violation(
                    "SUB-4",
                    "outcome",
                    "An order is placed for a purchase: choose bought some or bought all.",
                )
            ]
        )
    if subscription is None:
        raise RuleViolations(
            [violation("SUB-4", "subscription", "Choose the subscription the order is for.")]
        )
    chosen = list(issues)
    if not chosen and outcome == rules.BOUGHT_ALL:
        chosen = contact_facts(
            subscription_get(subscription_id=subscription, actor=actor)
        ).purchasable
    return subscription_order_remaining(
        subscription_id=subscription,
        issues=chosen,
        actor=actor,
        now=now,
        payment_method=payment_method,
    )


def desk_parse(request, project, *, now) -> DeskPart:
    """SUB-3: the subscription the contact is about, its outcome and the issues bought;
    SUB-4: the shop order for the issues bought, placed in the interaction's transaction."""
    form = {
        k: request.POST.get(k, "")[:5000] for k in ("subscription", "outcome", "payment_method")
    }
    subscription = rules.parse_int(form["subscription"]) if form["subscription"] else None
    issues = (
        rules.numbers_of(request.POST.getlist(f"issues_{subscription}")[:1000])
        if subscription
        else []
    )
    form["issues"] = [str(n) for n in issues]
    place_order = request.POST.get("place_order") == "1" and keeps_subscriptions(project)
    placed: list[Order] = []

    def before() -> None:
        if place_order:
            placed.append(
                _order_remaining(
                    actor=request.user,
                    subscription=subscription,
                    outcome=form["outcome"],
                    issues=issues,
                    payment_method=form["payment_method"],
                    now=now,
                )
            )

    def done(request, interaction) -> None:
        for order in placed:
            messages.success(request, _("Order #%(id)s placed.") % {"id": order.pk})
            request.session[SESSION_PLACED] = order.pk

    return DeskPart(
        form=form,
        interaction={
            "subscription": subscription,
            "outcome": form["outcome"] or None,
            "issues": issues or None,
        },
        before=before,
        done=done,
    )


def promo_post(request, project):
    """SUB-5: the operator applies the project's promo code to the order placed during the
    call (POSTed to the record's URL with `promo_order`); a refusal is shown by the code's
    field, the code itself is never put back on the page."""
    order_id = rules.parse_int(request.POST.get(PROMO_ORDER))
    order = (
        Order.objects.select_related("customer").filter(project=project, pk=order_id).first()
        if order_id is not None and keeps_subscriptions(project)
        else None
    )
    if order is None:
        raise NotFound()
    phone = order.customer.phone if order.customer_id else ""
    request.session[SESSION_PLACED] = order.pk
    try:
        promo_apply(
            order_id=order.pk,
            code=request.POST.get("code", "")[:200],
            actor=request.user,
            now=clock.now(),
        )
    except RuleViolations as exc:
        return desk_refused(request, project, phone, exc)
    messages.success(request, _("Special discount applied to order #%(id)s.") % {"id": order.pk})
    return back_to_desk(project, phone)


SUB_DESK = DeskBlock(
    name="sub",
    templates={
        HEAD: "subscriptions/_desk_placed.html",
        CALLER: "subscriptions/_desk_caller.html",
        FIELDS: "subscriptions/_desk_fields.html",
    },
    context=desk_context,
    caller=caller_subscriptions,
    fields=FIELDS_SHOWN,
    parse=desk_parse,
    actions={PROMO_ORDER: promo_post},
    search_hint=gettext_lazy("Phone, email, subscription number or name"),
)
