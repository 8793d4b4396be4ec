"""PICK-2: the results of a call about a parcel (`will_collect`, `extend_storage`,
`refuses`, `wrong_point`), saved through the engine's one outcome service — which checks
pick.toml's rules, its named checks reading the parcel's facts (`pickup.checks`) and the
result's inputs (the day, the point: `pickup.fields`) — then the parcel's own facts, the
history line saying what was decided and, where the partner must act, its email — one
transaction: a refusal anywhere writes nothing.

The card's and the API's `POST …/outcome` reach `outcome_handler` through
`plugins.OUTCOMES` (dozvon.orders.card_panels.OutcomeHandler), with the day and the point
among the result's inputs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop as N_

from dozvon.core.errors import RuleViolations, violation
from dozvon.messaging.services import message_queue_to
from dozvon.orders.card_panels import OutcomeHandler
from dozvon.orders.models import Order
from dozvon.orders.services import Event, Line, order_apply_outcome, record
from dozvon.pickup import rules
from dozvon.pickup.models import Shipment
from dozvon.pickup.services.base import partner_email, settings_of
from dozvon.playbooks.selectors import playbook_def

TEXTS = {
    rules.WILL_COLLECT: N_(
        "Will collect on %(collect_on)s; stored until %(storage_until)s (%(rule)s)"
    ),
    rules.EXTEND_STORAGE: N_(
        "The partner is asked to extend the storage (now until %(storage_until)s) by email "
        "to %(to)s (%(rule)s)"
    ),
    rules.WRONG_POINT: N_(
        "Asks for another pickup point: %(pickup_point)s; the partner is told by email to "
        "%(to)s (%(rule)s)"
    ),
}


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


@transaction.atomic
def pickup_outcome_save(
    *,
    order_id: int,
    actor,
    code: str,
    comment: str = "",
    collect_on: date | None = None,
    pickup_point: str = "",
    reason: str = "",
    problem: str = "",
    callback_at: datetime | None = None,
    fields: Mapping[str, Any] | None = None,
    inputs: Mapping[str, Any] | None = None,
    version: int | None = None,
    now: datetime,
) -> Order:
    """Save a result about the order's parcel (PICK-2): the engine checks the outcome's
    rules — pick.toml's, its named checks reading the parcel's facts and the day and the
    point among the inputs — and writes status, queue (none: the parcel leaves the
    worklist), comment and history; then the parcel's facts (the day, the extension asked
    for, the reason, the point asked for) and who reached the customer (PICK-4).
    `extend_storage` and `wrong_point` email the partner (the project's `partner_email`,
    its templates): refused, with nothing written, when that cannot be queued. 404 outside
    the caller's projects; the engine's refusals (roles, COD-9's claim, X-7's closed
    order, the version) as for any result."""
    point = rules.normal_point(pickup_point)
    given = {"reason": reason, "collect_on": collect_on, "pickup_point": point}
    inputs = {**(inputs or {}), **{k: v for k, v in given.items() if v}}
    saved = order_apply_outcome(
        order_id=order_id,
        actor=actor,
        code=code,
        problem=problem,
        comment=comment,
        callback_at=callback_at,
        fields=fields,
        inputs=inputs,
        version=version,
        now=now,
    )
    if code not in rules.PICK_OUTCOMES:
        return saved  # not a parcel's result (the engine's own, e.g. no answer)
    shipment = Shipment.objects.select_for_update().filter(order=saved).first()
    if shipment is None:
        return saved  # the checks refuse a result about a parcel nobody reported
    pb = playbook_def(saved.project.playbook)
    conf = settings_of(pb)
    outcome = pb.outcomes[code]
    data: dict[str, Any] = {
        "rule": outcome.rule,
        "outcome": code,
        "storage_until": _day(shipment.storage_until),
    }
    if code == rules.WILL_COLLECT:
        shipment.collect_on = collect_on
        data["collect_on"] = _day(collect_on)
    elif code == rules.EXTEND_STORAGE:
        shipment.extension_asked_for = shipment.storage_until
        data["to"] = _ask_partner(
            saved,
            template=conf.extend_template,
            key=f"pickup:{saved.pk}/extend/{shipment.storage_until}",
            note=comment,
            due=shipment.storage_until,
            rule=conf.partner_rule,
            actor=actor,
            now=now,
        )
    elif code == rules.REFUSES:
        shipment.refuse_reason = reason  # the status line names it (the order's problem)
        data["reason"] = reason
    elif code == rules.WRONG_POINT:
        shipment.requested_point = point
        data["pickup_point"] = point
        data["to"] = _ask_partner(
            saved,
            template=conf.point_template,
            key=f"pickup:{saved.pk}/point/{shipment.last_arrived_at or ''}/{point.casefold()}"[
                :200
            ],
            note=point,
            due=shipment.storage_until,
            rule=conf.partner_rule,
            actor=actor,
            now=now,
        )
    shipment.worked_by = actor if getattr(actor, "pk", None) else None
    shipment.worked_at = now
    shipment.updated_at = now
    shipment.save()
    record(
        Event.EFFECT,
        order=saved,
        actor=actor,
        now=now,
        lines=[Line(TEXTS[code], data, kind="auto")] if code in TEXTS else [],
        changes={k: v for k, v in data.items() if k != "rule"} | {"rule": outcome.rule},
    )
    return saved


def _ask_partner(order: Order, *, template, key, note, due, rule, actor, now) -> str:
    """PICK-2: the partner's email about the parcel, queued once per `key` in this
    transaction (the same request again finds it); the address it goes to."""
    to = partner_email(order.project)
    if not to:
        raise RuleViolations(
            [violation(rule, "partner_email", "The project has no partner contact address.")]
        )
    message, _queued = message_queue_to(
        project=order.project,
        to=to,
        customer_name=order.customer_name or order.customer.full_name,
        template=template,
        key=key,
        context={
            "order_number": order.external_id or str(order.pk),
            "customer_phone": order.phone,
            "operator_comment": note,
            "due_date": due,
        },
        actor=actor,
        now=now,
    )
    return message.to


def outcome_handler(*, order_id: int, actor, args: Mapping[str, Any], now: datetime) -> Order:
    """The card's and the API's `…/outcome` for a parcel's result (plugins.OUTCOMES): its
    parsed arguments, the day and the point among the inputs (`pickup.fields`)."""
    inputs = dict(args.get("inputs") or {})
    collect_on = inputs.pop("collect_on", None)
    return pickup_outcome_save(
        order_id=order_id,
        actor=actor,
        code=str(args.get("code") or ""),
        comment=str(args.get("comment") or ""),
        collect_on=collect_on if isinstance(collect_on, date) else None,
        pickup_point=str(inputs.pop("pickup_point", "") or ""),
        reason=str(inputs.pop("reason", "") or ""),
        problem=str(args.get("problem") or ""),
        callback_at=args.get("callback_at"),
        fields=args.get("fields") or {},
        inputs=inputs,
        now=now,
    )


# the parcel's results, saved by this plug-in when its playbook's card or API saves them
HANDLERS = tuple(OutcomeHandler(code=code, save=outcome_handler) for code in rules.PICK_OUTCOMES)
