"""The only code that changes subscriptions (SUB-1…4, X-10): collections, the import and
API upsert, plan/status changes, the registry's contacts and refund escalations.

The recipe of the order services: transaction → access check → lock → pure rules
(`subscriptions.rules`) → write with `update_fields` → audit row (X-12). Emails go through
the outbox (`messaging.services.message_queue_to`, imported when called) in the same
transaction, each with its idempotency key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_noop as N_

from dozvon.audit.services import audit_record
from dozvon.catalog.models import Product
from dozvon.core import clock
from dozvon.core.errors import Conflict, NotFound, RuleViolations, Violation, violation
from dozvon.customers.services import CustomerInput, customer_for_intake
from dozvon.messaging.rules import recipient_problems
from dozvon.orders.services.events import Line
from dozvon.projects.access import INTAKE, SUPERVISE, WORK, ensure_can
from dozvon.subscriptions import rules
from dozvon.subscriptions.models import (
    Collection,
    CollectionIssue,
    Escalation,
    EscalationState,
    Plan,
    Status,
    Subscription,
    SubscriptionContact,
)
from dozvon.subscriptions.selectors import (
    bought_issues,
    contact_facts,
    ensure_keeps_subscriptions,
    sub_settings,
)

CHUNK = 900  # ids per IN (…) list: under SQLite's variable limit with room to spare
# What an import or a PATCH may change, compared to tell "updated" from "unchanged".
WRITTEN = (
    "customer_id",
    "collection_id",
    "plan",
    "issues_total",
    "issues_delivered",
    "group",
    "suspend_on",
)


def today_of(project, now: datetime) -> date:
    return clock.local_date(now, project.time_zone)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# --- collections ------------------------------------------------------------------------------


@transaction.atomic
def collection_save(
    *,
    project,
    code: str,
    name: str,
    issues_total: int,
    issue_price: Decimal,
    sku_prefix: str | None = None,
    base_per_month: Decimal | None = None,
    accelerated_per_month: Decimal | None = None,
    actor,
    now: datetime,
) -> Collection:
    """A collection and its issues as shop products (one per number, SKU
    `<prefix>-001` …, priced `issue_price`): what SUB-4's order for remaining issues is
    made of and SUB-5's promo code applies to. Saving again adds the missing issues."""
    ensure_can(actor, project, SUPERVISE)
    collection, created = Collection.objects.get_or_create(
        project=project,
        code=code,
        defaults={
            "name": name,
            "issues_total": issues_total,
            "base_per_month": base_per_month,
            "accelerated_per_month": accelerated_per_month,
        },
    )
    if not created:
        collection.name, collection.issues_total = name, max(issues_total, collection.issues_total)
        collection.base_per_month = base_per_month
        collection.accelerated_per_month = accelerated_per_month
        collection.save()
    prefix = (sku_prefix or code).upper()
    have = set(collection.issues.values_list("number", flat=True))
    wanted = [n for n in range(1, collection.issues_total + 1) if n not in have]
    if wanted:
        skus = {n: f"{prefix}-{n:03d}" for n in wanted}
        existing = {
            p.sku: p for p in Product.objects.filter(project=project, sku__in=skus.values())
        }
        Product.objects.bulk_create(
            Product(
                project=project,
                sku=sku,
                name=f"{name}, №{n}",
                price=issue_price,
                currency=project.currency,
            )
            for n, sku in skus.items()
            if sku not in existing
        )
        products = {
            p.sku: p for p in Product.objects.filter(project=project, sku__in=skus.values())
        }
        CollectionIssue.objects.bulk_create(
            CollectionIssue(collection=collection, number=n, product=products[sku])
            for n, sku in skus.items()
        )
    audit_record(
        actor=actor,
        action=f"collection.{'add' if created else 'change'}",
        target_type="collection",
        target_id=collection.pk,
        project=project,
        changes={"code": code, "name": name, "issues_total": issues_total, "added": len(wanted)},
        now=now,
    )
    return collection


