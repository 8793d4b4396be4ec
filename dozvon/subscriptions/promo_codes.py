"""SUB-5: a supervisor keeps the project's operator-only promo codes on the project's page
and through `GET/POST /projects/{slug}/promo-codes`, `PATCH /promo-codes/{id}` (API.md
round 3), without the Django admin: creates one (code, collection, discount per unit,
last day), changes its last day or discount, ends it. Operators never list them (SUB-5:
the code is known to operators, never listed nor shown to customers).

The recipe of the services: transaction → access check (SUPERVISE: 403 for an operator,
404 outside the projects) → lock → pure rules (`promo_rules.check_promo`) → write → audit
row. The audit row never carries the code text (only its id)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet

from dozvon.audit.services import audit_record
from dozvon.core import clock
from dozvon.core.errors import NotFound, RuleViolations, violation
from dozvon.core.money import format_money
from dozvon.projects.access import SUPERVISE, ensure_can
from dozvon.subscriptions import promo_rules
from dozvon.subscriptions.audit_actions import SubAuditAction
from dozvon.subscriptions.models import Collection, PromoCode
from dozvon.subscriptions.selectors import ensure_keeps_subscriptions

_KEEP = object()  # a field a change leaves as it is


def promo_codes_list(*, project, actor) -> QuerySet[PromoCode]:
    """SUB-5: the project's codes for its supervisor (never an operator), active first,
    with how many orders each was applied to."""
    ensure_can(actor, project, SUPERVISE)
    ensure_keeps_subscriptions(project)
    return (
        PromoCode.objects.filter(project=project)
        .select_related("collection")
        .annotate(applied=Count("applications"))
        .order_by("-active", "-valid_until", "-id")
    )


def promo_code_get(*, promo_id: int, actor) -> PromoCode:
    promo = PromoCode.objects.select_related("project", "collection").filter(pk=promo_id).first()
    if promo is None:
        raise NotFound()
    ensure_can(actor, promo.project, SUPERVISE)
    return promo


def _audit(promo: PromoCode, action: SubAuditAction, changes: dict, actor, now: datetime) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="promo_code",
        target_id=promo.pk,
        project=promo.project,
        changes=changes,
        now=now,
    )


@transaction.atomic
def promo_code_create(
    *,
    project,
    actor,
    code: str,
    collection: str,
    discount_amount: Decimal | None,
    ends_on: date | None,
    active: bool = True,
    now: datetime,
) -> PromoCode:
    """SUB-5: a new operator-only code of the project for the issues of one of its
    collections (by code), a fixed discount per unit until its last day (included)."""
    ensure_can(actor, project, SUPERVISE)
    ensure_keeps_subscriptions(project)
    text = promo_rules.normalize_code(code)
    found_collection = Collection.objects.filter(project=project, code=(collection or "")).first()
    taken = bool(text) and PromoCode.objects.filter(project=project, code=text).exists()
    found = promo_rules.check_promo(
        code=code,
        discount_amount=discount_amount,
        ends_on=ends_on,
        today=clock.local_date(now, project.time_zone),
        taken=taken,
        collection_known=found_collection is not None,
    )
    if found:
        raise RuleViolations(found)
    try:
        with transaction.atomic():
            promo = PromoCode.objects.create(
                project=project,
                code=text,
                discount_amount=discount_amount,
                collection=found_collection,
                valid_until=ends_on,
                active=active,
            )
    except IntegrityError:  # created by a concurrent request
        raise RuleViolations(
            [violation(promo_rules.RULE, promo_rules.FIELD, promo_rules.TAKEN)]
        ) from None
    _audit(
        promo,
        SubAuditAction.PROMO_CODE_ADD,
        {
            "collection": found_collection.code,
            "discount_amount": format_money(discount_amount),
            "ends_on": ends_on.isoformat(),
            "active": active,
        },
        actor,
        now,
    )
    return promo


@transaction.atomic
def promo_code_change(
    *,
    promo_id: int,
    actor,
    ends_on=_KEEP,
    active=_KEEP,
    discount_amount=_KEEP,
    now: datetime,
) -> PromoCode:
    """SUB-5: change a code's last day or discount, or end it (`active=False`; true again
    brings it back). The code text and its collection stay: orders name them. Changing
    nothing writes nothing."""
    promo = promo_code_get(promo_id=promo_id, actor=actor)
    promo = PromoCode.objects.select_for_update().select_related("project").get(pk=promo.pk)
    new = {
        "valid_until": promo.valid_until if ends_on is _KEEP else ends_on,
        "active": promo.active if active is _KEEP else bool(active),
        "discount_amount": promo.discount_amount if discount_amount is _KEEP else discount_amount,
    }
    found = promo_rules.check_promo(
        code=None,
        discount_amount=new["discount_amount"],
        ends_on=new["valid_until"],
        today=clock.local_date(now, promo.project.time_zone),
        ends_on_changed=new["valid_until"] != promo.valid_until,
    )
    if found:
        raise RuleViolations(found)
    changed = {k: v for k, v in new.items() if getattr(promo, k) != v}
    if not changed:
        return promo
    old = {k: getattr(promo, k) for k in changed}
    for name, value in changed.items():
        setattr(promo, name, value)
    promo.save(update_fields=list(changed))
    _audit(
        promo,
        SubAuditAction.PROMO_CODE_END
        if changed.get("active") is False
        else SubAuditAction.PROMO_CODE_CHANGE,
        {name: [_plain(old[name]), _plain(value)] for name, value in changed.items()},
        actor,
        now,
    )
    return promo


def _plain(value):
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
