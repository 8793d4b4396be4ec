"""SUB rows for scenes of other tests (the admin's isolation walk): a collection, a
subscription of the order's customer with a contact, a refund escalation and an
information run; every string carries the project's name."""

from __future__ import annotations

from decimal import Decimal

from dozvon.interactions.services import interaction_finish, interaction_start
from dozvon.subscriptions.models import (
    Collection,
    CollectionIssue,
    Escalation,
    InformRun,
    PromoApplication,
    PromoCode,
    Subscription,
    SubscriptionContact,
)


def sub_scene(project, order, operator, *, now) -> Subscription:
    """Written as rows (the scene's projects run another playbook, which keeps no
    subscriptions, so the services would refuse them)."""
    name = project.name
    collection = Collection.objects.create(
        project=project, code=f"{project.slug}-c", name=f"{name} collection", issues_total=3
    )
    product = order.items.first().product
    CollectionIssue.objects.create(collection=collection, number=1, product=product)
    subscription = Subscription.objects.create(
        project=project,
        number=f"{project.slug}-S1",
        customer=order.customer,
        collection=collection,
        plan="accelerated",
        issues_total=3,
        issues_delivered=1,
        group="green",
        suspend_on=now.date(),
        created_at=now,
        updated_at=now,
        inform_problem=f"{name} no address",
    )
    interaction = interaction_start(
        project=project, actor=operator, phone=order.customer.phone, line="first", now=now
    )
    interaction_finish(
        interaction_id=interaction.pk,
        actor=operator,
        subject=f"{name} refund",
        comment=f"{name} wants a refund",
        version=None,
        now=now,
    )
    contact = SubscriptionContact.objects.create(
        project=project,
        subscription=subscription,
        interaction=interaction,
        outcome="refund",
        operator=operator,
        at=now,
    )
    Escalation.objects.create(
        project=project,
        subscription=subscription,
        contact=contact,
        interaction=interaction,
        notify_problem=f"{name} no partner address",
        created_at=now,
    )
    InformRun.objects.create(
        project=project, started_by=operator, started_at=now, problem=f"{name} no template"
    )
    promo = PromoCode.objects.create(
        project=project,
        code=f"{project.slug}-CODE".upper(),
        discount_amount=Decimal("447.00"),
        collection=collection,
        valid_until=now.date(),
    )
    PromoApplication.objects.create(promo=promo, order=order, actor=operator, items=1, at=now)
    return subscription
