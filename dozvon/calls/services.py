"""X-8: recording call attempts; they feed the queue and the status rules."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from dozvon.calls.models import CallAttempt, CallResult
from dozvon.calls.rules import check_call_attempt
from dozvon.core.errors import RuleViolations
from dozvon.core.limits import MAX_CALL_SECONDS
from dozvon.orders.services import Event, ensure_claim_allows, lock_order, record
from dozvon.orders.services.base import apply_route, bump_version
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
    line = (line or "").strip()
    found = check_call_attempt(
        result=result,
        results=CallResult.values,
        duration_s=duration_s,
        started_at=started_at,
        now=now,
        not_before=order.created_at,
        line=line,
        lines=tuple(pb.settings.get("caller_lines", ())),
    )
    if found:
        raise RuleViolations(found)
    call = CallAttempt.objects.create(
        project=order.project,
        order=order,
        operator=actor,
        started_at=started_at,
        duration_s=duration_s,
        result=result,
        line=line or None,
        created_at=now,
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
    record(
        Event.CALLED,
        order=order,
        actor=actor,
        now=now,
        **call_line(call),
    )
    return call


def call_line(call: CallAttempt) -> dict:
    """X-6/X-8: what a call attempt's timeline line says and keeps, on an order or an
    interaction alike."""
    data = {
        "call": call.pk,
        "result": call.result,
        "started_at": call.started_at.isoformat(),
        "duration_s": call.duration_s,
    }
    if call.line:
        data["line"] = call.line
    return {"text": str(CallResult(call.result).label), "data": data}
