"""SUB-3: refund escalations to the partner. The refund request is emailed to the
partner once per escalation — the subscription's facts, the subscriber's phone and the
operator's comment, with any promo code in it replaced (SUB-5: the partner never learns
the code) —, written again after a missing address or template, and closed when the
supervisor records the partner's decision.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from dozvon.audit.services import audit_record
from dozvon.core.errors import NotFound, RuleViolations, violation
from dozvon.core.phones import format_phone
from dozvon.projects.access import SUPERVISE, ensure_can
from dozvon.subscriptions import promo_rules, rules
from dozvon.subscriptions.audit_actions import SubAuditAction
from dozvon.subscriptions.models import Escalation, EscalationState, PromoCode
from dozvon.subscriptions.selectors import sub_settings
from dozvon.subscriptions.services.base import today_of
from dozvon.subscriptions.services.emails import partner_email, plan_name, queue_email


def _notify_partner(escalation: Escalation, *, actor, now: datetime, comment: str = "") -> None:
    """SUB-3: the refund request emailed to the partner (once: key `escalation:<id>`):
    the subscription's facts, the subscriber's phone to call back and the operator's
    comment — every promo code of the project in it replaced by "special discount"
    (SUB-5: a code typed in a comment must not reach the partner)."""
    sub = escalation.subscription
    conf = sub_settings(sub.project) or {}
    to = partner_email(sub.project)
    context = {
        "customer_phone": format_phone(sub.customer.phone),
        "operator_comment": partner_comment(sub.project, comment or escalation.interaction.comment),
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


def partner_comment(project, comment: str) -> str:
    """SUB-3/SUB-5: the operator's comment as the partner may read it: the project's promo
    codes (any of them, ended ones too) replaced by "special discount" in the project's
    language."""
    codes = PromoCode.objects.filter(project=project).values_list("code", flat=True)
    with translation.override(project.settings.get("language") or settings.LANGUAGE_CODE):
        replacement = str(_("special discount"))
    return promo_rules.without_codes((comment or "").strip(), codes, replacement=replacement)


def _lock_escalation(escalation_id: int, actor) -> Escalation:
    escalation = (
        Escalation.objects.select_for_update(of=("self",))
        .select_related(
            "project", "subscription__customer", "subscription__collection", "interaction"
        )
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
        action=SubAuditAction.ESCALATION_DECIDE,
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