def issue_products(collection: Collection, numbers: Sequence[int]) -> list[Product]:
    """SUB-4 (later): the products of these issue numbers, in their order — the items of
    an order for remaining issues, one unit each."""
    by_number = {
        i.number: i.product
        for i in CollectionIssue.objects.filter(
            collection=collection, number__in=list(numbers)
        ).select_related("product")
    }
    return [by_number[n] for n in numbers if n in by_number]


# --- the import and the API upsert (X-10) -------------------------------------------------------


@dataclass(frozen=True)
class UpsertResult:
    number: str
    result: str  # created | updated | unchanged
    subscription: Subscription


def _existing(project, numbers: Sequence[str], *, lock: bool = False) -> dict[str, Subscription]:
    out: dict[str, Subscription] = {}
    unique = sorted({n for n in numbers if n})
    for start in range(0, len(unique), CHUNK):
        qs = Subscription.objects.filter(project=project, number__in=unique[start : start + CHUNK])
        if lock:
            qs = qs.select_for_update()
        out.update({s.number: s for s in qs})
    return out


def subscriptions_check(
    *, project, rows: Sequence[Mapping[str, Any]], now: datetime
) -> list[rules.RowCheck]:
    """X-10: every row of an import or a request checked against the project's
    collections and subscriptions (nothing written): the preview's per-row report."""
    collections = {c.code: c.facts() for c in Collection.objects.filter(project=project)}
    numbers = [rules.text_of(r.get("number")) for r in rows]
    existing = {n: rules.ExistingFacts(plan=s.plan) for n, s in _existing(project, numbers).items()}
    return rules.check_rows(
        rows, collections=collections, existing=existing, today=today_of(project, now)
    )


def row_prefix(index: int) -> str:
    return f"[{index}]"


def refused_rows(
    checks: Sequence[rules.RowCheck], prefix: Callable[[int], str] = row_prefix
) -> list[Violation]:
    """Each row's violations with its place in the field (`[3].customer.phone`)."""
    return [
        replace(v, field=f"{prefix(i)}.{v.field}")
        for i, check in enumerate(checks)
        for v in check.violations
    ]


def subscriptions_upsert(
    *,
    project,
    rows: Sequence[Mapping[str, Any]],
    actor,
    now: datetime,
    prefix: Callable[[int], str] = row_prefix,
    source: str = "api",
) -> list[UpsertResult]:
    """X-10: create or update each row's subscription by its number — never a duplicate.
    Any refused row refuses the whole set (RuleViolations naming each row's fields) and
    nothing is written. SUB-2 refuses an accelerated subscription sent back to base."""
    ensure_can(actor, project, INTAKE)
    ensure_keeps_subscriptions(project)
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _upsert(project, rows, actor=actor, now=now, prefix=prefix, source=source)
        except IntegrityError:
            # the same new number written by a concurrent request: read it again
            if attempt == 2:
                raise RuleViolations(
                    [
                        violation(
                            "X-10",
                            "body",
                            "The subscriptions were changed meanwhile; send them again.",
                        )
                    ]
                ) from None
    raise AssertionError("unreachable")


def _upsert(project, rows, *, actor, now, prefix, source) -> list[UpsertResult]:
    checks = subscriptions_check(project=project, rows=rows, now=now)
    found = refused_rows(checks, prefix)
    if found:
        raise RuleViolations(found)
    cleaned = [c.row for c in checks]
    existing = _existing(project, [r.number for r in cleaned], lock=True)
    collections = {c.code: c for c in Collection.objects.filter(project=project)}
    results = []
    for row in cleaned:
        customer = customer_for_intake(
            project=project, data=CustomerInput(name=row.name, phone=row.phone, email=row.email)
        )
        values = {
            "customer_id": customer.pk,
            "collection_id": collections[row.collection].pk,
            "plan": row.plan,
            "issues_total": row.issues_total,
            "issues_delivered": row.issues_delivered,
            "group": row.group,
            "suspend_on": row.suspend_on,
        }
        sub = existing.get(row.number)
        if sub is None:
            sub = Subscription.objects.create(
                project=project, number=row.number, created_at=now, updated_at=now, **values
            )
            existing[row.number] = sub
            audit_record(
                actor=actor,
                action="subscription.add",
                target_type="subscription",
                target_id=sub.pk,
                project=project,
                changes={"number": row.number, "source": source, **values},
                now=now,
            )
            results.append(UpsertResult(row.number, "created", sub))
            continue
        changes = {
            k: (_plain(getattr(sub, k)), _plain(v))
            for k, v in values.items()
            if getattr(sub, k) != v
        }
        if not changes:
            results.append(UpsertResult(row.number, "unchanged", sub))
            continue
        for name in changes:
            setattr(sub, name, values[name])
        sub.updated_at = now
        sub.version += 1
        sub.save(update_fields=[*changes, "updated_at", "version"])
        audit_record(
            actor=actor,
            action="subscription.change",
            target_type="subscription",
            target_id=sub.pk,
            project=project,
            changes={"source": source, **changes},
            now=now,
        )
        results.append(UpsertResult(row.number, "updated", sub))
    return results


