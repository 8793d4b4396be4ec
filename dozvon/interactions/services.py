"""The only code that changes interactions (SUB, NBO inbound work), with the recipe of the
order services: transaction → lock the row after the access check → version → pure rules
(`interactions.rules`, `calls.rules`) → write with `update_fields` → `record()` the
timeline line(s) on the interaction and its audit row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop as N_

from dozvon.calls.models import CallAttempt
from dozvon.calls.services import call_attempt_create, call_line
from dozvon.core.errors import Conflict, Forbidden, NotFound, RuleViolations
from dozvon.customers.models import Customer, CustomerPhone
from dozvon.customers.rules import phone_key
from dozvon.history.models import TimelineEntry
from dozvon.interactions import rules
from dozvon.interactions.contacts import contacts_check
from dozvon.interactions.desk import DeskPart
from dozvon.interactions.models import Direction, Interaction, Line, Transfer
from dozvon.interactions.selectors import operator_line_code
from dozvon.orders.services.base import plain
from dozvon.orders.services.events import Event, record
from dozvon.orders.services.events import Line as TimelineLine
from dozvon.projects.access import WORK, ensure_can, is_supervising

# What a finish writes, and an edit of a finished interaction may change.
RECORDED_FIELDS = ("subject", "comment", "transferred_to")


def lock_interaction(*, interaction_id: int, actor, action: str = WORK) -> Interaction:
    """Inside a transaction: the locked row, after the access check (404 outside the
    actor's projects, 403 for a role that may not)."""
    interaction = (
        Interaction.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(pk=interaction_id)
        .first()
    )
    if interaction is None:
        raise NotFound()
    ensure_can(actor, interaction.project, action)
    return interaction


def customer_by_phone(*, project, phone: str) -> Customer | None:
    """X-4: the project's customer with this number (stored as `phone_key`), main phones
    first; None for a caller nobody knows."""
    found = (
        CustomerPhone.objects.filter(project=project, phone=phone)
        .select_related("customer")
        .order_by("-is_main", "id")
        .first()
    )
    return found.customer if found is not None else None


def resolve_line(*, actor, project, line: str | None) -> tuple[str, list]:
    """The interaction's line (X-2, NBO-3): an operator's own (their membership's: 1 first,
    2 second), else the stated one (a supervisor, an administrator, an integration)."""
    return rules.line_of(stated=line or None, own=operator_line_code(actor, project))


@transaction.atomic
def interaction_start(
    *,
    project,
    actor,
    phone: str,
    line: str | None = None,
    customer: Customer | None = None,
    direction: str = Direction.INBOUND,
    now: datetime,
) -> Interaction:
    """An operator takes a call: the interaction begins, its caller found by phone (an
    unknown caller is allowed: no customer). The line is the operator's own (X-2)."""
    ensure_can(actor, project, WORK)
    if customer is not None and customer.project_id != project.pk:
        raise NotFound()
    line, found = resolve_line(actor=actor, project=project, line=line)
    found += rules.check_start(
        phone=phone,
        line=line,
        lines=Line.values,
        direction=direction,
        directions=Direction.values,
    )
    if found:
        raise RuleViolations(found)
    key = phone_key(rules.clean(phone))
    if customer is None:
        customer = customer_by_phone(project=project, phone=key)
    interaction = Interaction.objects.create(
        project=project,
        customer=customer,
        phone=key,
        operator=actor if getattr(actor, "pk", None) else None,
        line=line,
        direction=direction,
        started_at=now,
        created_at=now,
    )
    record(
        Event.INTERACTION_STARTED,
        interaction=interaction,
        actor=actor,
        now=now,
        text=N_("Interaction with %(phone)s started"),
        data={
            "phone": key,
            "line": line,
            "direction": direction,
            "customer": customer.pk if customer is not None else None,
        },
    )
    return interaction


def _bump_version(interaction: Interaction, fields) -> None:
    interaction.version += 1
    interaction.save(update_fields=[*dict.fromkeys(fields), "version"])


@transaction.atomic
def interaction_finish(
    *,
    interaction_id: int,
    actor,
    subject: str,
    comment: str,
    transferred_to: str = Transfer.NONE,
    version: int | None,
    now: datetime,
    extra_lines: Sequence[TimelineLine] = (),
    extra_changes: Mapping[str, Any] | None = None,
) -> Interaction:
    """X-6 (NBO-6): the operator records the interaction's subject and comment and where it
    was transferred. Finishing it again corrects it: each change lands in the timeline as
    old → new. Only its operator or a supervisor may; a stale `version` is a conflict.
    `extra_lines`/`extra_changes`: what the contact did elsewhere (SUB-3: the
    subscription's outcome), written with the record's own lines and audit row."""
    interaction = lock_interaction(interaction_id=interaction_id, actor=actor)
    if not rules.may_change(
        operator_id=interaction.operator_id,
        actor_id=actor.pk,
        supervising=is_supervising(actor, interaction.project),
    ):
        raise Forbidden()
    if version is not None and version != interaction.version:
        raise Conflict(interaction.version)
    values = {
        "subject": rules.clean(subject),
        "comment": rules.clean(comment),
        "transferred_to": transferred_to or "",
    }
    found = rules.check_finish(**values, transfers=Transfer.values)
    if found:
        raise RuleViolations(found)
    if interaction.is_finished:
        return _correct(interaction, values, actor=actor, now=now)
    for name, value in values.items():
        setattr(interaction, name, value)
    interaction.ended_at = now
    _bump_version(interaction, [*RECORDED_FIELDS, "ended_at"])
    record(
        Event.INTERACTION_RECORDED,
        interaction=interaction,
        actor=actor,
        now=now,
        text=values["comment"],
        data={"subject": values["subject"], "transferred_to": values["transferred_to"]},
        lines=extra_lines,
        changes={**values, "ended_at": now.isoformat(), **(extra_changes or {})},
    )
    return interaction


def _correct(interaction: Interaction, values, *, actor, now: datetime) -> Interaction:
    old = {name: getattr(interaction, name) for name in RECORDED_FIELDS}
    changes = rules.changes_of(old, values)
    if not changes:
        return interaction
    for name, (_, new) in changes.items():
        setattr(interaction, name, new)
    _bump_version(interaction, list(changes))
    record(
        Event.INTERACTION_EDITED,
        interaction=interaction,
        actor=actor,
        now=now,
        lines=[
            TimelineLine(
                f"{name}: {old or '—'} → {new or '—'}",
                {"field": name, "old": plain(old), "new": plain(new)},
            )
            for name, (old, new) in changes.items()
        ],
        changes={name: [plain(o), plain(n)] for name, (o, n) in changes.items()},
    )
    return interaction


@transaction.atomic
def interaction_add_comment(
    *, interaction_id: int, actor, text: str, now: datetime
) -> TimelineEntry:
    """X-6: a comment line in the interaction's history (during the call or after it)."""
    interaction = lock_interaction(interaction_id=interaction_id, actor=actor)
    text = rules.clean(text)
    found = rules.check_text(text)
    if found:
        raise RuleViolations(found)
    return record(
        Event.INTERACTION_COMMENTED,
        interaction=interaction,
        actor=actor,
        now=now,
        text=text,
        data={},
    )


@transaction.atomic
def interaction_call_record(
    *,
    interaction_id: int,
    actor,
    result: str,
    started_at: datetime | None = None,
    duration_s: int = 0,
    now: datetime,
) -> CallAttempt:
    """X-8: a call attempt made on the interaction (a call back to the caller, a transfer
    attempt); the same rules as an order's call."""
    interaction = lock_interaction(interaction_id=interaction_id, actor=actor)
    started_at = started_at or now
    call = call_attempt_create(
        project=interaction.project,
        interaction=interaction,
        operator=actor,
        result=result,
        started_at=started_at,
        duration_s=duration_s,
        not_before=interaction.started_at,
        now=now,
    )
    record(
        Event.INTERACTION_CALL,
        interaction=interaction,
        actor=actor,
        now=now,
        **call_line(call),
    )
    return call


@transaction.atomic
def interaction_record(
    *,
    project,
    actor,
    phone: str,
    line: str | None = None,
    subject: str,
    comment: str,
    transferred_to: str = Transfer.NONE,
    started_at: datetime | None = None,
    subscription: int | None = None,
    outcome: str | None = None,
    issues: Sequence[int] | None = None,
    now: datetime,
) -> Interaction:
    """An inbound contact recorded in one step (the desk's form, `POST …/interactions`):
    started and finished together, or nothing written when a rule refuses it — every
    refusal at once. SUB-3: `subscription`, `outcome` and `issues` record the contact in
    the registry (SUB-4: a subscriber who does not stay is cancelled; a refund request is
    escalated to the partner). `line`: an operator's own line (X-2, NBO-3) when left out;
    another one is refused; a supervisor or an integration states it (first by default)."""
    ensure_can(actor, project, WORK)
    line, found = resolve_line(actor=actor, project=project, line=line)
    found += rules.check_start(
        phone=phone,
        line=line,
        lines=Line.values,
        direction=Direction.INBOUND,
        directions=Direction.values,
    )
    found += rules.check_finish(
        subject=rules.clean(subject),
        comment=rules.clean(comment),
        transferred_to=transferred_to or "",
        transfers=Transfer.values,
    )
    # the contact's facts, for the handlers of the project's playbook (CONTACTS; SUB-3)
    facts = {"subscription": subscription, "outcome": outcome, "issues": issues}
    contacts, contact_found = contacts_check(project=project, actor=actor, facts=facts)
    if found or contact_found:
        raise RuleViolations(found + contact_found)
    customer = None
    about = next((plan.customer for _, plan in contacts if plan.customer is not None), None)
    if about is not None and not customer_by_phone(
        project=project, phone=phone_key(rules.clean(phone))
    ):
        customer = about  # a relative phoning about it
    interaction = interaction_start(
        project=project, actor=actor, phone=phone, line=line, customer=customer, now=now
    )
    if started_at is not None and started_at < now:
        interaction.started_at = started_at
        interaction.save(update_fields=["started_at"])
    lines: list[TimelineLine] = []
    changes: dict[str, Any] = {}
    for handler, plan in contacts:
        lines += handler.apply(
            plan=plan,
            interaction=interaction,
            actor=actor,
            now=now,
            comment=rules.clean(comment),
        )
        changes.update(plan.changes)
    return interaction_finish(
        interaction_id=interaction.pk,
        actor=actor,
        subject=subject,
        comment=comment,
        transferred_to=transferred_to,
        version=None,
        now=now,
        extra_lines=lines,
        extra_changes=changes,
    )


@transaction.atomic
def inbound_contact(
    *,
    project,
    actor,
    contact: Mapping[str, Any],
    parts: Sequence[DeskPart] = (),
    now: datetime,
) -> Interaction:
    """An inbound contact as the desk's form and `POST …/interactions` record it: the
    contact (`interaction_record`'s arguments) with the parts the project's playbook blocks
    add (SUB-5's order for the issues bought, NBO's offers), all in this one transaction —
    each part's `before` step, the interaction (with the part's own arguments), then each
    part's `after` step given the interaction. A refusal of any writes none of them."""
    for part in parts:
        if part.before:
            part.before()
    arguments = {**contact}
    for part in parts:
        arguments.update(part.interaction)
    interaction = interaction_record(project=project, actor=actor, now=now, **arguments)
    for part in parts:
        if part.after:
            part.after(interaction)
    return interaction
