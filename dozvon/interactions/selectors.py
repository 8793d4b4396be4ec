"""Reads of interactions, always through the caller's projects (404 outside them)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from dozvon.core.errors import NotFound
from dozvon.customers.models import Customer, CustomerPhone
from dozvon.customers.rules import name_key, phone_key
from dozvon.history import words as history
from dozvon.history.models import TimelineEntry
from dozvon.interactions.contacts import contact_handlers
from dozvon.interactions.models import Interaction, Line, Transfer
from dozvon.orders.models import Order
from dozvon.orders.selectors import phone_search_variants
from dozvon.projects.access import READ, ensure_can, ensure_visible, membership_of, role_of
from dozvon.projects.models import Role

# Newest first: the inbound desk shows the caller's latest contacts on top.
NEWEST_FIRST = ("-started_at", "-id")


def operator_line(actor, project) -> int | None:
    """X-2/NBO-3: the actor's line in the project (1 or 2) when they work as an operator;
    None for supervisors, administrators and integrations (a scoped token included)."""
    if role_of(actor, project) != Role.OPERATOR:
        return None
    member = membership_of(actor, project)
    return member.line if member is not None else None


def operator_line_code(actor, project) -> str | None:
    """X-2: the operator's own line as an interaction's `line` (`first`, `second`); None
    for anyone who is not an operator of the project."""
    own = operator_line(actor, project)
    return None if own is None else (Line.SECOND if own == 2 else Line.FIRST)


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


def interaction_line_text(entry: TimelineEntry) -> str:
    """An interaction's history line in words (X-6): a correction as "Тема: old → new",
    a transfer by its name, nothing as «—»; other lines are what people typed."""
    data = entry.data or {}
    name = data.get("field")
    if entry.kind != "edit" or not name or not ({"old", "new"} & set(data)):
        return entry.text

    def show(value) -> str:
        if history.is_empty(value):
            return history.EMPTY
        if name == "transferred_to" and value in Transfer.values:
            return str(Transfer(value).label)
        return str(value)

    return f"{history.field_label(name)}: {show(data.get('old'))} → {show(data.get('new'))}"


def _name_part(word: str) -> Q:
    return Q(surname__contains=word) | Q(first_name__contains=word) | Q(patronymic__contains=word)


def callers_matching(*, project, query: str, actor, limit: int = 10):
    """The inbound desk's search (SUB, NBO): the caller by phone in any format (X-4),
    email, order or subscription number, or name (every word, any order: through their
    orders, or their own name parts as customers of imported subscriptions have no
    orders); customers of this project only."""
    ensure_can(actor, project, READ)
    query = " ".join(query.split())[:200]
    if not query:
        return Customer.objects.none()
    customers = Customer.objects.filter(project=project)
    cond = Q(pk__in=[])
    digits = sum(ch.isdigit() for ch in query)
    if digits >= 5:
        phones = CustomerPhone.objects.filter(
            project=project, phone__in=phone_search_variants(query)
        )
        cond |= Q(pk__in=phones.values("customer_id"))
    if "@" in query:
        cond |= Q(email__iexact=query)
    if query.isdigit():
        cond |= Q(orders__pk=int(query)) if len(query) < 10 else Q(pk__in=[])
    for handler in contact_handlers(project):  # what the playbook's plug-in keeps (SUB)
        found = handler.callers(project=project, query=query) if handler.callers else None
        if found is not None:
            cond |= Q(pk__in=found)
    if any(ch.isalpha() for ch in query) and "@" not in query:
        # names in any word order through the orders' folded name key (SQLite folds ASCII
        # only, so the key, not icontains, is what matches Cyrillic in any case)
        words = name_key(query).split()
        orders = Order.objects.filter(project=project)
        for word in words:
            orders = orders.filter(name_key__contains=word)
        cond |= Q(pk__in=orders.values("customer_id"))
        by_parts = Customer.objects.filter(project=project)
        for word in query.split()[:4]:
            # as typed, lower case and capitalised: SQLite folds ASCII only
            by_parts = by_parts.filter(
                _name_part(word) | _name_part(word.lower()) | _name_part(word.capitalize())
            )
        cond |= Q(pk__in=by_parts.values("pk"))
    return customers.filter(cond).distinct().order_by("-id")[:limit]
