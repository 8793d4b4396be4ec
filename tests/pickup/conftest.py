"""A PICK project with its people, the partner's address and templates, and helpers that
report a parcel's states and save results through the plug-in's services."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from dozvon.messaging.models import MailSettings
from dozvon.orders.services.calling import call_attempt_record
from dozvon.pickup import rules
from dozvon.pickup.demo import save_templates
from dozvon.pickup.services import pickup_outcome_save, shipment_report
from tests.conftest import NOW, World, _world

PARTNER = "logistics@example.org"


class Pick:
    """The `pick` project and its parcels."""

    def __init__(self, world: World):
        self.world = world
        self.project = world.project
        self.operator = world.operator
        self.supervisor = world.supervisor
        self.partner = world.partner

    def order(self, n: int = 0, *, email: str = "buyer@example.org", created_at=None):
        order = self.world.intake(
            external_id=f"P-{n}",
            phone=f"+7916{1000000 + n:07d}",
            name=f"Покупатель {n}",
            created_at=created_at or NOW - timedelta(days=5),
        )
        order.customer.email = email
        order.customer.save(update_fields=["email"])
        return order

    def report(self, order, state, at, *, point="", until=None, tracking="", now=None, actor=None):
        return shipment_report(
            order_id=order.pk,
            actor=actor or self.partner,
            report=rules.Report(state, at, point, until, tracking),
            now=now or at,
        )

    def arrive(self, order, at=None, *, until: date | None = None, point="ПВЗ на Ленина", now=NOW):
        """Shipped two days before `at`, arrived at `at` (both received `now`)."""
        at = at or NOW - timedelta(days=3)
        self.report(order, "shipped", at - timedelta(days=2), tracking="RP1", now=now)
        return self.report(
            order,
            "arrived",
            at,
            point=point,
            until=until or (at + timedelta(days=7)).date(),
            now=now,
        )

    def call(self, order, result="answered", at: datetime = NOW, actor=None):
        return call_attempt_record(
            order_id=order.pk, actor=actor or self.operator, result=result, now=at
        )

    def save(self, order, code, *, at: datetime = NOW, actor=None, **given):
        return pickup_outcome_save(
            order_id=order.pk, actor=actor or self.operator, code=code, now=at, **given
        )


@pytest.fixture
def pick(db) -> Pick:
    world = _world("pick", "pick")
    world.project.settings = {"partner_email": PARTNER}
    world.project.save(update_fields=["settings"])
    MailSettings.objects.create(project=world.project, sender_name="Магазин")
    save_templates(world.project, actor=world.supervisor, now=NOW - timedelta(days=30))
    return Pick(world)
