"""Effects and triggers (issue 11): the playbook's automatic actions, written through the
same recipe as every order change (STYLE services; dozvon/orders/services).

- `effects_apply`: an outcome's or a trigger's declared effects, inside the caller's
  transaction on the order it has locked: fields written with `bump_version`, one timeline
  line per automatic action and one audit row (`record(Event.EFFECT | Event.TRIGGER)`).
- `triggers_run`: the worker's pass over one project's enabled triggers (the playbook's
  `enabled`, or the project's own `TriggerSwitch`, `trigger_switch`). Due orders are
  found by index-backed queries (`selectors.trigger_candidates`) in small batches; each
  order is locked and applied in its own transaction, at most once per (order, trigger,
  occurrence): the `TriggerRun` row is inserted with the effects, under the order's lock,
  and its unique key refuses a second one, so a trigger run twice, or by two workers at
  once, does nothing the second time.

`trigger_run_now`: one trigger run by hand (DUN-8's clean-up button, whose caller checks
the supervisor's role), the same occurrences, so the button and the worker's run never
apply one twice.

The system actor: the worker's triggers act with `actor=None`. Nobody asked for the
change, so there is no user whose project access to check: `lock_order_for_system`
(orders.services.base) takes the same row lock as `lock_order` without the access check,
and is reached only from the worker's task or a supervisor's run by hand (never for
another project). The timeline line says "automatically" with the rule (as intake's
automatic invalidation does); the actor is the supervisor who ran it by hand, else none.
An order an operator is working on (a live claim, COD-9) is left alone until the next run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop as N_

from dozvon.audit.services import audit_record
from dozvon.automation import selectors
from dozvon.automation.models import TriggerRun, TriggerSwitch
from dozvon.core.errors import RuleViolations, violation
from dozvon.orders.models import Order
from dozvon.orders.services.base import apply_route, bump_version, lock_order_for_system
from dozvon.orders.services.events import Event, Line, record
from dozvon.playbooks.automation_def import EffectDef, TriggerDef, waited
from dozvon.playbooks.definition import PlaybookDef
from dozvon.playbooks.engine import RouteDecision
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import SUPERVISE, ensure_can
from dozvon.queues.selectors import claim_is_live

BATCH = 100  # orders per candidate query
MAX_PER_RUN = 2000  # orders per trigger and run: a run stays short, the rest is next run


def effects_apply(
    *,
    order: Order,
    effects: Iterable[EffectDef],
    actor=None,
    reason: str,
    now: datetime,
    event: Event = Event.EFFECT,
    cause: Mapping[str, str] | None = None,
    pb: PlaybookDef | None = None,
) -> list[Line]:
    """Apply `effects` to `order` (locked by the caller, inside its transaction) because of
    `reason` (the SPEC rule); the timeline lines written, one per action that changed
    something. `cause` names what caused it ({"outcome": …} or {"trigger": …})."""
    effects = tuple(effects)
    if not effects:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("effects_apply runs in the caller's transaction on a locked order")
    pb = pb or playbook_def(order.project.playbook)
    cause = dict(cause or {})
    written: list[str] = []
    lines = []
    for effect in effects:
        # sending needs to know who and why (X-9: the message's reason and idempotency)
        why = {"actor": actor, "reason": reason, "cause": cause} if effect.kind in _WHY else {}
        done = _APPLY[effect.kind](order, effect, pb=pb, now=now, written=written, **why)
        if done is not None:
            text, data = done
            lines.append(Line(text, {**data, "effect": effect.kind, "rule": reason, **cause}))
    if written:
        bump_version(order, now, written)
    if lines:
        record(
            event,
            order=order,
            actor=actor,
            now=now,
            lines=lines,
            changes={"rule": reason, **cause, "effects": [dict(line.data) for line in lines]},
        )
    return lines


# --- one function per effect kind: change the order, say what was done (or None) ----------


def _send_message(order, effect, *, pb, now, written, actor, reason, cause):
    """X-9: queue the project's template `effect.template` in this transaction (its task
    enqueued with it), once per order, template and cause ("outcome:already_paid",
    "trigger:too_many_contacts"): the effect applied again finds the message it queued.
    Nothing blocks the outcome or the trigger when the email cannot be queued (no such
    template, no valid address): the line says why, and no message is counted."""
    from dozvon.messaging.services import message_queue, queued_line, template_for

    why = ",".join(f"{kind}:{code}" for kind, code in sorted(cause.items())) or reason
    try:
        message, queued = message_queue(
            order=order,
            template=effect.template,
            reason=why,
            actor=actor,
            now=now,
            timeline_line=False,  # the effect's line below is the timeline's
        )
    except RuleViolations as refused:
        found = template_for(order.project, effect.template)
        data = {"template": effect.template, "name": found.name if found else effect.template}
        fields = {v.field for v in refused.violations}
        if found is None or "template" in fields:
            return N_('Email not sent (%(rule)s): no active template "%(template)s"'), data
        if "bonus_percent" in fields:  # DUN-1/2: outside the order's weeks of work
            why = next(v for v in refused.violations if v.field == "bonus_percent")
            return N_('Email "%(name)s" not sent (%(why)s): the bonus is not allowed now'), {
                **data,
                "why": why.rule,
            }
        return N_('Email "%(name)s" not sent (%(rule)s): no valid customer address'), data
    if not queued:
        return None
    _, data = queued_line(message, actor=None)
    return N_('Email "%(name)s" to %(to)s queued automatically (%(rule)s)'), data


_WHY = frozenset({"send_message"})


def _set_due(order, effect, *, pb, now, written):
    order.due_at = now + effect.delay
    written.append("due_at")
    local = order.due_at.astimezone(ZoneInfo(order.project.time_zone))
    return N_("Due again on %(due)s, set automatically (%(rule)s)"), {
        "due": f"{local:%d.%m.%Y %H:%M}"
    }


def _queue_name(pb: PlaybookDef, bucket: str) -> str:
    queue = next((q for q in pb.queues if q.bucket == bucket), None)
    return queue.names.ru if queue else bucket


def _leave_queue(order, written) -> str:
    """Out of the queue (bucket and due time cleared, an agreed callback time kept); the
    bucket it left, "" when it was in none."""
    left = order.bucket
    if left:
        written += apply_route(order, RouteDecision("", None, None), keep_callback=True)
    return left


def _route(order, effect, *, pb, now, written):
    if effect.bucket == order.bucket:
        return None
    if not effect.bucket:
        left = _leave_queue(order, written)
        return N_('Left the queue "%(queue)s" automatically (%(rule)s)'), {
            "queue": _queue_name(pb, left),
            "bucket": left,
        }
    decision = RouteDecision(effect.bucket, now, order.callback_at)
    written += apply_route(order, decision, keep_callback=True)
    return N_('Entered the queue "%(queue)s" automatically (%(rule)s)'), {
        "queue": _queue_name(pb, effect.bucket),
        "bucket": effect.bucket,
    }


def _status_change(order, effect, pb, written) -> dict[str, str]:
    old = order.status
    new = pb.statuses[effect.status]
    if old != new.code:
        order.status, order.status_group = new.code, new.group
        written += ["status", "status_group"]
    old_name = pb.statuses[old].names.ru if old in pb.statuses else old
    return {"from": old, "to": new.code, "from_name": old_name, "to_name": new.names.ru}


def _set_status(order, effect, *, pb, now, written):
    if order.status == effect.status:
        return None
    data = _status_change(order, effect, pb, written)
    return N_("Status changed automatically: %(from_name)s → %(to_name)s (%(rule)s)"), data


def _cancel(order, effect, *, pb, now, written):
    """DUN-4: cancelled, and so out of the worklist."""
    if order.status == effect.status and not order.bucket:
        return None
    data = _status_change(order, effect, pb, written)
    data["bucket"] = _leave_queue(order, written)
    return N_("Cancelled automatically: %(from_name)s → %(to_name)s (%(rule)s)"), data


def _mark(order, effect, *, pb, now, written):
    marks = dict(order.extra.get("marks") or {})
    if effect.flag in marks:
        return None
    marks[effect.flag] = now.isoformat()
    order.extra = {**order.extra, "marks": marks}
    written.append("extra")
    return N_("Marked automatically: %(flag)s (%(rule)s)"), {"flag": effect.flag}


_APPLY = {
    "send_message": _send_message,
    "set_due": _set_due,
    "route": _route,
    "set_status": _set_status,
    "cancel": _cancel,
    "mark": _mark,
}


# --- triggers -----------------------------------------------------------------------------


def triggers_enabled(project, pb: PlaybookDef | None = None) -> dict[str, bool]:
    """Which of the project's triggers run: the project's switch (`TriggerSwitch`) where
    a supervisor set one, else the playbook's `enabled`."""
    pb = pb or playbook_def(project.playbook)
    switched = dict(TriggerSwitch.objects.filter(project=project).values_list("trigger", "enabled"))
    return {t.code: switched.get(t.code, t.enabled) for t in pb.triggers}


