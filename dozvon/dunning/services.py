"""DUN services (SPEC DUN-1/2, DUN-7, DUN-8): the checks an operator's email must pass,
and a supervisor's clean-up of exhausted orders. The rules are `dunning.rules` (pure);
here they get their facts from the database, and their bounds from the project's
playbook (policy is data): the `calling_discipline` check of its outcomes (DUN-7), its
`settings.bonus` (DUN-2), its DUN-8 count trigger.

- `check_contact_allowed(order, now=)`: DUN-7 before an email an operator sends (the
  outcomes check it themselves before a postponement or a cancel).
- `check_bonus_allowed(order, percent=, now=)`: DUN-1/2, the bonus % the order's week of
  work allows.
- `exhausted_clean_up(project=, actor=, now=, seen=)`: DUN-8, the worklist's button,
  confirmed from its preview (`cleanup_selectors.clean_up_preview`).
- `exhausted_switch(project=, enabled=, actor=, now=)`: DUN-8's nightly run on or off.

The first two are the plug-in's `MESSAGE_GUARD`: the messaging engine calls them, for a
project whose playbook is the plug-in's, through the registry (dozvon.core.plugins).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dozvon.automation.models import TriggerRun, TriggerSwitch
from dozvon.automation.selectors import trigger_candidates
from dozvon.automation.services import trigger_run_now, trigger_switch
from dozvon.calls.models import CallAttempt
from dozvon.core.errors import RuleViolations, Violation, violation
from dozvon.dunning import rules as dun
from dozvon.history.models import TimelineEntry, TimelineKind
from dozvon.messaging.services import MessageGuard
from dozvon.orders.models import Order
from dozvon.playbooks.automation_def import TriggerDef
from dozvon.playbooks.definition import Check, PlaybookDef
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import SUPERVISE, ensure_can

CALLING_CHECK = "calling_discipline"


# --- the playbook's DUN policy ----------------------------------------------------------------


def calling_check(pb: PlaybookDef) -> Check | None:
    """DUN-7's bounds as the playbook gives them: its outcomes' `calling_discipline`
    check (the first; dun.toml gives every outcome the same). None: no such rule."""
    return next(
        (c for o in pb.outcomes.values() for c in o.checks if c.name == CALLING_CHECK), None
    )


def exhausted_trigger(pb: PlaybookDef) -> TriggerDef | None:
    """DUN-8's clean-up: the playbook's count trigger citing DUN-8 (dun.toml `exhausted`)."""
    return next((t for t in pb.triggers if t.when == "count" and t.rule == "DUN-8"), None)


def entry_trigger(pb: PlaybookDef) -> TriggerDef | None:
    """DUN-1: the age trigger that puts an order into a queue (dun.toml `enter_worklist`)."""
    return next(
        (
            t
            for t in pb.triggers
            if t.when == "age"
            and not t.since_trigger
            and any(e.kind == "route" and e.bucket for e in t.effects)
        ),
        None,
    )


def _day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    return (
        datetime.combine(day, time(0), tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
    )


# --- DUN-7: before an operator's email ---------------------------------------------------------


def check_contact_allowed(order: Order, *, now: datetime) -> list[Violation]:
    """DUN-7 before an email an operator sends: today's calls (two, hours apart, from
    different caller lines) and a comment after them, or after today's conversation; none
    for a number marked unreachable (DUN-8: emails instead of calls). Nothing for a
    project whose playbook has no calling discipline (COD, SHOP)."""
    project = order.project
    check = calling_check(playbook_def(project.playbook))
    if check is None:
        return []
    p = check.params
    tz = project.time_zone
    start, end = _day_bounds(now.astimezone(ZoneInfo(tz)).date(), tz)
    calls = [
        dun.Attempt(at, result, line or "")
        for at, result, line in CallAttempt.objects.filter(
            order=order, started_at__gte=start, started_at__lt=end
        )
        .order_by("started_at", "id")
        .values_list("started_at", "result", "line")
    ]
    last_comment_at = (
        TimelineEntry.objects.filter(order=order, kind=TimelineKind.COMMENT)
        .order_by("-id")  # append-only: the newest line has the highest id
        .values_list("at", flat=True)
        .first()
    )
    marks = (order.extra or {}).get("marks") or {}
    return dun.check_calling_discipline(
        calls=calls,
        last_comment_at=last_comment_at,
        unreachable=p["unreachable_flag"] in marks,
        now=now,
        tz=tz,
        min_calls=p["calls"],
        gap_hours=p["gap_hours"],
        min_lines=p["lines"],
        rule_id=check.rule,
    )


# --- DUN-1/2: the bonus of the order's week of work ------------------------------------------


def work_entered_on(order: Order) -> date | None:
    """DUN-1: the local day the order entered the worklist (its entry trigger's run);
    None when the playbook has no entry trigger or the order has not entered yet."""
    pb = playbook_def(order.project.playbook)
    trigger = entry_trigger(pb)
    if trigger is None:
        return None
    at = (
        TriggerRun.objects.filter(order=order, trigger=trigger.code)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return at.astimezone(ZoneInfo(order.project.time_zone)).date() if at else None


def check_bonus_allowed(order: Order, *, percent: int, now: datetime) -> list[Violation]:
    """DUN-1/2: a bonus offer of `percent` in the order's week of work (15 % in weeks
    1–3, 25 % from the first call and in weeks 4–6; nothing before entry or after the six
    weeks). Nothing for a project whose playbook has no `settings.bonus`."""
    pb = playbook_def(order.project.playbook)
    conf = pb.settings.get("bonus") or {}
    if not conf:
        return []
    tiers = tuple(tuple(t) for t in conf.get("tiers") or dun.BONUS_TIERS)
    entered = work_entered_on(order)
    today = now.astimezone(ZoneInfo(order.project.time_zone)).date()
    week = dun.work_week(entered, today) if entered else 0
    return dun.check_bonus(
        percent=percent, week=week, tiers=tiers, rule_id=str(conf.get("rule") or "DUN-2")
    )


# The checks every email of a DUN project passes before it is queued (registered at
# `plugins.MESSAGE_GUARDS` by the plug-in's `register()`)
MESSAGE_GUARD = MessageGuard(operator_email=check_contact_allowed, bonus_offer=check_bonus_allowed)


# --- DUN-8: exhausted orders -------------------------------------------------------------------


def _exhausted(project) -> TriggerDef:
    trigger = exhausted_trigger(playbook_def(project.playbook))
    if trigger is None:
        raise RuleViolations(
            [violation("DUN-8", "trigger", "This project has no clean-up of exhausted orders.")]
        )
    return trigger


def exhausted_order_ids(project, *, trigger: TriggerDef, now: datetime) -> set[int]:
    """DUN-8: the orders the clean-up (`trigger`) would apply to now."""
    rows = trigger_candidates(project=project, trigger=trigger, now=now)
    return {order_id for _, order_id, _ in rows}


def exhausted_clean_up(
    *, project, actor, now: datetime, seen: Collection[int] | None = None
) -> int:
    """DUN-8, the worklist's button: every order of the worklist with more than 7 emails
    + call attempts gets the final +25 % offer email and is cancelled — the playbook's
    `exhausted` trigger applied now, each order once (a later nightly run, or a second
    click, finds its `TriggerRun` and does nothing). Supervisors only (another project's
    user: not found; an operator: forbidden). How many orders were cleaned up.

    `seen`: the orders the supervisor saw in the preview and confirmed. An order the
    clean-up would cancel that is not among them (it became exhausted since) refuses the
    whole run, nothing done: the supervisor looks at the list again. Orders of the
    preview that are no longer due (paid meanwhile) are simply not touched."""
    ensure_can(actor, project, SUPERVISE)
    trigger = _exhausted(project)
    if seen is not None:
        unseen = exhausted_order_ids(project, trigger=trigger, now=now) - set(seen)
        if unseen:
            raise RuleViolations(
                [
                    violation(
                        trigger.rule,
                        "orders",
                        "New orders became exhausted since the preview (%(count)s more); check "
                        "the list again before the clean-up.",
                        count=len(unseen),
                    )
                ]
            )
    return trigger_run_now(project=project, code=trigger.code, actor=actor, now=now)


def exhausted_nightly(project) -> bool:
    """Does the worker run DUN-8's clean-up for the project (its switch, else the file)?"""
    trigger = exhausted_trigger(playbook_def(project.playbook))
    if trigger is None:
        return False
    switched = (
        TriggerSwitch.objects.filter(project=project, trigger=trigger.code)
        .values_list("enabled", flat=True)
        .first()
    )
    return trigger.enabled if switched is None else switched


def exhausted_switch(*, project, enabled: bool, actor, now: datetime) -> TriggerSwitch:
    """A supervisor switches DUN-8's nightly clean-up on or off for the project (audited)."""
    ensure_can(actor, project, SUPERVISE)
    trigger = _exhausted(project)
    return trigger_switch(project=project, code=trigger.code, enabled=enabled, actor=actor, now=now)
