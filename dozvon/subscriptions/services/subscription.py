"""One subscription (SUB-1, SUB-2): the row locked after the access check, the change of
its plan, status or group from the API's PATCH or the admin (accelerated never goes back
to base; an accelerated untouched subscription gets its group), and the issue numbers
already bought for it.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from dozvon.audit.services import audit_record
from dozvon.core.errors import Conflict, NotFound, RuleViolations, Violation
from dozvon.projects.access import INTAKE, ensure_can
from dozvon.subscriptions import rules
from dozvon.subscriptions.audit_actions import SubAuditAction
from dozvon.subscriptions.models import Status, Subscription
from dozvon.subscriptions.selectors import bought_issues
from dozvon.subscriptions.services.base import today_of

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
        action=SubAuditAction.SUBSCRIPTION_CHANGE,
        target_type="subscription",
        target_id=sub.pk,
        project=sub.project,
        changes=changes,
        now=now,
    )
    return sub


def bought_of(subscription: Subscription) -> list[int]:
    return sorted(bought_issues([subscription.pk]).get(subscription.pk, set()))