def triggers_run(*, project, now: datetime) -> int:
    """Run the project's enabled triggers once; how many (order, trigger) were applied."""
    pb = playbook_def(project.playbook)
    enabled = triggers_enabled(project, pb)
    return sum(
        _trigger_run(project=project, pb=pb, trigger=trigger, now=now)
        for trigger in pb.triggers
        if enabled[trigger.code]
    )


def trigger_run_now(*, project, code: str, actor, now: datetime) -> int:
    """Run one of the project's triggers now, switched on or not, on behalf of `actor`
    (a supervisor's button, DUN-8: the callers check the role): the same occurrences as
    the worker's run, so neither applies one twice (`TriggerRun`). How many orders."""
    pb = playbook_def(project.playbook)
    trigger = next((t for t in pb.triggers if t.code == code), None)
    if trigger is None:
        raise RuleViolations(
            [violation("input", "trigger", "Unknown trigger %(code)s.", code=code)]
        )
    return _trigger_run(project=project, pb=pb, trigger=trigger, now=now, actor=actor)


@transaction.atomic
def trigger_switch(*, project, code: str, enabled: bool, actor, now: datetime) -> TriggerSwitch:
    """A supervisor switches one of the project's triggers on or off (DUN-8's nightly
    clean-up); audited (X-12). Another project's user: not found; an operator: forbidden."""
    ensure_can(actor, project, SUPERVISE)
    if code not in {t.code for t in playbook_def(project.playbook).triggers}:
        raise RuleViolations(
            [violation("input", "trigger", "Unknown trigger %(code)s.", code=code)]
        )
    switch = TriggerSwitch.objects.select_for_update().filter(project=project, trigger=code).first()
    before = switch.enabled if switch is not None else None
    if switch is None:
        switch = TriggerSwitch(project=project, trigger=code)
    switch.enabled, switch.changed_at = bool(enabled), now
    switch.changed_by = actor if getattr(actor, "pk", None) else None
    switch.save()
    audit_record(
        actor=actor,
        action="trigger.switch",
        target_type="trigger",
        target_id=code,
        project=project,
        changes={"enabled": [before, switch.enabled]},
        now=now,
    )
    return switch


