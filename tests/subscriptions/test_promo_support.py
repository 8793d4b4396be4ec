"""Helpers of the SUB-4/SUB-5 tests (no tests here): a subscription with 12 remaining
issues at 999, and the project's operator-only promo code."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dozvon.subscriptions.models import PromoCode
from dozvon.subscriptions.services import collection_save
from tests.subscriptions.conftest import sub_row

CODE = "ZELENKA447"
TWELVE = list(range(89, 101))


def twelve_left(world, number="IM-1"):
    """A subscription of 100 issues with 88 delivered: 89…100 remain."""
    return world.upsert(sub_row(number))[0].subscription


def promo(world, *, code=CODE, valid_until=date(2099, 12, 31), collection=None, active=True):
    return PromoCode.objects.create(
        project=world.project,
        code=code,
        discount_amount=Decimal("447.00"),
        collection=collection or world.collection,
        valid_until=valid_until,
        active=active,
    )


def other_collection(world, now):
    return collection_save(
        project=world.project,
        code="bm",
        name="Бэтмен",
        issues_total=10,
        issue_price=Decimal("999.00"),
        sku_prefix="BM",
        actor=world.supervisor,
        now=now,
    )
