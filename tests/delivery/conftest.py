"""Delivery tests: the COD and SHOP worlds of tests/conftest.py with the demo rate
tables, and orders whose address is set through the order edit service."""

from __future__ import annotations

import pytest

from dozvon.delivery.demo import seed_demo_rates
from dozvon.orders import services as svc
from tests.conftest import NOW

MOSCOW = {"region": "Москва", "city": "Москва", "street": "Тверская", "house": "1"}
FAR_TOWN = {"region": "Магаданская область", "city": "Сусуман", "street": "Ленина", "house": "3"}


@pytest.fixture
def cod_rates(cod):
    seed_demo_rates(cod.project)
    return cod


def order_at(world, address: dict):
    """A new order of the world's project, delivered to `address`."""
    order = world.intake()
    return svc.order_update(
        order_id=order.pk,
        actor=world.operator,
        version=order.version,
        fields={"delivery_address": address},
        now=NOW,
    )
