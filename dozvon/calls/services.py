"""X-8: the one call recorder. An attempt on an order (`orders.services.calling`) or on an
inbound interaction (`interactions.services`) is checked by the same rules and written by
`call_attempt_create`; its timeline line is `call_line`. The caller locks its subject and
holds the transaction."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from dozvon.calls.models import CallAttempt, CallResult
from dozvon.calls.rules import check_call_attempt
from dozvon.core.errors import RuleViolations


def call_attempt_create(
    *,
    project,
    operator,
    result: str,
    started_at: datetime,
    duration_s: int,
    not_before: datetime,
    now: datetime,
    order=None,
    interaction=None,
    line: str = "",
    lines: Collection[str] = (),
) -> CallAttempt:
    """X-8: refuse an attempt the rules refuse (all refusals at once), else write it. On an
    order when `order` is given, else on `interaction`; `not_before` is when its subject
    began (the order arrived, the interaction started)."""
    found = check_call_attempt(
        result=result,
        results=CallResult.values,
        duration_s=duration_s,
        started_at=started_at,
        now=now,
        not_before=not_before,
        subject="order" if order is not None else "interaction",
        line=line,
        lines=lines,
    )
    if found:
        raise RuleViolations(found)
    return CallAttempt.objects.create(
        project=project,
        order=order,
        interaction=interaction,
        operator=operator,
        started_at=started_at,
        duration_s=duration_s,
        result=result,
        line=line or None,
        created_at=now,
    )


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
