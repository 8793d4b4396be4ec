"""NBO-6: balance adjustments during an interaction, within the project's discount policy,
and the partner billing's answer (pending → applied or rejected, once).

The interaction records a short subject line ("credit for INBA") and the details in its
comment: both are required here, written on the interaction's timeline and, for a
recorded (finished) interaction, appended to its subject and comment through
`interactions.services.interaction_finish` (the one writer of those fields)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from dozvon.core import limits
from dozvon.core.errors import DomainError, Forbidden, NotFound, RuleViolations, violation
from dozvon.core.money import format_money
from dozvon.history.models import TimelineKind
from dozvon.interactions.rules import may_change
from dozvon.interactions.services import interaction_finish, lock_interaction
from dozvon.offers import rules
from dozvon.offers.models import Adjustment, Campaign
from dozvon.offers.selectors import ensure_offers, offers_config, policy_role
from dozvon.orders.services.events import Event, Line, record
from dozvon.projects.access import ADJUSTMENTS, ensure_can, is_supervising
from dozvon.webhooks.services import adjustment_deliveries_queue

SUBJECT_LINES = {
    rules.COMPENSATION: N_("compensation for %(campaign)s"),
    rules.DISCOUNT: N_("discount for %(campaign)s"),
    rules.PROMO_CREDIT: N_("credit for %(campaign)s"),
    rules.TECHNOLOGICAL: N_("technological credit for %(campaign)s"),
}
CREATED_TEXT = N_("Balance adjustment %(amount)s %(currency)s: %(subject)s (%(reason)s)")
DECIDED_TEXT = {
    rules.APPLIED: N_("Balance adjustment #%(id)s applied by the billing"),
    rules.REJECTED: N_("Balance adjustment #%(id)s rejected by the billing"),
}


class IdempotencyConflict(DomainError):
    """The idempotency key of an earlier adjustment sent with another payload."""

    status = 409


def subject_line(category: str, campaign_code: str) -> str:
    """NBO-6: the interaction's short subject line, in the operators' language (the
    interaction's text is kept as written, like the subject an operator types)."""
    if not campaign_code:
        return ""
    text = SUBJECT_LINES.get(category, SUBJECT_LINES[rules.PROMO_CREDIT])
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(text) % {"campaign": campaign_code}


def _key(interaction_id: int, payload: dict[str, Any]) -> str:
    raw = json.dumps({"i": interaction_id, **payload}, sort_keys=True, default=str)
    return "auto:" + hashlib.sha256(raw.encode()).hexdigest()[:64]


def _same(adjustment: Adjustment, payload: dict[str, Any]) -> bool:
    return (
        adjustment.category == payload["category"]
        and adjustment.amount == payload["amount"]
        and adjustment.reason == payload["reason"]
        and (adjustment.campaign.code if adjustment.campaign_id else "") == payload["campaign"]
    )


@transaction.atomic
def adjustment_create(
    *,
    interaction_id: int,
    category: str,
    amount: Decimal | str | None,
    reason: str,
    comment: str,
    campaign: str | None = None,
    subject: str | None = None,
    customer_agreed: bool = True,
    idempotency_key: str | None = None,
    actor,
    now: datetime,
) -> tuple[Adjustment, bool]:
    """NBO-6: a balance adjustment the customer agreed to, within the policy's limit for
    the actor's role; category, reason, the short subject line (by default "credit for
    <campaign>") and the detailed comment required. The same request again (same
    idempotency key, or the same content) returns the first: (adjustment, created)."""
    interaction = lock_interaction(interaction_id=interaction_id, actor=actor)
    project = interaction.project
    ensure_offers(project, field="category")
    if not may_change(
        operator_id=interaction.operator_id,
        actor_id=actor.pk,
        supervising=is_supervising(actor, project),
    ):
        raise Forbidden()  # the interaction's operator or a supervisor
    value = rules.as_amount(amount) if amount is not None else None
    payload = {
        "category": rules.clean(category),
        "amount": value,
        "reason": rules.clean(reason),
        "campaign": rules.clean(campaign),
        "comment": rules.clean(comment),
    }
    key = rules.clean(idempotency_key)[:100] or _key(interaction.pk, payload)
    earlier = (
        Adjustment.objects.filter(project=project, idempotency_key=key)
        .select_related("campaign")
        .first()
    )
    if earlier is not None:
        if earlier.interaction_id != interaction.pk or not _same(earlier, payload):
            raise IdempotencyConflict()
        return earlier, False
    found = []
    chosen = None
    if payload["campaign"]:
        chosen = Campaign.objects.filter(project=project, code=payload["campaign"]).first()
        if chosen is None:
            found.append(
                violation(
                    "NBO-6", "campaign", "Unknown campaign %(code)s.", code=payload["campaign"]
                )
            )
    line = rules.clean(subject) or subject_line(payload["category"], payload["campaign"])
    found += rules.check_adjustment(
        category=payload["category"],
        amount=value,
        reason=payload["reason"],
        subject=line,
        comment=payload["comment"],
        role=policy_role(actor, project),
        policy=offers_config(project).policy,
        customer_agreed=customer_agreed,
        max_amount=limits.MAX_AMOUNT,
        currency=project.currency,
    )
    if found:
        raise RuleViolations(found)
    try:
        with transaction.atomic():
            adjustment = Adjustment.objects.create(
                project=project,
                interaction=interaction,
                category=payload["category"],
                amount=value,
                currency=project.currency,
                reason=payload["reason"],
                campaign=chosen,
                subject=line,
                comment=payload["comment"],
                idempotency_key=key,
                created_by=actor if getattr(actor, "pk", None) else None,
                created_at=now,
            )
    except IntegrityError:  # a concurrent twin with the same key
        twin = Adjustment.objects.select_related("campaign").get(
            project=project, idempotency_key=key
        )
        if not _same(twin, payload):
            raise IdempotencyConflict() from None
        return twin, False
    record(
        Event.INTERACTION_ADJUSTMENT,
        interaction=interaction,
        actor=actor,
        now=now,
        lines=[
            Line(
                CREATED_TEXT,
                {
                    "id": adjustment.pk,
                    "category": adjustment.category,
                    "amount": format_money(value),
                    "currency": project.currency,
                    "subject": line,
                    "reason": payload["reason"],
                    "campaign": payload["campaign"],
                },
                kind=TimelineKind.AUTO,
            ),
            Line(payload["comment"], {"adjustment": adjustment.pk}, kind=TimelineKind.COMMENT),
        ],
        changes={
            "adjustment": adjustment.pk,
            "category": adjustment.category,
            "amount": format_money(value),
            "campaign": payload["campaign"],
            "subject": line,
        },
    )
    if interaction.is_finished:
        interaction_finish(
            interaction_id=interaction.pk,
            actor=actor,
            subject=rules.appended(interaction.subject, line, sep="; ", limit=rules.SUBJECT_MAX),
            comment=rules.appended(
                interaction.comment, payload["comment"], sep="\n", limit=limits.COMMENT
            ),
            transferred_to=interaction.transferred_to,
            version=None,
            now=now,
        )
    adjustment_deliveries_queue(adjustment, now=now)  # the partner's billing, if subscribed
    return adjustment, True


@transaction.atomic
def adjustment_decide(
    *,
    adjustment_id: int,
    state: str,
    actor,
    now: datetime,
    note: str = "",
    external_ref: str = "",
) -> tuple[Adjustment, bool]:
    """NBO-6: the partner's billing applied or rejected a pending adjustment; the same
    answer again changes nothing (idempotent), another one is refused. (adjustment,
    changed). A change is posted to the project's endpoints subscribed to `adjustment`,
    like the creation (webhooks.services.adjustment_deliveries_queue)."""
    adjustment = (
        Adjustment.objects.select_for_update(of=("self",))
        .select_related("project", "interaction", "interaction__project")
        .filter(pk=adjustment_id)
        .first()
    )
    if adjustment is None:
        raise NotFound()
    ensure_can(actor, adjustment.project, ADJUSTMENTS)
    new = rules.clean(state).lower()
    found = rules.check_decision(old=adjustment.state, new=new)
    note, external_ref = rules.clean(note), rules.clean(external_ref)
    if len(note) > limits.COMMENT:
        found.append(violation("input", "note", "The note is too long."))
    if len(external_ref) > limits.EXTERNAL_ID:
        found.append(violation("input", "external_ref", "The reference is too long."))
    if found:
        raise RuleViolations(found)
    if adjustment.state == new:
        return adjustment, False
    adjustment.state = new
    adjustment.decided_at = now
    adjustment.decided_by = actor if getattr(actor, "pk", None) else None
    adjustment.decision_note = note
    adjustment.external_ref = external_ref
    adjustment.save(
        update_fields=["state", "decided_at", "decided_by", "decision_note", "external_ref"]
    )
    record(
        Event.INTERACTION_ADJUSTMENT,
        interaction=adjustment.interaction,
        actor=actor,
        now=now,
        lines=[
            Line(
                DECIDED_TEXT[new],
                {"id": adjustment.pk, "state": new, "note": note, "external_ref": external_ref},
                kind=TimelineKind.AUTO,
            )
        ],
    )
    adjustment_deliveries_queue(adjustment, now=now)
    return adjustment, True
