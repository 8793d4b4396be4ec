"""Calls on an order (X-8, COD-17): an attempt recorded, with what a failed one does to the
order, and the one-key call loop (issue 12): "no answer" records the failed call and saves
the playbook's no-answer result with its problem and a dated comment, together."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from dozvon.calls.models import CallAttempt, CallResult
from dozvon.calls.services import call_attempt_create, call_line
from dozvon.core.limits import MAX_CALL_SECONDS
from dozvon.orders.models import Order
from dozvon.orders.services.base import apply_route, bump_version, ensure_claim_allows, lock_order
from dozvon.orders.services.events import Event, record
from dozvon.orders.services.outcomes import order_apply_outcome
from dozvon.playbooks.engine import route
from dozvon.playbooks.rules import FAILED_RESULTS
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import WORK


@transaction.atomic
def call_attempt_record(
    *,
    order_id: int,
    actor,
    result: str,
    started_at: datetime | None = None,
    duration_s: int = 0,
    line: str = "",
    now: datetime,
) -> CallAttempt:
    """X-8: record an attempt on an order, from one of the project's caller lines (the
    playbook's `caller_lines`, DUN-7) when `line` is given. Without `started_at` the call
    started `duration_s` before `now`."""
    order = lock_order(order_id=order_id, actor=actor, action=WORK)
    ensure_claim_allows(order, actor, now)
    if started_at is None:
        # the call began when its timer did (the card measures the duration from the
        # click on the phone), not when the result was saved; never before the order
        seconds = min(max(0, duration_s), MAX_CALL_SECONDS)  # out of range: refused below
        started_at = max(now - timedelta(seconds=seconds), order.created_at)
    pb = playbook_def(order.project.playbook)
    call = call_attempt_create(
        project=order.project,
        order=order,
        operator=actor,
        result=result,
        started_at=started_at,
        duration_s=duration_s,
        not_before=order.created_at,
        now=now,
        line=(line or "").strip(),
        lines=tuple(pb.settings.get("caller_lines", ())),
    )
    order.calls_total += 1
    if result in FAILED_RESULTS:
        order.failed_calls += 1
    order.last_call_at = max(order.last_call_at or started_at, started_at)
    written = ["calls_total", "failed_calls", "last_call_at"]
    via = pb.settings.get("failed_call_outcome")
    if result in FAILED_RESULTS and via and order.bucket:
        # COD-2/4/17: the failed attempt itself moves the order (quick recall, then hourly)
        decision = route(
            pb.outcomes[via],
            failed_calls=order.failed_calls,
            now=now,
            tz=order.project.time_zone,
            callback_at=None,
        )
        if decision.bucket:
            written += apply_route(order, decision, keep_callback=True)
    bump_version(order, now, written)
    record(Event.CALLED, order=order, actor=actor, now=now, **call_line(call))
    return call


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
