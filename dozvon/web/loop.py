"""After a save, the next order (issue 12): the queue the order was taken from, and the
operator's choice to have the next one open by itself."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from dozvon.core import clock
from dozvon.core.errors import RuleViolations
from dozvon.queues import services as queue_svc

AUTO_NEXT = "dozvon_auto_next"


def auto_next_on(request) -> bool:
    """Whether the next order opens after a save (on unless the operator turned it off)."""
    return request.session.get(AUTO_NEXT, True)


def came_from(request, pb) -> str:
    """The queue the order was taken from (`from` in the card's URL or form), if callable."""
    code = (request.POST.get("from") or request.GET.get("from") or "")[:40]
    return code if any(q.code == code and q.callable for q in pb.queues) else ""


def next_order(request, project, queue_code: str):
    """After a save: the next order of the same queue when the operator wants it, else the
    workspace (on that queue)."""
    workspace = reverse("web:workspace", args=[project.slug])
    if not queue_code:
        return redirect(workspace)
    if auto_next_on(request):
        try:
            order = queue_svc.queue_take_next(
                project=project, queue_code=queue_code, actor=request.user, now=clock.now()
            )
        except RuleViolations as exc:
            for v in exc.violations:
                messages.error(request, v.render())
            order = None
        if order is not None:
            return redirect(f"{reverse('web:order', args=[order.pk])}?from={queue_code}")
        messages.info(request, _("No orders are due in this queue right now."))
    return redirect(f"{workspace}?queue={queue_code}")
