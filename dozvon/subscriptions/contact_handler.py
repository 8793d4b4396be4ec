"""SUB-3's handler of an inbound contact (the CONTACTS point of dozvon.core.plugins,
registered by the plug-in's `register()`): the interaction services and the desk's search
reach the registry's contacts only through it (dozvon.interactions.contacts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from dozvon.core.errors import Violation
from dozvon.interactions.contacts import ContactHandler
from dozvon.subscriptions.models import Subscription
from dozvon.subscriptions.services.contacts import ContactPlan, contact_apply, contact_check

NUMBER_MAX = 64  # the longest query the desk's search takes for a subscription number


def check(
    *, project, actor, facts: Mapping[str, Any]
) -> tuple[ContactPlan | None, list[Violation]]:
    """SUB-3: what the contact says about a subscription (`contact_check`)."""
    return contact_check(
        project=project,
        actor=actor,
        subscription_id=facts.get("subscription"),
        outcome=facts.get("outcome"),
        issues=facts.get("issues"),
    )


def callers(*, project, query: str) -> QuerySet | None:
    """The inbound desk's search: the customers of the subscription with this number;
    None for a query that cannot be one (a space in it, too long)."""
    if " " in query or len(query) > NUMBER_MAX:
        return None
    return Subscription.objects.filter(project=project, number=query).values("customer_id")


CONTACT_HANDLER = ContactHandler(check=check, apply=contact_apply, callers=callers)
