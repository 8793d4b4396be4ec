"""The import and the API upsert (X-10): rows checked against the project's collections
and subscriptions (the preview's per-row report), each refusal named by its row, and the
upsert that creates or updates each row's subscription by its number — all rows or none,
retried once when a concurrent request wrote the same new number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from dozvon.audit.services import audit_record
from dozvon.core.errors import RuleViolations, Violation, violation
from dozvon.customers.services import CustomerInput, customer_for_intake
from dozvon.projects.access import INTAKE, ensure_can
from dozvon.subscriptions import rules
from dozvon.subscriptions.audit_actions import SubAuditAction
from dozvon.subscriptions.models import Collection, Subscription
from dozvon.subscriptions.selectors import ensure_keeps_subscriptions
from dozvon.subscriptions.services.base import CHUNK, _plain, today_of

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
                action=SubAuditAction.SUBSCRIPTION_ADD,
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
            action=SubAuditAction.SUBSCRIPTION_CHANGE,
            target_type="subscription",
            target_id=sub.pk,
            project=project,
            changes={"source": source, **changes},
            now=now,
        )
        results.append(UpsertResult(row.number, "updated", sub))
    return results
