"""The one-key call loop (issue 12, X-8, COD-17): "no answer" records the failed call and
saves the playbook's no-answer result with its problem and a dated comment, together."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from dozvon.calls.models import CallResult
from dozvon.calls.services import call_attempt_record
from dozvon.orders.models import Order
from dozvon.orders.services.outcomes import order_apply_outcome
from dozvon.playbooks.selectors import playbook_def


@transaction.atomic
def order_no_answer(
    *, order_id: int, actor, duration_s: int = 0, line: str = "", now: datetime
) -> Order:
    """Record a failed call (no answer) and, where the playbook names a result for a failed
    call (COD-17 "No answer"), save it with the result's first problem and a comment dated
    in the project's time zone. Both or neither: a refused save records no call either."""
    call = call_attempt_record(
        order_id=order_id,
        actor=actor,
        result=CallResult.NO_ANSWER,
        started_at=None,
        duration_s=duration_s,
        line=line,
        now=now,
    )
    order = Order.objects.select_related("project", "project__playbook").get(pk=call.order_id)
    pb = playbook_def(order.project.playbook)
    code = pb.settings.get("failed_call_outcome")
    if not code or code not in pb.outcomes:
        return order
    outcome = pb.outcomes[code]
    local = now.astimezone(ZoneInfo(order.project.time_zone))
    return order_apply_outcome(
        order_id=order.pk,
        actor=actor,
        code=code,
        problem=outcome.problems[0] if outcome.problems else "",
        comment=f"{local:%d.%m %H:%M} — {outcome.names.ru}",  # dated, as COD-17 asks
        now=now,
    )
