"""Collections (SUB-4, SUB-5): a collection saved with its issues as shop products, one
per number, and the products of given issue numbers — what an order for the remaining
issues is made of. Only a supervisor saves a collection; every save writes an audit row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from dozvon.audit.actions import model_change
from dozvon.audit.services import audit_record
from dozvon.catalog.models import Product
from dozvon.projects.access import SUPERVISE, ensure_can
from dozvon.subscriptions.models import Collection, CollectionIssue

# --- collections ------------------------------------------------------------------------------


@transaction.atomic
def collection_save(
    *,
    project,
    code: str,
    name: str,
    issues_total: int,
    issue_price: Decimal,
    sku_prefix: str | None = None,
    base_per_month: Decimal | None = None,
    accelerated_per_month: Decimal | None = None,
    actor,
    now: datetime,
) -> Collection:
    """A collection and its issues as shop products (one per number, SKU
    `<prefix>-001` …, priced `issue_price`): what SUB-4's order for remaining issues is
    made of and SUB-5's promo code applies to. Saving again adds the missing issues."""
    ensure_can(actor, project, SUPERVISE)
    collection, created = Collection.objects.get_or_create(
        project=project,
        code=code,
        defaults={
            "name": name,
            "issues_total": issues_total,
            "base_per_month": base_per_month,
            "accelerated_per_month": accelerated_per_month,
        },
    )
    if not created:
        collection.name, collection.issues_total = name, max(issues_total, collection.issues_total)
        collection.base_per_month = base_per_month
        collection.accelerated_per_month = accelerated_per_month
        collection.save()
    prefix = (sku_prefix or code).upper()
    have = set(collection.issues.values_list("number", flat=True))
    wanted = [n for n in range(1, collection.issues_total + 1) if n not in have]
    if wanted:
        skus = {n: f"{prefix}-{n:03d}" for n in wanted}
        existing = {
            p.sku: p for p in Product.objects.filter(project=project, sku__in=skus.values())
        }
        Product.objects.bulk_create(
            Product(
                project=project,
                sku=sku,
                name=f"{name}, №{n}",
                price=issue_price,
                currency=project.currency,
            )
            for n, sku in skus.items()
            if sku not in existing
        )
        products = {
            p.sku: p for p in Product.objects.filter(project=project, sku__in=skus.values())
        }
        CollectionIssue.objects.bulk_create(
            CollectionIssue(collection=collection, number=n, product=products[sku])
            for n, sku in skus.items()
        )
    audit_record(
        actor=actor,
        action=model_change("collection", "add" if created else "change"),
        target_type="collection",
        target_id=collection.pk,
        project=project,
        changes={"code": code, "name": name, "issues_total": issues_total, "added": len(wanted)},
        now=now,
    )
    return collection


def issue_products(collection: Collection, numbers: Sequence[int]) -> list[Product]:
    """SUB-4 (later): the products of these issue numbers, in their order — the items of
    an order for remaining issues, one unit each."""
    by_number = {
        i.number: i.product
        for i in CollectionIssue.objects.filter(
            collection=collection, number__in=list(numbers)
        ).select_related("product")
    }
    return [by_number[n] for n in numbers if n in by_number]
