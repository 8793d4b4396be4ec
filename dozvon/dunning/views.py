"""DUN screens (issue 14): the worklist (DUN-3), the card panel's email actions (DUN-4)
and a supervisor's confirmation of a payment (DUN-5, DUN-9).

Views parse input, call one selector or service, and render or redirect; the card itself
is web/card.py (it shows the panel for a playbook with a worklist)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dozvon.core import clock
from dozvon.core.errors import NotFound, RuleViolations, violation
from dozvon.core.form_values import parse_discount, parse_int
from dozvon.core.http_errors import domain_errors
from dozvon.core.money import display_money
from dozvon.dunning import selectors as sel
from dozvon.dunning.card import PANEL  # the card's key of the DUN panel (dunning/card.py)
from dozvon.dunning.emails import dun_email_send
from dozvon.messaging.models import MessageState
from dozvon.orders.card_flow import back_to_card, rerender
from dozvon.payments.rules import MONEY_RULE
from dozvon.payments.services import payment_confirm
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import WORK, ensure_can, is_supervising, project_for, projects_for
from dozvon.queues.tabs import queue_tabs

# DUN-4: the emails an operator sends from the panel
SENDABLE = ("bank_details", "bonus_offer")


def project_or_404(request, slug):
    try:
        return project_for(request.user, slug)
    except NotFound as exc:
        raise Http404 from exc


def worklist_filter(params, pb) -> sel.WorklistFilter:
    """GET parameters, leniently: a malformed value is the preset, never a 500."""

    def text(name: str, size: int = 40) -> str:
        return (params.get(name) or "").strip()[:size]

    status = text("status")
    known = {sel.STATUS_ALL, *pb.statuses, *(f"{sel.GROUP}{g}" for g in pb.groups)}
    tier = parse_int(params.get("tier"), 0, 0, 100)
    per_page = params.get("per_page") or params.get("page_size")
    return sel.WorklistFilter(
        q=text("q", 200),
        status=status if status in known else "",
        scope=sel.SCOPE_ALL if text("scope") == sel.SCOPE_ALL else sel.SCOPE_WORKLIST,
        due=sel.DUE_ALL if text("due") == sel.DUE_ALL else sel.DUE_TODAY,
        week=parse_int(params.get("week"), 0, 0, sel.work_weeks(pb)) or None,
        tier=tier if tier in sel.tier_weeks(pb) else None,
        reached=text("reached") if text("reached") in (sel.REACHED_YES, sel.REACHED_NO) else "",
        per_page=parse_int(per_page, sel.PER_PAGE, 1, sel.MAX_PER_PAGE),
    )


@login_required
@domain_errors
def worklist(request, slug):
    """DUN-3: the preset filters, the count to process today, newest first, 20 a page by
    default and up to 100; for a supervisor the exhausted orders to clean up (DUN-8)."""
    project = project_or_404(request, slug)
    ensure_can(request.user, project, WORK)
    pb = playbook_def(project.playbook)
    if not sel.is_dunning(pb):
        raise Http404
    now = clock.now()
    lang = get_language()
    f = worklist_filter(request.GET, pb)
    page, rows = sel.worklist_page(project, f, request.GET.get("page"), f.per_page, now)
    statuses = {s.code: s.names.get(lang) for s in pb.statuses.values()}
    supervising = is_supervising(request.user, project)
    return render(
        request,
        "dunning/worklist.html",
        {
            "project": project,
            "projects": projects_for(request.user).order_by("name"),
            "queues": queue_tabs(project, now, request.user),
            "filters": f,
            "page": page,
            "rows": [{"row": r, "status": statuses.get(r.order.status, "")} for r in rows],
            "today_count": page.paginator.count
            if f.is_preset
            else sel.worklist_count_today(project, now),
            "exhausted_count": sel.worklist_exhausted_count(project) if supervising else None,
            "supervising": supervising,
            "groups": [(f"{sel.GROUP}{c}", names.get(lang)) for c, names in pb.groups.items()],
            "default_group": sel.default_group(pb),
            "statuses": list(statuses.items()),
            "weeks": range(1, sel.work_weeks(pb) + 1),
            "tiers": list(sel.tier_weeks(pb).items()),
            "page_sizes": (20, 50, 100),
            "worklist_queue": sel.WORKLIST,
        },
    )


@login_required
@require_POST
@domain_errors
def order_send(request, order_id):
    """DUN-4: send the bank details, or a bonus offer at the chosen % through the outbox
    now; the service refuses a % the order's week of work does not allow (DUN-1/2), a
    customer without an address (X-9), another's live claim (COD-9): shown in the panel."""
    template = (request.POST.get("template") or "")[:40]
    percent = parse_int(request.POST.get("bonus_percent"), None, 0, 1000)
    try:
        if template not in SENDABLE:
            raise RuleViolations([violation("input", "template", "Choose an email to send.")])
        message, queued = dun_email_send(
            order_id=order_id,
            template=template,
            bonus_percent=percent if template == "bonus_offer" else None,
            actor=request.user,
            now=clock.now(),
        )
    except RuleViolations as exc:
        return rerender(request, order_id, exc, open_outcome=PANEL)
    if queued:
        text = _('Email "%(name)s" to %(to)s queued.')
    elif message.state == MessageState.QUEUED:
        text = _('Email "%(name)s" to %(to)s is already queued.')
    else:  # DUN-4: the same email moments ago (a double click): not sent twice
        text = _('Email "%(name)s" to %(to)s was sent moments ago; it is not sent twice.')
    messages.success(request, text % {"name": message.name, "to": message.to})
    return back_to_card(request, order_id)


@login_required
@require_POST
@domain_errors
def order_confirm_payment(request, order_id):
    """DUN-5/9: a supervisor confirms the customer's payment from the proof: the amount
    (the outstanding one when empty), the bank's reference (optional) and a comment in
    Russian. The payment counts for the operator who worked the order last (DUN-9), as
    one the partner reports does. Refusals are shown in the panel."""
    text = (request.POST.get("amount") or "").strip()[:30]
    amount = parse_discount(text) if text else None
    try:
        if text and (amount is None or not amount.is_finite()):
            raise RuleViolations([violation(MONEY_RULE, "amount", "The amount is not a number.")])
        payment = payment_confirm(
            order_id=order_id,
            amount=amount,
            reference=(request.POST.get("reference") or "")[:200],
            comment=(request.POST.get("comment") or "")[:5000],
            actor=request.user,
            now=clock.now(),
        )
    except RuleViolations as exc:
        return rerender(request, order_id, exc, open_outcome=PANEL)
    who = payment.attributed_to
    args = {
        "amount": display_money(payment.amount, payment.currency),
        "operator": (who.get_full_name() or who.get_username()) if who else "",
    }
    messages.success(
        request,
        (
            _("Payment of %(amount)s confirmed; it counts for %(operator)s.")
            if who
            else _("Payment of %(amount)s confirmed; nobody worked the order before it.")
        )
        % args,
    )
    return back_to_card(request, order_id)
