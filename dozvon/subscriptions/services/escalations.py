"""SUB-3: refund escalations to the partner. The refund request is emailed to the
partner once per escalation (only facts of the subscription, never the operator's free
text), written again after a missing address or template, and closed when the supervisor
records the partner's decision.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from dozvon.audit.services import audit_record
from dozvon.core.errors import NotFound, RuleViolations, violation
from dozvon.projects.access import SUPERVISE, ensure_can
from dozvon.subscriptions import rules
from dozvon.subscriptions.models import Escalation, EscalationState
from dozvon.subscriptions.selectors import sub_settings
from dozvon.subscriptions.services.base import today_of
from dozvon.subscriptions.services.emails import partner_email, plan_name, queue_email


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
