"""The operator's call loop (issue 12, X-8): a call attempt with its measured duration,
"no answer" in one key (COD-17), and the next order opening after every save unless the
operator turned that off (web/loop.py). Views parse, call one service, and redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dozvon.core import clock
from dozvon.core.errors import RuleViolations
from dozvon.core.http_errors import domain_errors
from dozvon.core.limits import MAX_CALL_SECONDS
from dozvon.orders import selectors as order_sel
from dozvon.orders.card_flow import rerender
from dozvon.orders.services.calling import call_attempt_record, order_no_answer
from dozvon.playbooks.selectors import playbook_def
from dozvon.web.card import on_card
from dozvon.web.loop import AUTO_NEXT, came_from, next_order


def _duration(request) -> int:
    """The call's duration measured by the card's timer (X-8), within sane bounds."""
    try:
        return max(0, min(MAX_CALL_SECONDS, int(request.POST.get("duration_s") or 0)))
    except ValueError:
        return 0


@login_required
@require_POST
@domain_errors
def order_call(request, order_id):
    return on_card(
        request,
        order_id,
        lambda: call_attempt_record(
            order_id=order_id,
            actor=request.user,
            result=request.POST.get("result", "")[:40],
            duration_s=_duration(request),
            line=request.POST.get("line", "")[:40],  # DUN-7: the caller line used
            now=clock.now(),
        ),
    )


@login_required
@require_POST
@domain_errors
def order_no_answer_view(request, order_id):
    """Alt+N: the failed call and the No answer result in one step, then the next order."""
    order = order_sel.order_get(order_id=order_id, actor=request.user)
    queue = came_from(request, playbook_def(order.project.playbook))
    try:
        order_no_answer(
            order_id=order_id,
            actor=request.user,
            duration_s=_duration(request),
            line=request.POST.get("line", "")[:40],
            now=clock.now(),
        )
    except RuleViolations as exc:
        return rerender(request, order_id, exc)
    messages.success(request, _("Order #%(id)s: no answer recorded.") % {"id": order_id})
    return next_order(request, order.project, queue)


@login_required
@require_POST
def auto_next_toggle(request):
    """The operator's choice: open the next order after a save, or go back to the list."""
    request.session[AUTO_NEXT] = request.POST.get("on") == "1"
    back = request.POST.get("back") or ""
    return redirect(back if back.startswith("/") and not back.startswith("//") else "/")
