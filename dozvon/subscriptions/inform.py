"""SUB-1: "inform accelerated subscribers" — one information email per accelerated
active subscription, whatever the clicks or crashes.

A click starts a run (`inform_start.inform_accelerated`) and enqueues its task in the same
transaction; the worker works it off in batches (`inform_batch`), each one transaction
that queues the batch's emails in the outbox and marks the subscriptions informed
together — a crash loses a whole batch or none of it. Each email's idempotency key is
`subscription:<id>/inform` and a subscription is marked once (compare-and-set), so a
second click, a second worker or a rerun after a crash never sends one twice; a new run
picks up where the others stopped.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction

from dozvon.subscriptions.models import InformRun, Plan, Status, Subscription
from dozvon.subscriptions.selectors import sub_settings
from dozvon.subscriptions.services import plan_name, queue_email

BATCH = 100


def to_inform(project):
    return Subscription.objects.filter(
        project=project, plan=Plan.ACCELERATED, status=Status.ACTIVE, informed_at__isnull=True
    )


def inform_batch(*, run_id: int, now: datetime, size: int = BATCH) -> bool:
    """One batch of the run in one transaction; True once the run is finished."""
    with transaction.atomic():
        run = (
            InformRun.objects.select_for_update(of=("self",))
            .select_related("project", "started_by")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.finished_at is not None:
            return True
        project = run.project
        conf = sub_settings(project) or {}
        candidates = to_inform(project).filter(pk__gt=run.cursor).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            # another run working the same rows: leave them to it (PostgreSQL)
            candidates = candidates.select_for_update(of=("self",), skip_locked=True)
        batch = list(candidates.select_related("customer", "collection")[:size])
        if not batch:
            run.finished_at = now
            run.save(update_fields=["finished_at"])
            return True
        for sub in batch:
            message, problems = queue_email(
                project=project,
                to=sub.customer.email,
                customer_name=sub.customer.full_name,
                template=conf.get("inform_template", "subscription_inform"),
                key=f"subscription:{sub.pk}/inform",
                context=inform_context(sub),
                actor=run.started_by,
                now=now,
            )
            run.cursor = sub.pk
            if message is not None:
                marked = Subscription.objects.filter(pk=sub.pk, informed_at__isnull=True).update(
                    informed_at=now, inform_problem=""
                )
                run.queued += marked
                continue
            problem = "; ".join(v.render() for v in problems)[:300]
            Subscription.objects.filter(pk=sub.pk).update(inform_problem=problem)
            run.skipped += 1
            if any(v.field == "template" for v in problems):
                # nothing can be sent until the template exists: stop, saying why
                run.problem, run.finished_at = problem, now
                break
        run.save(update_fields=["cursor", "queued", "skipped", "problem", "finished_at"])
        return run.finished_at is not None


def inform_run_all(*, run_id: int, now_fn) -> InformRun:
    """Work the run off, batch after batch (the task's body)."""
    while not inform_batch(run_id=run_id, now=now_fn()):
        pass
    return InformRun.objects.get(pk=run_id)


def inform_context(sub: Subscription) -> dict:
    """What the information email may say (the outbox's allow-list for messages that are
    not about an order: messaging.rendering.SUBSCRIPTION_VARIABLES)."""
    return {
        "subscription_number": sub.number,
        "collection_name": sub.collection.name,
        "plan_name": plan_name(sub.project, sub.plan),
        "remaining_issues": sub.issues_total - sub.issues_delivered,
        "suspend_on": sub.suspend_on,
    }
