"""X-7 and the playbooks: saving an order with a result. Every rule of the outcome is
checked at once; status, queue routing, timeline and audit are written together, then the
outcome's declared effects (issue 11) in the same transaction, or nothing is written."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from dozvon.calls.models import CallAttempt
from dozvon.core import limits
from dozvon.core.errors import Forbidden, RuleViolations, violation
from dozvon.core.money import money
from dozvon.history.models import TimelineEntry, TimelineKind
from dozvon.orders.models import Order
from dozvon.orders.services.base import (
    apply_route,
    bump_version,
    check_version,
    ensure_claim_allows,
    ensure_open,
    lock_order,
    plain,
    recompute_totals,
)
from dozvon.orders.services.edits import check_order_fields, with_delivery_effects
from dozvon.orders.services.effects import effects_apply
from dozvon.orders.services.events import Event, Line, record
from dozvon.playbooks import engine
from dozvon.playbooks.automation_def import EffectDef
from dozvon.playbooks.definition import OutcomeDef
from dozvon.playbooks.fields import OUTCOME_ORDER_FIELDS, outcome_input_names
from dozvon.playbooks.rules import FACT_LOADERS, ON_DEMAND, CallFact, OutcomeContext
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import READ, has_role, is_supervising


def plugin_facts(outcome: OutcomeDef, order: Order) -> dict[str, Any]:
    """What the playbook's plug-in knows of the order that its checks cited by this
    outcome read (issue 26): each fact loader of those checks called once, with the
    locked order, their mappings merged in the order of the checks."""
    loaders = dict.fromkeys(
        FACT_LOADERS[check.name] for check in outcome.checks if check.name in FACT_LOADERS
    )
    facts: dict[str, Any] = {}
    for load in loaders:
        facts.update(load(order))
    return facts


@transaction.atomic
def order_apply_outcome(
    *,
    order_id: int,
    actor,
    code: str,
    problem: str = "",
    comment: str = "",
    callback_at: datetime | None = None,
    fields: Mapping[str, Any] | None = None,
    inputs: Mapping[str, Any] | None = None,
    version: int | None = None,
    now: datetime,
) -> Order:
    """Save the order with a result: check every rule of the outcome, then write status,
    queue state and timeline together — or refuse with every violation and write nothing."""
    fields = {k: v for k, v in (fields or {}).items() if v is not None}
    inputs = {k: v for k, v in (inputs or {}).items() if v is not None and v != ""}
    order = lock_order(order_id=order_id, actor=actor, action=READ)
    project = order.project
    pb = playbook_def(project.playbook)
    outcome = pb.outcomes.get(code)
    if outcome is None:
        raise RuleViolations([violation("X-7", "code", "Unknown result %(code)s.", code=code)])
    if not has_role(actor, project, outcome.roles):
        raise Forbidden()
    ensure_claim_allows(order, actor, now)
    ensure_open(order, playbook_def(order.project.playbook))
    check_version(order, version)
    # a result's own inputs besides problem, comment and callback time: the engine's
    # (DUN-5: reason, days, promised date) and its playbook's plug-in's (playbooks.fields);
    # the outcome's checks read them from `values`
    own_inputs = outcome_input_names(pb.plugin)
    unknown = (set(fields) - set(OUTCOME_ORDER_FIELDS)) | (set(inputs) - own_inputs)
    if unknown:
        raise RuleViolations([violation("input", n, "Unknown field.") for n in sorted(unknown)])
    refused = check_order_fields(order, fields, actor=actor)
    if not refused:
        # SHOP-7: a method set without a cost costs what the rate table says; a new window
        # drops the department's approval of the old one
        fields, refused = with_delivery_effects(order, fields)
    if refused:
        raise RuleViolations(refused)
    if problem and problem not in pb.problems:
        raise RuleViolations(
            [violation(outcome.rule, "problem", "Unknown problem %(code)s.", code=problem)]
        )
    if len(comment or "") > limits.COMMENT:
        raise RuleViolations([violation("X-6", "comment", "The comment is too long.")])
    values: dict[str, Any] = {name: getattr(order, name) for name in OUTCOME_ORDER_FIELDS}
    values.update(fields)
    values.update(inputs)
    values.update(
        {"problem": problem, "comment": (comment or "").strip(), "callback_at": callback_at}
    )
    calls = tuple(
        CallFact(at, result, line or "")
        for at, result, line in CallAttempt.objects.filter(order=order)
        .order_by("started_at", "id")
        .values_list("started_at", "result", "line")
    )
    on_demand = {f for c in outcome.checks for f in ON_DEMAND.get(c.name, ())}
    last_comment_at = (
        TimelineEntry.objects.filter(order=order, kind=TimelineKind.COMMENT)
        .order_by("-id")  # append-only: the newest line has the highest id
        .values_list("at", flat=True)
        .first()
        if "last_comment_at" in on_demand
        else None
    )
    ctx = OutcomeContext(
        now=now,
        tz=project.time_zone,
        outcome=outcome.code,
        rule=outcome.rule,
        values=values,
        status=order.status,
        calls=calls,
        last_outcome_at=order.last_outcome_at,
        items_count=order.items.count(),
        goods_total=order.goods_total,
        other_orders=Order.objects.filter(project=project, customer=order.customer)
        .exclude(pk=order.pk)
        .count(),
        last_comment_at=last_comment_at,
        marks=frozenset((order.extra or {}).get("marks") or ()),
        customer_email=(order.customer.email or "").strip(),
        facts=plugin_facts(outcome, order),
    )
    found = engine.evaluate(outcome, ctx)
    if found:
        raise RuleViolations(found)
    # DUN-5: a planning check decides when the order is due again (the route's default
    # otherwise) and marks to set ("already paid" ⇒ proof_requested)
    planned = engine.plan(outcome, ctx)
    if planned.due_at is not None:
        callback_at = planned.due_at
    reason = inputs.get("reason")
    if not problem and isinstance(reason, str) and reason in pb.problems:
        problem = reason  # DUN-4/5: why it was postponed or cancelled, as lists show it

    decision = engine.route(
        outcome,
        failed_calls=order.failed_calls,
        now=now,
        tz=project.time_zone,
        callback_at=callback_at,
    )
    old_status = order.status
    new_status = pb.statuses[outcome.status]
    order.status, order.status_group = new_status.code, new_status.group
    order.problem = problem
    order.claimed_by, order.claimed_at = None, None
    order.last_outcome_at = now
    if order.responsible_id is None and has_role(actor, project, ("operator", "supervisor")):
        order.responsible = actor
    written = [
        "status",
        "status_group",
        "problem",
        *apply_route(order, decision),
        "claimed_by",
        "claimed_at",
        "last_outcome_at",
        "responsible",
    ]
    for name, value in fields.items():
        setattr(order, name, value)
        written.append(name)
    if "delivery_cost" in fields:  # the grand total follows the delivery's cost
        order.delivery_cost = money(order.delivery_cost)
        recompute_totals(order)
        written += ["goods_total", "total"]
    if fields.get("delivery_note"):
        order.delivery_flag = True
        written.append("delivery_flag")
    if values["comment"]:
        order.last_comment = values["comment"]
        written.append("last_comment")
    bump_version(order, now, written)
    comment_line = [Line(values["comment"], {}, TimelineKind.COMMENT)] if values["comment"] else []
    old_name = pb.statuses[old_status].names.ru if old_status in pb.statuses else old_status
    record(
        Event.OUTCOME,
        order=order,
        actor=actor,
        now=now,
        lines=[
            *comment_line,
            Line(
                f"{old_name} → {new_status.names.ru}",
                {
                    "from": old_status,
                    "to": new_status.code,
                    "outcome": outcome.code,
                    "problem": problem,
                    "callback_at": plain(decision.callback_at),
                    "fields": {k: plain(v) for k, v in fields.items()},
                    **({"inputs": {k: plain(v) for k, v in inputs.items()}} if inputs else {}),
                },
            ),
        ],
        changes={
            "status": [old_status, new_status.code],
            "outcome": outcome.code,
            "problem": problem,
        },
    )
    # the outcome's effects (send a message, set a due date …), each with its timeline line
    marks = tuple(EffectDef(kind="mark", flag=flag) for flag in planned.marks)
    effects_apply(
        order=order,
        effects=(*marks, *outcome.effects),
        actor=actor,
        reason=outcome.rule,
        now=now,
        cause={"outcome": outcome.code},
        pb=pb,
    )
    return order


@transaction.atomic
def order_reopen(
    *, order_id: int, actor, comment: str, now: datetime, reason_field: str = "comment"
) -> Order:
    """X-7: a supervisor opens a closed order again (a wrong confirmation, a customer who
    changed their mind): back to the playbook's first status and its queue, due now, with
    the reason in the timeline. Only a closed order, only a supervisor.

    COD-7: the New tab hands out only orders without a responsible operator, so the
    reopened order is freed of its former one (kept in the timeline line's data) — else
    New would count an order that take next never hands to anyone. `reason_field` is what
    the caller's form calls the reason (the API's `reason`), named in a refusal."""
    order = lock_order(order_id=order_id, actor=actor, action=READ)
    if not is_supervising(actor, order.project):
        raise Forbidden()
    pb = playbook_def(order.project.playbook)
    old = pb.statuses.get(order.status)
    comment = (comment or "").strip()
    found = []
    if old is None or not old.final:
        found.append(violation("X-7", "status", "Only a closed order can be reopened."))
    if not comment:
        found.append(violation("X-7", reason_field, "Say why the order is reopened."))
    if found:
        raise RuleViolations(found)
    initial = pb.initial_status
    former = order.responsible.username if order.responsible_id else None
    order.status, order.status_group, order.problem = initial.code, initial.group, ""
    order.bucket, order.due_at, order.callback_at = pb.reopen_bucket, now, None
    order.claimed_by, order.claimed_at, order.responsible = None, None, None
    order.last_comment = comment
    bump_version(
        order,
        now,
        ["status", "status_group", "problem", "bucket", "due_at", "callback_at"]
        + ["claimed_by", "claimed_at", "responsible", "last_comment"],
    )
    record(
        Event.REOPENED,
        order=order,
        actor=actor,
        now=now,
        lines=[
            Line(comment, {}, TimelineKind.COMMENT),
            Line(
                f"{old.names.ru} → {initial.names.ru}",
                {"from": old.code, "to": initial.code, "reopened": True, "responsible": former},
            ),
        ],
        changes={
            "status": [old.code, initial.code],
            "responsible": [former, None],
            "comment": comment,
        },
    )
    return order
