"""Reads of interactions, always through the caller's projects (404 outside them)."""

from __future__ import annotations

from django.db.models import QuerySet

from dozvon.core.errors import NotFound
from dozvon.customers.services import phone_key
from dozvon.interactions.models import Interaction
from dozvon.orders.models import TimelineEntry
from dozvon.projects.access import ensure_visible

# Newest first: the inbound desk shows the caller's latest contacts on top.
NEWEST_FIRST = ("-started_at", "-id")


def interaction_get(*, interaction_id: int, actor) -> Interaction:
    interaction = (
        Interaction.objects.select_related("project", "customer", "operator")
        .filter(pk=interaction_id)
        .first()
    )
    if interaction is None:
        raise NotFound()
    ensure_visible(actor, interaction.project)
    return interaction


def interactions_of_customer(*, customer, actor) -> QuerySet[Interaction]:
    """A customer's interactions in their project, newest first (index
    `interaction_customer`)."""
    ensure_visible(actor, customer.project)
    return (
        Interaction.objects.filter(project=customer.project, customer=customer)
        .select_related("operator")
        .order_by(*NEWEST_FIRST)
    )


def interactions_of_phone(*, project, phone: str, actor) -> QuerySet[Interaction]:
    """The interactions of a number in any format (X-4), known customer or not, newest
    first (index `interaction_phone`): who called before, and about what."""
    ensure_visible(actor, project)
    return (
        Interaction.objects.filter(project=project, phone=phone_key(phone))
        .select_related("customer", "operator")
        .order_by(*NEWEST_FIRST)
    )


def interaction_timeline(interaction: Interaction) -> QuerySet[TimelineEntry]:
    """The interaction's append-only history, oldest first (X-6)."""
    return (
        TimelineEntry.objects.filter(interaction=interaction).select_related("actor").order_by("id")
    )
