"""Effects and triggers (issue 11): the playbook's automatic actions, written through the
same recipe as every order change (STYLE services; dozvon/orders/services).

- effects (`orders.services.effects.effects_apply`): an outcome's or a trigger's declared
  effects, inside the caller's transaction on the order it has locked: fields written with
  `bump_version`, one timeline line per automatic action and one audit row
  (`record(Event.EFFECT | Event.TRIGGER)`).
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

from datetime import datetime

from django.db import IntegrityError, transaction

from dozvon.audit.actions import AuditAction
from dozvon.audit.services import audit_record
from dozvon.automation import selectors
from dozvon.automation.models import TriggerRun, TriggerSwitch
from dozvon.core.errors import RuleViolations, violation
from dozvon.orders.claims import claim_is_live
from dozvon.orders.models import Order
from dozvon.orders.services.base import lock_order_for_system
from dozvon.orders.services.effects import effects_apply
from dozvon.orders.services.events import Event
from dozvon.playbooks.automation_def import TriggerDef, waited
from dozvon.playbooks.definition import PlaybookDef
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import SUPERVISE, ensure_can

BATCH = 100  # orders per candidate query
MAX_PER_RUN = 2000  # orders per trigger and run: a run stays short, the rest is next run


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
        action=AuditAction.TRIGGER_SWITCH,
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