# --- one subscription: plan, status, group (PATCH, admin) ---------------------------------------


def lock_subscription(*, subscription_id: int, actor, action: str) -> Subscription:
    """Inside a transaction: the locked row, after the access check (404 outside the
    actor's projects, 403 for a role that may not)."""
    sub = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("project", "collection", "customer")
        .filter(pk=subscription_id)
        .first()
    )
    if sub is None:
        raise NotFound()
    ensure_can(actor, sub.project, action)
    return sub


@transaction.atomic
def subscription_update(
    *,
    subscription_id: int,
    actor,
    plan: str | None = None,
    status: str | None = None,
    group: str | None = None,
    version: int | None = None,
    now: datetime,
) -> Subscription:
    """Change a subscription's plan, status or group. SUB-2: accelerated never goes back
    to base. Accelerating an untouched subscription puts it in the green group, or pink
    when the collection's rates say it still cannot finish (SUB-1)."""
    sub = lock_subscription(subscription_id=subscription_id, actor=actor, action=INTAKE)
    if version is not None and version != sub.version:
        raise Conflict(sub.version)
    found: list[Violation] = []
    new_plan = sub.plan if plan is None else plan
    if plan is not None:
        found += rules.check_plan_change(old=sub.plan, new=plan)
    if status is not None:
        found += rules.check_status(status)
    new_group = group or sub.group
    if (
        not found
        and group is None
        and new_plan == rules.ACCELERATED
        and sub.group == rules.UNTOUCHED
    ):
        new_group = (
            rules.group_for(
                plan=new_plan,
                remaining=sub.issues_total - sub.issues_delivered,
                today=today_of(sub.project, now),
                suspend_on=sub.suspend_on,
                base_per_month=sub.collection.base_per_month,
                accelerated_per_month=sub.collection.accelerated_per_month,
            )
            or rules.GREEN
        )
    if not found:
        found += rules.check_group(plan=new_plan, group=new_group)
    if found:
        raise RuleViolations(found)
    values = {"plan": new_plan, "group": new_group, "status": status or sub.status}
    changes = {k: (getattr(sub, k), v) for k, v in values.items() if getattr(sub, k) != v}
    if not changes:
        return sub
    for name, (_, new) in changes.items():
        setattr(sub, name, new)
    fields = [*changes, "updated_at", "version"]
    if "status" in changes:
        sub.cancelled_at = now if sub.status == Status.CANCELLED else None
        fields.append("cancelled_at")
    sub.updated_at = now
    sub.version += 1
    sub.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="subscription.change",
        target_type="subscription",
        target_id=sub.pk,
        project=sub.project,
        changes=changes,
        now=now,
    )
    return sub


# --- SUB-3: the registry's contacts -------------------------------------------------------------


@dataclass
class ContactPlan:
    """A checked contact, ready to apply once its interaction exists."""

    subscription: Subscription
    outcome: str
    issues: list[int]


SUB_FACTS = ("subscription", "outcome", "issues")


