"""The inbound desk (issue 15, SUB, NBO): an operator answers a call, finds the caller by
phone in any format, email, order number or name — or a softphone opens
`/p/<project>/inbound?phone=…` — sees the customer, their subscriptions (SUB), orders and
earlier interactions, and records the interaction: on a SUB project with the subscription
it was about, its outcome and the issues bought (SUB-3); on an NBO project the number's
offers by priority with their scripts (none on the second line), the answer to each offer
voiced and the reason when none was (NBO-1…5), recorded with the interaction in one
transaction, then a link to the interaction's page for a balance adjustment (NBO-6).
On a SUB project, a purchase (bought some / bought all) may place the shop order for the
issues bought in the same step, in the interaction's transaction (SUB-4), and the operator
then applies the project's operator-only promo code to it (SUB-5) here or later on the
order's card. An operator's interaction is on the operator's own line, shown and not
chosen (X-2, NBO-3); a supervisor chooses it. A search by name or email leaves the phone
field empty (only a phone searched, or the only caller's, fills it)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dozvon.core import clock
from dozvon.core.errors import NotFound, RuleViolations, violation
from dozvon.core.phones import parse_phone
from dozvon.interactions.models import Interaction, Line, Transfer
from dozvon.interactions.selectors import callers_matching, operator_line_code
from dozvon.interactions.services import interaction_record
from dozvon.offers.selectors import offers_enabled
from dozvon.offers.services import offers_record
from dozvon.offers.views import desk_offers, offers_from_post
from dozvon.orders.models import Order
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import projects_for
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
from dozvon.web.errors import domain_errors
from dozvon.web.forms import PAYMENT_LABELS
from dozvon.web.views import _project, _queues

SESSION_FORM = "dozvon_inbound_form"
SESSION_ERRORS = "dozvon_inbound_errors"
SESSION_RECORDED = "dozvon_inbound_recorded"
SESSION_PLACED = "dozvon_inbound_order"  # SUB-4: the order placed during this call
# the record form's own fields: any other refusal is the SUB-4 order's (intake, delivery)
DESK_FIELDS = frozenset(
    {"phone", "line", "subject", "comment", "transferred_to", "subscription", "outcome"}
    | {"issues", "lost_reason", "code"}
)


def _order_errors(errors: dict[str, list[str]]) -> list[str]:
    """SUB-4: the order's refusals that no field of the desk shows (payment, delivery)."""
    return [
        message
        for field, found in errors.items()
        if field not in DESK_FIELDS and not field.startswith("offers")
        for message in found
    ]


def _placed(project, order_id) -> dict | None:
    """SUB-4/SUB-5: the order placed during the call, for its promo code and its card."""
    if not isinstance(order_id, int):
        return None
    order = Order.objects.filter(project=project, pk=order_id).first()
    if order is None:
        return None
    return {"order": order, "special_discount": bool((order.extra or {}).get("special_discount"))}


def _refused(request, back: str, phone: str, exc: RuleViolations, form: dict | None = None):
    errors: dict[str, list[str]] = {}
    for v in exc.violations:
        errors.setdefault(v.field, []).append(f"{v.render()} ({v.rule})")
    if form is not None:
        request.session[SESSION_FORM] = form
    request.session[SESSION_ERRORS] = errors
    response = redirect(f"{back}?{urlencode({'phone': phone})}")
    response.status_code = 303
    return response


def _desk_phone(query: str, form: dict, callers: list[dict]) -> str:
    """The number the record form (and NBO's offers) is about: the one typed in a refused
    form, the searched one when it is a phone, else the only caller's."""
    if form.get("phone"):
        return form["phone"]
    if parse_phone(query).e164:
        return query
    if len(callers) == 1:
        return callers[0]["customer"].phone
    return ""


def _offer_errors(errors: dict[str, list[str]]) -> list[str]:
    """NBO's refusals (`offers`, `offers[0].offer`, `lost_reason`), shown by the offers."""
    return [
        message
        for field, found in errors.items()
        if field == "lost_reason" or field.startswith("offers")
        for message in found
    ]


def _nbo_block(project, phone: str, user, form: dict) -> dict | None:
    """NBO-1/3/4: the number's offers for the desk, with what a refused form had chosen."""
    nbo = desk_offers(project=project, phone=phone, user=user)
    if nbo is not None:
        nbo["picked"] = form.get("offers", [])
        nbo["voiced"] = [item.partition(":")[0] for item in nbo["picked"]]
        nbo["lost_reason"] = form.get("lost_reason", "")
    return nbo


