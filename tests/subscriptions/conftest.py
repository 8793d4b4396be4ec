"""A SUB project (playbook `sub`): a 100-issue collection sold at 999 per issue, its
email templates, and helpers that build subscriptions through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dozvon.audit.models import AuditEntry
from dozvon.interactions.models import Interaction
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.services import template_save
from dozvon.subscriptions.models import Escalation, Subscription, SubscriptionContact
from dozvon.subscriptions.services import collection_save, subscriptions_upsert
from tests.conftest import _world

PHONE = "+79161234567"


def written() -> tuple[int, ...]:
    """Subscriptions, contacts, escalations, interactions, emails and audit rows."""
    return (
        Subscription.objects.count(),
        SubscriptionContact.objects.count(),
        Escalation.objects.count(),
        Interaction.objects.count(),
        OutboxMessage.objects.count(),
        AuditEntry.objects.count(),
    )


def sub_row(number="IM-1", **over):
    row = {
        "number": number,
        "name": "Иванов Иван Иванович",
        "phone": PHONE,
        "email": "ivan@example.com",
        "collection": "im",
        "plan": "accelerated",
        "issues_total": 100,
        "issues_delivered": 88,
        "group": "green",
        "suspend_on": "31.12.2027",
    }
    return {**row, **over}


@pytest.fixture
def sub(db, now):
    world = _world("sub", "sub")
    world.project.settings = {"partner_email": "partner@deagostini.example"}
    world.project.save()
    world.collection = collection_save(
        project=world.project,
        code="im",
        name="Железный человек",
        issues_total=100,
        issue_price=Decimal("999.00"),
        sku_prefix="IM",
        base_per_month=Decimal("4"),
        accelerated_per_month=Decimal("8"),
        actor=world.supervisor,
        now=now,
    )
    for code, subject in (
        ("subscription_inform", "Подписка №{{ subscription_number }}: ускоренный план"),
        ("subscription_refund", "Возврат по подписке №{{ subscription_number }}"),
    ):
        template_save(
            project=world.project,
            code=code,
            name=code,
            subject=subject,
            body_text="{{ customer_name }}: {{ collection_name }}, до {{ suspend_on }}",
            actor=world.supervisor,
            now=now,
        )

    def upsert(*rows, actor=None):
        return subscriptions_upsert(
            project=world.project, rows=list(rows), actor=actor or world.supervisor, now=now
        )

    world.upsert = upsert
    return world
