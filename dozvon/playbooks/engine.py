"""The playbook engine (X-7, COD-1…17, SHOP-1): evaluating an outcome's rules, routing an
order to the queue it waits in next, and telling which tab an order shows in. Pure: no
ORM, no clock; `now` and the time zone are inputs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dozvon.core.errors import Violation
from dozvon.playbooks import rules as R
from dozvon.playbooks.definition import OutcomeDef, PlaybookDef, QueueDef


def evaluate(outcome: OutcomeDef, ctx: R.OutcomeContext) -> list[Violation]:
    """Every violation of the outcome's field rules and named checks (X-7)."""
    found = [
        *R.required_fields(ctx, outcome.requires),
        *R.forbidden_fields(ctx, outcome.forbids),
    ]
    if not any(v.field == "problem" for v in found):
        found.extend(R.allowed_problems(ctx, outcome.problems))
    for check in outcome.checks:
        if check.applies(ctx):
            found.extend(R.REGISTRY[check.name](ctx, rule_id=check.rule, **check.params))
    unique: dict[tuple[str, str, str], Violation] = {}
    for v in found:
        unique.setdefault((v.rule, v.field, v.message), v)
    return list(unique.values())


def plan(outcome: OutcomeDef, ctx: R.OutcomeContext) -> R.Plan:
    """What the accepted outcome's planning checks decide (DUN-5: the day a postponed
    order is due again, "already paid" ⇒ proof requested); an empty plan otherwise. Call
    it after `evaluate` found nothing."""
    due_at, marks = None, []
    for check in outcome.checks:
        planner = R.PLANNERS.get(check.name)
        if planner is None or not check.applies(ctx):
            continue
        decided = planner(ctx, rule_id=check.rule, **check.params)
        due_at = decided.due_at or due_at
        marks += [m for m in decided.marks if m not in marks]
    return R.Plan(due_at, tuple(marks))


@dataclass(frozen=True)
class RouteDecision:
    bucket: str
    due_at: datetime | None
    callback_at: datetime | None


def route(
    outcome: OutcomeDef,
    *,
    failed_calls: int,
    now: datetime,
    tz: str,
    callback_at: datetime | None,
) -> RouteDecision:
    """Where the order waits after this outcome (COD-15…17, SHOP-1)."""
    chosen = next((r for r in outcome.routes if r.matches(failed_calls)), None)
    if chosen is None or not chosen.bucket:
        return RouteDecision("", None, callback_at)
    if callback_at is None and chosen.callback_default_days is not None:
        callback_at = now + timedelta(days=chosen.callback_default_days)
    if chosen.callback_in_hours is not None:
        callback_at = now + timedelta(hours=chosen.callback_in_hours)
        if chosen.within_today:
            zone = ZoneInfo(tz)
            local_now = now.astimezone(zone)
            end_of_day = datetime.combine(local_now.date(), time(23, 59, 59), tzinfo=zone)
            callback_at = max(min(callback_at, end_of_day), now)
    if chosen.due == "callback_at":
        due_at = callback_at
    elif chosen.due == "now":
        due_at = now + timedelta(minutes=chosen.after_minutes)
    else:
        due_at = None
    return RouteDecision(chosen.bucket, due_at, callback_at)


def created_day(created_at: datetime, now: datetime, tz: str) -> str:
    zone = ZoneInfo(tz)
    days = (now.astimezone(zone).date() - created_at.astimezone(zone).date()).days
    return {0: "today", 1: "yesterday", 2: "day_before"}.get(
        days, "earlier" if days > 2 else "today"
    )


def queue_of(
    playbook: PlaybookDef,
    *,
    bucket: str,
    created_at: datetime,
    failed_calls: int,
    now: datetime,
    tz: str,
) -> QueueDef | None:
    """The tab an order shows in (COD-1…6): first queue whose selector matches."""
    if not bucket:
        return None
    day = created_day(created_at, now, tz)
    for q in playbook.queues:
        if q.bucket != bucket:
            continue
        if q.created != "any" and q.created != day:
            continue
        if q.min_failed_calls is not None and failed_calls < q.min_failed_calls:
            continue
        if q.max_failed_calls is not None and failed_calls > q.max_failed_calls:
            continue
        return q
    return None