def contact_check(
    *,
    project,
    actor,
    subscription_id: int | None,
    outcome: str | None,
    issues: Sequence[int] | None,
) -> tuple[ContactPlan | None, list[Violation]]:
    """SUB-3: what an inbound interaction says about a subscription, checked (the
    subscription row locked): the plan to apply, or every refusal. Nothing given →
    (None, [])."""
    given = {
        "subscription": subscription_id is not None,
        "outcome": bool(outcome),
        "issues": issues is not None and len(issues) > 0,
    }
    if not any(given.values()):
        return None, []
    if sub_settings(project) is None:
        return None, [
            violation("input", name, "Not available for this project.")
            for name, present in given.items()
            if present
        ]
    found: list[Violation] = []
    if subscription_id is None:
        found.append(
            violation("SUB-3", "subscription", "Choose the subscription the contact is about.")
        )
    if not outcome:
        found.append(violation("SUB-3", "outcome", "Record the outcome of the contact."))
    if found:
        return None, found
    sub = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("project", "customer", "collection")
        .filter(pk=subscription_id, project=project)
        .first()
    )
    if sub is None:
        return None, [violation("SUB-3", "subscription", "Unknown subscription.")]
    ensure_can(actor, project, WORK)
    chosen, found = rules.check_contact(outcome=outcome, issues=issues, facts=contact_facts(sub))
    if found:
        return None, found
    return ContactPlan(sub, outcome, chosen), []


def contact_apply(*, plan: ContactPlan, interaction, actor, now: datetime) -> list[Line]:
    """Write a checked contact: the registry row, the subscription's counters and first
    contact date, SUB-4's cancellation when the subscriber does not stay, and SUB-3's
    escalation of a refund request to the partner. The interaction's timeline lines."""
    sub = plan.subscription
    contact = SubscriptionContact.objects.create(
        project=sub.project,
        subscription=sub,
        interaction=interaction,
        outcome=plan.outcome,
        issues=plan.issues,
        operator=actor if getattr(actor, "pk", None) else None,
        at=now,
    )
    changes: dict[str, Any] = {"contacts": (sub.contacts, sub.contacts + 1)}
    sub.contacts += 1
    if sub.first_contact_at is None:
        sub.first_contact_at = now
        changes["first_contact_at"] = (None, now.isoformat())
    sub.last_contact_at = now
    sub.last_outcome = plan.outcome
    data = {
        "subscription": sub.pk,
        "number": sub.number,
        "outcome": plan.outcome,
        "issues": plan.issues,
    }
    lines = [Line(N_("Subscription №%(number)s: %(outcome)s"), data, kind="status")]
    fields = ["contacts", "first_contact_at", "last_contact_at", "last_outcome"]
    if plan.outcome in rules.LEAVING and sub.status == Status.ACTIVE:
        sub.status, sub.cancelled_at = Status.CANCELLED, now
        changes["status"] = (Status.ACTIVE, Status.CANCELLED)
        fields += ["status", "cancelled_at"]
        lines.append(
            Line(
                N_("Subscription №%(number)s cancelled: the subscriber does not stay (SUB-4)"),
                {"subscription": sub.pk, "number": sub.number, "rule": "SUB-4"},
                kind="status",
            )
        )
    sub.updated_at = now
    sub.version += 1
    sub.save(update_fields=[*fields, "updated_at", "version"])
    audit_record(
        actor=actor,
        action="subscription.contact",
        target_type="subscription",
        target_id=sub.pk,
        project=sub.project,
        changes={
            "interaction": interaction.pk,
            "outcome": plan.outcome,
            "issues": plan.issues,
            **changes,
        },
        now=now,
    )
    if plan.outcome == rules.REFUND:
        escalation = Escalation.objects.create(
            project=sub.project,
            subscription=sub,
            contact=contact,
            interaction=interaction,
            created_at=now,
        )
        _notify_partner(escalation, actor=actor, now=now)
        lines.append(
            Line(
                N_("Refund request escalated to the partner (SUB-3)"),
                {
                    "escalation": escalation.pk,
                    "subscription": sub.pk,
                    "number": sub.number,
                    "notified": escalation.message_id is not None,
                },
                kind="auto",
            )
        )
    return lines


# --- emails through the outbox ---------------------------------------------------------------


