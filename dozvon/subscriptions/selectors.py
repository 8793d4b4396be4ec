"""Reads of subscriptions, always through the caller's projects (404 outside them)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet

from dozvon.core.errors import NotFound, RuleViolations, violation
from dozvon.customers.models import CustomerPhone
from dozvon.orders.selectors import phone_search_variants
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import READ, ensure_can
from dozvon.subscriptions import rules
from dozvon.subscriptions.models import (
    Escalation,
    InformRun,
    Plan,
    Status,
    Subscription,
    SubscriptionContact,
)

DEFAULT_TEMPLATES = {
    "inform_template": "subscription_inform",
    "escalation_template": "subscription_refund",
}


def sub_settings(project) -> Mapping[str, Any] | None:
    """The playbook's `settings.subscriptions` (policy as data): None when the project's
    playbook keeps no subscriptions."""
    conf = playbook_def(project.playbook).settings.get("subscriptions")
    if conf is None:
        return None
    return {**DEFAULT_TEMPLATES, **conf}


def keeps_subscriptions(project) -> bool:
    return sub_settings(project) is not None


def ensure_keeps_subscriptions(project, *, field: str = "project") -> Mapping[str, Any]:
    conf = sub_settings(project)
    if conf is None:
        raise RuleViolations([violation("X-1", field, "This project does not keep subscriptions.")])
    return conf


def subscription_get(*, subscription_id: int, actor, action: str = READ) -> Subscription:
    found = (
        Subscription.objects.select_related("project", "customer", "collection")
        .filter(pk=subscription_id)
        .first()
    )
    if found is None:
        raise NotFound()
    ensure_can(actor, found.project, action)
    return found


def subscriptions_list(
    *, project, actor, phone: str = "", number: str = "", group: str = "", status: str = ""
) -> QuerySet[Subscription]:
    """The project's subscriptions by number, filtered by the caller's phone in any format
    (X-4), number and group."""
    ensure_can(actor, project, READ)
    qs = Subscription.objects.filter(project=project).select_related("customer", "collection")
    phone = (phone or "").strip()
    if phone:
        customers = CustomerPhone.objects.filter(
            project=project, phone__in=phone_search_variants(phone)
        ).values("customer_id")
        qs = qs.filter(customer_id__in=customers)
    if number:
        qs = qs.filter(number=number.strip())
    if group:
        qs = qs.filter(group=group)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("number", "id")


def subscriptions_of_customers(*, project, customer_ids) -> dict[int, list[Subscription]]:
    """The inbound desk: each caller's subscriptions, active first."""
    out: dict[int, list[Subscription]] = {}
    for sub in (
        Subscription.objects.filter(project=project, customer_id__in=list(customer_ids))
        .select_related("collection")
        .order_by("status", "number")
    ):
        out.setdefault(sub.customer_id, []).append(sub)
    return out


def bought_issues(subscription_ids) -> dict[int, set[int]]:
    """SUB-3: the issues bought at earlier contacts, per subscription."""
    out: dict[int, set[int]] = {}
    for sid, issues in SubscriptionContact.objects.filter(
        subscription_id__in=list(subscription_ids), outcome__in=rules.BUYING
    ).values_list("subscription_id", "issues"):
        out.setdefault(sid, set()).update(int(n) for n in issues or [])
    return out


def contact_facts(subscription: Subscription, bought: set[int] | None = None) -> rules.ContactFacts:
    if bought is None:
        bought = bought_issues([subscription.pk]).get(subscription.pk, set())
    return rules.ContactFacts(
        status=subscription.status,
        delivered=subscription.issues_delivered,
        total=subscription.issues_total,
        bought=frozenset(bought),
    )


def contacts_of(subscription: Subscription) -> QuerySet[SubscriptionContact]:
    return (
        SubscriptionContact.objects.filter(subscription=subscription)
        .select_related("operator", "interaction")
        .order_by("at", "id")
    )


def inform_progress(project) -> dict[str, Any]:
    """SUB-1: informed X of Y accelerated active subscriptions, those that could not be
    (no address …), and the latest run."""
    counts = Subscription.objects.filter(
        project=project, plan=Plan.ACCELERATED, status=Status.ACTIVE
    ).aggregate(
        total=Count("id"),
        informed=Count("id", filter=Q(informed_at__isnull=False)),
        problems=Count("id", filter=Q(informed_at__isnull=True) & ~Q(inform_problem="")),
    )
    run = InformRun.objects.filter(project=project).order_by("-id").first()
    return {**counts, "run": run, "running": run is not None and run.finished_at is None}


def escalations(project, *, state: str = "") -> QuerySet[Escalation]:
    qs = Escalation.objects.filter(project=project).select_related(
        "subscription", "subscription__customer", "interaction", "interaction__operator"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("state", "-id")


def day_bounds(project, date_from: date | None, date_to: date | None):
    zone = ZoneInfo(project.time_zone)
    start = datetime.combine(date_from, time.min, tzinfo=zone) if date_from else None
    end = datetime.combine(date_to, time.max, tzinfo=zone) if date_to else None
    return start, end


def registry_rows(
    project,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    contacted_only: bool = False,
) -> list[dict[str, Any]]:
    """SUB-6: one row per subscription — every one of the project, or with a date range
    (contact dates in the project's time zone) those contacted within it: first contact,
    outcome columns as 1/0, issues bought, refund escalated, the last contact's operator
    and comment."""
    start, end = day_bounds(project, date_from, date_to)
    contacts = SubscriptionContact.objects.filter(project=project)
    if start:
        contacts = contacts.filter(at__gte=start)
    if end:
        contacts = contacts.filter(at__lte=end)
    grouped: dict[int, list[SubscriptionContact]] = {}
    for contact in contacts.select_related("operator", "interaction").order_by("at", "id"):
        grouped.setdefault(contact.subscription_id, []).append(contact)
    refunds = Escalation.objects.filter(project=project)
    if start:
        refunds = refunds.filter(contact__at__gte=start)
    if end:
        refunds = refunds.filter(contact__at__lte=end)
    escalated = set(refunds.values_list("subscription_id", flat=True))
    subs = Subscription.objects.filter(project=project).select_related("customer", "collection")
    if start or end or contacted_only:
        subs = subs.filter(pk__in=list(grouped))
    rows = []
    for sub in subs.order_by("number", "id").iterator(chunk_size=2000):
        items = grouped.get(sub.pk, [])
        last = items[-1] if items else None
        rows.append(
            {
                "subscription": sub,
                "first_contact_at": sub.first_contact_at,
                "contacts": len(items),
                "outcomes": rules.outcome_counts({c.outcome for c in items}),
                "issues": sorted({int(n) for c in items for n in (c.issues or [])}),
                "refund_escalated": int(sub.pk in escalated),
                "operator": last.operator if last else None,
                "comment": last.interaction.comment if last else "",
                "last_outcome": last.outcome if last else "",
            }
        )
    return rows
