"""The order card: customer, items, totals and the closing script (COD-14), the result
forms derived from the playbook and the field declarations, the timeline; saving a
result, adding an item or a comment, giving the order back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dozvon.core import clock
from dozvon.core.errors import Conflict, RuleViolations, Violation
from dozvon.core.http_errors import domain_errors
from dozvon.orders import selectors as order_sel
from dozvon.orders import services as order_svc
from dozvon.orders.card_flow import REFUSAL, back_to_card, rerender
from dozvon.orders.card_panels import card_panels, outcome_handlers
from dozvon.orders.services.outcomes import order_reopen as reopen
from dozvon.playbooks.fields import Store
from dozvon.playbooks.selectors import playbook_def
from dozvon.queues import services as queue_svc

# the card's context (what the template shows) lives in card_context; re-exported here
from dozvon.web.card_context import CARD_CUSTOMER as CARD_CUSTOMER
from dozvon.web.card_context import DEFAULT_EDIT as DEFAULT_EDIT
from dozvon.web.card_context import DELIVERY_EDIT as DELIVERY_EDIT
from dozvon.web.card_context import EDIT as EDIT
from dozvon.web.card_context import HOTKEYS as HOTKEYS
from dozvon.web.card_context import ITEM as ITEM
from dozvon.web.card_context import _choices as _choices
from dozvon.web.card_context import _model_choices as _model_choices
from dozvon.web.card_context import card_context as card_context
from dozvon.web.card_context import delivery_decls as delivery_decls
from dozvon.web.card_context import edit_decls as edit_decls
from dozvon.web.card_context import reasons_of as reasons_of
from dozvon.web.forms import (
    parse_discount,
    parse_edit,
    parse_int,
    parse_outcome,
)
from dozvon.web.loop import came_from, next_order


@login_required
@domain_errors
def order_card(request, order_id):
    order = order_sel.order_get(order_id=order_id, actor=request.user)
    refusal = request.session.pop(REFUSAL, None)
    if refusal and refusal.get("order") == order.pk:
        # a refused save, redirected here (POST → redirect → GET): shown once, with what
        # was typed, so reloading the page never sends the form again
        context = card_context(
            request,
            order,
            errors=refusal["errors"],
            values=refusal["values"],
            open_outcome=refusal["open"],
        )
        return render(request, "web/order.html", context, status=422)
    return render(request, "web/order.html", card_context(request, order))


def on_card(request, order_id: int, change, *, success: str = ""):
    """Run one change of the order from its card: back to the card, with the refusal shown
    next to its fields or the success message."""
    try:
        change()
    except RuleViolations as exc:
        return rerender(request, order_id, exc)
    if success:
        messages.success(request, success)
    return back_to_card(request, order_id)


@login_required
@require_POST
@domain_errors
def order_add_item(request, order_id):
    """COD-11: a secondary product; a refusal comes back with the product, quantity and
    discount the operator chose, so fixing the discount never adds another product."""
    discount = parse_discount(request.POST.get("discount_percent"))
    chosen = {k: request.POST.get(k, "")[:64] for k in ("sku", "quantity", "discount_percent")}
    try:
        if discount is None:
            raise RuleViolations([Violation("input", "discount_percent", "Enter a valid value.")])
        order_svc.order_add_item(
            order_id=order_id,
            actor=request.user,
            sku=chosen["sku"],
            quantity=parse_int(request.POST.get("quantity"), 0, -1, 10**6),
            discount_percent=discount,
            now=clock.now(),
        )
    except RuleViolations as exc:
        return rerender(request, order_id, exc, values=chosen, open_outcome=ITEM)
    return back_to_card(request, order_id)


@login_required
@require_POST
@domain_errors
def order_comment(request, order_id):
    return on_card(
        request,
        order_id,
        lambda: order_svc.order_add_comment(
            order_id=order_id,
            actor=request.user,
            text=request.POST.get("text", ""),
            now=clock.now(),
        ),
    )


@login_required
@require_POST
@domain_errors
def order_outcome(request, order_id):
    order = order_sel.order_get(order_id=order_id, actor=request.user)
    args, bad = parse_outcome(request.POST, order.project.time_zone)
    values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    version = parse_int(request.POST.get("version"), None, 0, 10**9)
    try:
        if bad:
            raise RuleViolations(bad)
        # an outcome the playbook's plug-in saves its own way (DUN-9: `paid` is a
        # confirmed payment, recorded and credited, not only a status)
        own = outcome_handlers(playbook_def(order.project.playbook)).get(args["code"])
        if own is not None:
            own(order_id=order_id, actor=request.user, args=args, now=clock.now())
            saved = order_sel.order_get(order_id=order_id, actor=request.user)
        else:
            saved = order_svc.order_apply_outcome(
                order_id=order_id, actor=request.user, version=version, now=clock.now(), **args
            )
    except RuleViolations as exc:
        return rerender(request, order_id, exc, values=values, open_outcome=args["code"])
    except Conflict:
        messages.error(request, _("The order was changed by someone else; reload it."))
        return rerender(
            request, order_id, RuleViolations([]), values=values, open_outcome=args["code"]
        )
    pb = playbook_def(saved.project.playbook)
    messages.success(
        request,
        _("Order #%(id)s saved: %(status)s.")
        % {"id": saved.pk, "status": pb.statuses[saved.status].names.get(get_language())},
    )
    # a plug-in's own list the operator works from (DUN-3: the worklist), back to it
    home = next((p.after_save for p in card_panels(pb) if p.after_save), "")
    if home:
        return redirect(home, slug=saved.project.slug)
    return next_order(request, saved.project, came_from(request, pb))


@login_required
@require_POST
@domain_errors
def order_release(request, order_id):
    try:
        order = queue_svc.order_release(order_id=order_id, actor=request.user, now=clock.now())
    except RuleViolations as exc:
        return rerender(request, order_id, exc)
    return redirect("web:workspace", slug=order.project.slug)


@login_required
@require_POST
@domain_errors
def order_edit(request, order_id):
    """COD-12, X-3: the customer's name, gender, email, extra phones and the delivery
    address (DUN-4: phone, email, the payer's and the recipient's address), checked with
    the customer and saved through the order edit service."""
    values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    order = order_sel.order_get(order_id=order_id, actor=request.user)
    pb = playbook_def(order.project.playbook)
    # SHOP-7: the delivery and payment form, or the customer and address form
    form = DELIVERY_EDIT if request.POST.get("form") == "delivery" else EDIT
    decls = delivery_decls(pb) if form == DELIVERY_EDIT else edit_decls(pb)
    customer, bad = parse_edit(request.POST, [d for d in decls if d.store == Store.CUSTOMER])
    fields, bad_address = parse_edit(request.POST, [d for d in decls if d.store == Store.ORDER])
    try:
        if bad or bad_address:
            raise RuleViolations([*bad, *bad_address])
        order_svc.order_update(
            order_id=order_id,
            actor=request.user,
            version=parse_int(request.POST.get("version"), -1, -1, 2**31 - 1),
            customer=customer,
            fields=fields,
            now=clock.now(),
        )
    except RuleViolations as exc:
        return rerender(request, order_id, exc, values=values, open_outcome=form)
    except Conflict:
        messages.error(request, _("The order was changed by someone else; reload it."))
        return rerender(request, order_id, RuleViolations([]), values=values, open_outcome=form)
    if form == DELIVERY_EDIT:
        messages.success(request, _("Delivery and payment saved."))
        return back_to_card(request, order_id)
    messages.success(request, _("Customer and address saved."))
    return back_to_card(request, order_id)


@login_required
@require_POST
@domain_errors
def order_reopen(request, order_id):
    """X-7: a supervisor opens a closed order again, saying why."""
    return on_card(
        request,
        order_id,
        lambda: reopen(
            order_id=order_id,
            actor=request.user,
            comment=request.POST.get("comment", "")[:5000],
            now=clock.now(),
        ),
        success=_("The order is open again."),
    )
