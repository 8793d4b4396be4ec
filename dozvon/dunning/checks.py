"""DUN outcome checks (postponement, calling discipline, comment language, "emails only")
and DUN-6's rule over every comment: plain functions over frozen facts, no ORM; the pure
rules are dozvon.dunning.rules. The engine finds them only through what `register()`
puts in `playbooks.rules` (REGISTRY, PLANNERS, ON_DEMAND),
`playbooks.comment_rules` (COMMENT_RULES) and in the plug-in registry
(dozvon.core.plugins, point CHECKS), called from the plug-in's `plugin.register()`; a
playbook file cites them by name."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from dozvon.core import plugins
from dozvon.core.errors import Violation
from dozvon.dunning import contact_rules
from dozvon.dunning import rules as dun
from dozvon.playbooks.comment_rules import register_comment_rule
from dozvon.playbooks.rules import (
    OutcomeContext,
    Plan,
    is_blank,
    register_check,
)


def _postponement(ctx: OutcomeContext, rule_id: str, **bounds: Any) -> dun.Postponement:
    policy = dun.PostponePolicy(
        **{k: tuple(v) if isinstance(v, list | tuple) else v for k, v in bounds.items()}
    )
    v = ctx.values
    return dun.postpone(
        reason=str(v.get("reason") or ""),
        days=v.get("days"),
        promised_on=v.get("promised_on"),
        today=ctx.local(ctx.now).date(),
        policy=policy,
        rule_id=rule_id,
    )


def postpone_rules(
    ctx: OutcomeContext,
    *,
    rule_id: str,
    default_days: int,
    other_max_days: int,
    will_think_days: list[int],
    already_paid_days: list[int],
    promised_max_days: int,
    promised_date_max_ahead: int,
    promised_date_after: list[int],
    due_hour: int,
) -> list[Violation]:
    """DUN-5: the postponement's reason, days and promised date, within the bounds the
    playbook file's check declares (every one required: no copy of them here)."""
    return list(
        _postponement(
            ctx,
            rule_id,
            default_days=default_days,
            other_max_days=other_max_days,
            will_think_days=will_think_days,
            already_paid_days=already_paid_days,
            promised_max_days=promised_max_days,
            promised_date_max_ahead=promised_date_max_ahead,
            promised_date_after=promised_date_after,
        ).violations
    )


def postpone_plan(ctx: OutcomeContext, *, rule_id: str, due_hour: int, **bounds: Any) -> Plan:
    """DUN-5, once accepted: due again at `due_hour` (project time zone) on the day
    `dunning.rules.postpone` gives for the reason and days; "already paid" marks the order
    `proof_requested` (ask for proof of payment)."""
    decided = _postponement(ctx, rule_id, **bounds)
    if decided.due_on is None:
        return Plan()
    due_at = datetime.combine(decided.due_on, time(due_hour), tzinfo=ZoneInfo(ctx.tz))
    return Plan(due_at, decided.marks)


def calling_discipline(
    ctx: OutcomeContext,
    *,
    rule_id: str,
    calls: int,
    gap_hours: float,
    lines: int,
    unreachable_flag: str,
) -> list[Violation]:
    """DUN-7: today's calls (lines, hours apart) and a comment after them, or after
    today's conversation; the comment saved with this result counts."""
    commented = [ctx.last_comment_at] if ctx.last_comment_at else []
    if not is_blank(ctx.values.get("comment")):
        commented.append(ctx.now)
    return dun.check_calling_discipline(
        calls=[dun.Attempt(c.at, c.result, c.line) for c in ctx.calls],
        last_comment_at=max(commented, default=None),
        unreachable=unreachable_flag in ctx.marks,
        now=ctx.now,
        tz=ctx.tz,
        min_calls=calls,
        gap_hours=gap_hours,
        min_lines=lines,
        rule_id=rule_id,
    )


def comment_in_russian(ctx: OutcomeContext, *, rule_id: str) -> list[Violation]:
    """DUN-6: the result's comment is written in Russian."""
    return dun.check_comment_language(ctx.values.get("comment"), rule_id=rule_id)


def requires_email(ctx: OutcomeContext, *, rule_id: str) -> list[Violation]:
    """DUN-8: "emails only" needs an address the emails can go to."""
    return contact_rules.check_emails_only(email=ctx.customer_email, rule_id=rule_id)


def comment_language(conf: Mapping[str, Any], text: str | None, *, field: str) -> list[Violation]:
    """DUN-6 over every operator comment: the playbook's `[settings.comments]` with
    `language = "ru"` (its `rule`, DUN-6 by default) refuses one not in Russian."""
    if conf.get("language") != "ru":
        return []
    return dun.check_comment_language(text, rule_id=str(conf.get("rule") or "DUN-6"), field=field)


# The checks a playbook file may cite by name (dun.toml's outcomes)
CHECKS = {
    "postpone_rules": postpone_rules,
    "calling_discipline": calling_discipline,
    "comment_in_russian": comment_in_russian,
    "requires_email": requires_email,
}
# those that also plan the order's next step once the outcome is accepted (DUN-5)
PLANNERS = {"postpone_rules": postpone_plan}
# the facts a check reads that the outcome service loads only for it (DUN-7)
ON_DEMAND = {"calling_discipline": ("last_comment_at",)}
# `[settings.comments]` key → the rule it turns on over every comment (DUN-6)
COMMENT_RULES = {"language": comment_language}


def register(label: str) -> None:
    """Make the checks citable by name (called from the plug-in's `register()`)."""
    for name, fn in CHECKS.items():
        register_check(name, fn, planner=PLANNERS.get(name), on_demand=ON_DEMAND.get(name, ()))
        plugins.register(plugins.CHECKS, label, name, fn)
    for key, fn in COMMENT_RULES.items():
        register_comment_rule(key, fn)