def _trigger_run(
    *, project, pb: PlaybookDef, trigger: TriggerDef, now: datetime, actor=None
) -> int:
    applied, tried, passed = 0, 0, set()
    while tried < MAX_PER_RUN:
        found = selectors.trigger_candidates(project=project, trigger=trigger, now=now)
        batch = list(found.exclude(pk__in=passed)[:BATCH]) if passed else list(found[:BATCH])
        if not batch:
            break
        for candidate, order_id, key in batch:
            tried += 1
            done = _trigger_apply(
                project=project,
                pb=pb,
                trigger=trigger,
                order_id=order_id,
                key=key,
                now=now,
                actor=actor,
            )
            if done:
                applied += 1
            else:
                passed.add(candidate)  # not due after all, or being worked: next run
    return applied


def _still_due(order: Order, trigger: TriggerDef, now: datetime) -> bool:
    """The candidate query's conditions again, on the locked row."""
    if not trigger.matches(
        status=order.status, bucket=order.bucket, payment_method=order.payment_method
    ):
        return False
    if trigger.when == "count":
        counts = selectors.order_counts(order, trigger.count)
        return trigger.counted(counts) > trigger.more_than
    if not trigger.since_trigger:
        return waited(trigger, order.created_at, now=now, tz=order.project.time_zone)
    return True  # the run it counts from was found in its window; runs are never changed


def _trigger_apply(
    *,
    project,
    pb: PlaybookDef,
    trigger: TriggerDef,
    order_id: int,
    key: str,
    now: datetime,
    actor=None,
) -> bool:
    """One order, one transaction: True when the trigger's effects were applied now
    (`actor`: the supervisor who ran it by hand, None for the worker)."""
    try:
        with transaction.atomic():
            order = lock_order_for_system(order_id)
            if order is None or order.project_id != project.pk:
                return False
            if claim_is_live(order, now=now) or not _still_due(order, trigger, now):
                return False
            # the order's lock serialises this check with any other worker's insert
            if TriggerRun.objects.filter(order=order, trigger=trigger.code, key=key).exists():
                return False
            TriggerRun.objects.create(
                project=project,
                order=order,
                trigger=trigger.code,
                key=key,
                rule=trigger.rule,
                at=now,
            )
            effects_apply(
                order=order,
                effects=trigger.effects,
                actor=actor,
                reason=trigger.rule,
                now=now,
                event=Event.TRIGGER,
                cause={"trigger": trigger.code},
                pb=pb,
            )
            return True
    except IntegrityError:  # another worker inserted the same run first: it applied it
        return False