@login_required
@domain_errors
def inbound(request, slug):
    project = _project(request, slug)
    now = clock.now()
    query = (request.GET.get("phone") or request.GET.get("q") or "").strip()[:200]
    customers = list(callers_matching(project=project, query=query, actor=request.user))
    pb = playbook_def(project.playbook)
    lang = get_language()
    status_names = {code: s.names.get(lang) for code, s in pb.statuses.items()}
    sub_project = keeps_subscriptions(project)
    subs = (
        subscriptions_of_customers(project=project, customer_ids=[c.pk for c in customers])
        if sub_project
        else {}
    )
    bought = bought_issues(s.pk for items in subs.values() for s in items)
    callers = [
        {
            "customer": c,
            "subscriptions": [
                {
                    "subscription": s,
                    "purchasable": contact_facts(s, bought.get(s.pk, set())).purchasable,
                    "bought": sorted(bought.get(s.pk, set())),
                }
                for s in subs.get(c.pk, [])
            ],
            "orders": [
                {"order": o, "status": status_names.get(o.status, o.status)}
                for o in Order.objects.filter(project=project, customer=c).order_by("-id")[:10]
            ],
            "interactions": list(
                Interaction.objects.filter(project=project, customer=c)
                .select_related("operator")
                .order_by("-started_at")[:10]
            ),
        }
        for c in customers
    ]
    form = request.session.pop(SESSION_FORM, {})
    errors = request.session.pop(SESSION_ERRORS, {})
    phone = _desk_phone(query, form, callers)
    own_line = operator_line_code(request.user, project)
    nbo_project = offers_enabled(project)
    recorded = request.session.pop(SESSION_RECORDED, None)
    placed = _placed(project, request.session.pop(SESSION_PLACED, None)) if sub_project else None
    return render(
        request,
        "web/inbound.html",
        {
            "project": project,
            "projects": projects_for(request.user).order_by("name"),
            "queues": _queues(project, now, request.user),
            "query": query,
            "phone": phone,
            "callers": callers,
            "lines": Line.choices,
            # X-2/NBO-3: an operator's interactions are on the operator's own line, shown
            # and not chosen; a supervisor chooses
            "line": own_line or form.get("line") or Line.FIRST,
            "line_fixed": own_line is not None,
            "sub_project": sub_project,
            "outcomes": Outcome.choices,
            "transfers": Transfer.choices,
            "form": form,
            "errors": errors,
            "nbo_project": nbo_project,
            "nbo": _nbo_block(project, phone, request.user, form) if nbo_project else None,
            "offer_errors": _offer_errors(errors),
            # SUB-4/SUB-5: the order placed with the interaction, its promo code and card
            "payment_methods": [(m, _(PAYMENT_LABELS.get(m, m))) for m in pb.payment_methods]
            if sub_project
            else [],
            "order_errors": _order_errors(errors) if sub_project else [],
            "placed": placed,
            # NBO-6: the interaction just recorded, its page for a balance adjustment
            "recorded": recorded if nbo_project and isinstance(recorded, int) else None,
        },
    )


@login_required
@domain_errors
def inbound_record(request, slug):
    project = _project(request, slug)
    back = reverse("web:inbound", args=[slug])
    if request.method != "POST":
        return redirect(back)
    if "promo_order" in request.POST:
        return inbound_promo(request, slug)
    form = {
        k: request.POST.get(k, "")[:5000]
        for k in (
            "phone",
            "line",
            "subject",
            "comment",
            "transferred_to",
            "subscription",
            "outcome",
            "payment_method",
        )
    }
    # SUB-3: the subscription the contact is about, its outcome and the issues bought
    subscription = rules.parse_int(form["subscription"]) if form["subscription"] else None
    issues = (
        rules.numbers_of(request.POST.getlist(f"issues_{subscription}")[:1000])
        if subscription
        else []
    )
    form["issues"] = [str(n) for n in issues]
    # NBO-1…5: the answer to each offer voiced (`offer_<code>`), or why none was
    nbo = offers_enabled(project)
    offers, lost_reason = offers_from_post(request.POST) if nbo else ([], None)
    form["offers"] = [f"{o['offer']}:{o['response']}" for o in offers]
    form["lost_reason"] = lost_reason or ""
    # SUB-4: the shop order for the issues bought, placed in the interaction's transaction
    place_order = request.POST.get("place_order") == "1" and keeps_subscriptions(project)
    now = clock.now()
    order = None
    try:
        with transaction.atomic():
            if place_order:
                order = _order_remaining(
                    actor=request.user,
                    subscription=subscription,
                    outcome=form["outcome"],
                    issues=issues,
                    payment_method=form["payment_method"],
                    now=now,
                )
            interaction = interaction_record(
                project=project,
                actor=request.user,
                phone=form["phone"],
                line=form["line"] or None,  # an operator's own line
                subject=form["subject"],
                comment=form["comment"],
                transferred_to=form["transferred_to"],
                subscription=subscription,
                outcome=form["outcome"] or None,
                issues=issues or None,
                now=now,
            )
            if nbo:
                offers_record(
                    interaction_id=interaction.pk,
                    offers=offers,
                    lost_reason=lost_reason,
                    actor=request.user,
                    now=now,
                )
    except RuleViolations as exc:
        return _refused(request, back, form["phone"], exc, form)
    messages.success(request, _("Interaction #%(id)s recorded.") % {"id": interaction.pk})
    if order is not None:
        messages.success(request, _("Order #%(id)s placed.") % {"id": order.pk})
        request.session[SESSION_PLACED] = order.pk
    if nbo:
        request.session[SESSION_RECORDED] = interaction.pk
    response = redirect(f"{back}?{urlencode({'phone': interaction.phone})}")
    response.status_code = 303
    return response


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


@login_required
@domain_errors
def inbound_promo(request, slug):
    """SUB-5: the operator applies the project's promo code to the order placed during the
    call (POSTed to the record's URL with `promo_order`); a refusal is shown by the code's
    field, the code itself is never put back on the page."""
    project = _project(request, slug)
    back = reverse("web:inbound", args=[slug])
    if request.method != "POST":
        return redirect(back)
    order_id = rules.parse_int(request.POST.get("promo_order"))
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
        return _refused(request, back, phone, exc)
    messages.success(request, _("Special discount applied to order #%(id)s.") % {"id": order.pk})
    response = redirect(f"{back}?{urlencode({'phone': phone})}")
    response.status_code = 303
    return response
