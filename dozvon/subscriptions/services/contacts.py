"""SUB-3: the registry's contacts. What an inbound interaction says about a subscription
is checked with the row locked, then written: the contact row, the subscription's counters,
SUB-4's cancellation when the subscriber does not stay, and the escalation of a refund
request to the partner — returning the interaction's timeline lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_noop as N_

from dozvon.audit.services import audit_record
from dozvon.core.errors import Violation, violation
from dozvon.orders.services.events import Line
from dozvon.projects.access import WORK, ensure_can
from dozvon.subscriptions import rules
from dozvon.subscriptions.audit_actions import SubAuditAction
from dozvon.subscriptions.models import (
    Escalation,
    Status,
    Subscription,
    SubscriptionContact,
)
from dozvon.subscriptions.selectors import contact_facts, sub_settings
from dozvon.subscriptions.services.escalations import _notify_partner

# --- SUB-3: the registry's contacts -------------------------------------------------------------


@dataclass
class ContactPlan:
    """A checked contact, ready to apply once its interaction exists."""

    subscription: Subscription
    outcome: str
    issues: list[int]

    @property
    def customer(self):
        """Who the contact is about (the interaction's caller when their number is not
        known: a relative phoning about it)."""
        return self.subscription.customer

    @property
    def changes(self) -> dict[str, Any]:
        """What the interaction's audit row records of the contact."""
        return {
            "subscription": self.subscription.pk,
            "outcome": self.outcome,
            "issues": self.issues,
        }


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


def contact_apply(
    *, plan: ContactPlan, interaction, actor, now: datetime, comment: str = ""
) -> list[Line]:
    """Write a checked contact: the registry row, the subscription's counters and first
    contact date, SUB-4's cancellation when the subscriber does not stay, and SUB-3's
    escalation of a refund request to the partner. The interaction's timeline lines.
    `comment`: the operator's comment on the call, for the partner's refund email (the
    interaction's own comment when left out — it is saved after the contact)."""
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
        action=SubAuditAction.SUBSCRIPTION_CONTACT,
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
        _notify_partner(escalation, actor=actor, now=now, comment=comment)
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