def queue_email(
    *,
    project,
    to: str,
    customer_name: str,
    template: str,
    key: str,
    context: Mapping[str, Any],
    actor,
    now: datetime,
) -> tuple[Any, list[Violation]]:
    """One email through the outbox, once per `key`: (the message, []) or (None, why not)
    — refused inside a savepoint, so the caller's transaction goes on."""
    problems = recipient_problems((to or "").strip())
    if problems:
        return None, problems
    try:
        from dozvon.messaging.services import message_queue_to
    except ImportError:
        return None, [violation("X-9", "template", "Emails to an address cannot be sent yet.")]
    try:
        with transaction.atomic():
            result = message_queue_to(
                project=project,
                to=to.strip(),
                customer_name=customer_name,
                template=template,
                key=key,
                context=dict(context),
                actor=actor,
                now=now,
            )
    except RuleViolations as refused:
        return None, refused.violations
    return (result[0] if isinstance(result, tuple) else result), []


def plan_name(project, plan: str) -> str:
    """The plan's name in the project's language, as an email shows it."""
    with translation.override(project.settings.get("language") or settings.LANGUAGE_CODE):
        return str(Plan(plan).label)


def partner_email(project) -> str:
    """SUB-3: where refund requests go — the project's partner contact (project settings
    `partner_email`)."""
    return str((project.settings or {}).get("partner_email") or "").strip()


def _notify_partner(escalation: Escalation, *, actor, now: datetime) -> None:
    """SUB-3: the refund request emailed to the partner (once: key `escalation:<id>`).
    Only facts of the subscription go out, never the operator's free text (SUB-5: a code
    typed in a comment must not reach the partner)."""
    sub = escalation.subscription
    conf = sub_settings(sub.project) or {}
    to = partner_email(sub.project)
    context = {
        "subscription_number": sub.number,
        "collection_name": sub.collection.name,
        "plan_name": plan_name(sub.project, sub.plan),
        "remaining_issues": sub.issues_total - sub.issues_delivered,
        "suspend_on": sub.suspend_on,
        "due_date": today_of(sub.project, now),  # the day the refund was asked for
    }
    if not to:
        message, problems = (
            None,
            [violation("SUB-3", "partner_email", "The project has no partner contact address.")],
        )
    else:
        message, problems = queue_email(
            project=sub.project,
            to=to,
            customer_name=sub.customer.full_name,
            template=conf.get("escalation_template", "subscription_refund"),
            key=f"escalation:{escalation.pk}",
            context=context,
            actor=actor,
            now=now,
        )
    escalation.partner_email = to[:254]
    escalation.message = message
    escalation.notify_problem = "; ".join(v.render() for v in problems)[:300]
    escalation.save(update_fields=["partner_email", "message", "notify_problem"])


def _lock_escalation(escalation_id: int, actor) -> Escalation:
    escalation = (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("project", "subscription", "subscription__customer")
        .filter(pk=escalation_id)
        .first()
    )
    if escalation is None:
        raise NotFound()
    ensure_can(actor, escalation.project, SUPERVISE)
    return escalation


@transaction.atomic
def escalation_decide(*, escalation_id: int, actor, decision: str, now: datetime) -> Escalation:
    """SUB-3: the supervisor records the partner's decision; the escalation is closed."""
    escalation = _lock_escalation(escalation_id, actor)
    found = rules.check_decision(decision)
    if escalation.state == EscalationState.DECIDED:
        found.append(violation("SUB-3", "state", "The partner has decided already."))
    if found:
        raise RuleViolations(found)
    escalation.state = EscalationState.DECIDED
    escalation.decision = decision.strip()
    escalation.decided_by = actor
    escalation.decided_at = now
    escalation.save(update_fields=["state", "decision", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="escalation.decide",
        target_type="escalation",
        target_id=escalation.pk,
        project=escalation.project,
        changes={"subscription": escalation.subscription_id, "decision": escalation.decision},
        now=now,
    )
    return escalation


@transaction.atomic
def escalation_notify(*, escalation_id: int, actor, now: datetime) -> Escalation:
    """SUB-3: write to the partner again after the contact address or the template was
    missing (still once per escalation: the same key)."""
    escalation = _lock_escalation(escalation_id, actor)
    if escalation.message_id is None:
        _notify_partner(escalation, actor=actor, now=now)
    return escalation


def bought_of(subscription: Subscription) -> list[int]:
    return sorted(bought_issues([subscription.pk]).get(subscription.pk, set()))
