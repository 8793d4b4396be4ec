"""Reads of the delivery rate tables (COD-13): the project's active methods and rates in
one query, handed to the pure rule as frozen facts."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from dozvon.delivery import rules
from dozvon.delivery.models import DeliveryRate
from dozvon.delivery.rules import Address, DeliveryOption, MethodFact, RateFact


def delivery_facts(*, project) -> tuple[list[MethodFact], list[RateFact]]:
    """The project's active methods that have active rates, and those rates (one query)."""
    rows = (
        DeliveryRate.objects.filter(project=project, is_active=True, method__is_active=True)
        .select_related("method")
        .order_by("method__sort_order", "method__code", "id")
    )
    methods: dict[str, MethodFact] = {}
    rates: list[RateFact] = []
    for row in rows:
        m = row.method
        methods.setdefault(
            m.code,
            MethodFact(m.code, m.kind, m.offer, m.sort_order, m.name_ru, m.name_uk, m.name_en),
        )
        rates.append(
            RateFact(
                method=m.code,
                cost=row.cost,
                days_min=row.days_min,
                days_max=row.days_max,
                region=row.region,
                city=row.city,
                free_from=row.free_from,
            )
        )
    return list(methods.values()), rates


def delivery_options(
    *, project, address: Address | Mapping[str, object] | None, goods_total: Decimal
) -> list[DeliveryOption]:
    """COD-13: the options for an address, courier first, Post marked "do not offer"
    where a courier delivers."""
    if not isinstance(address, Address):
        address = Address.of(address)
    methods, rates = delivery_facts(project=project)
    return rules.delivery_options(
        address=address, goods_total=goods_total, methods=methods, rates=rates
    )


def order_address(*, order) -> Address:
    """Where the order goes: its delivery address, or the customer's recipient address
    while the order has no region or city yet (COD-12 fills the customer's)."""
    address = Address.of(order.delivery_address)
    if address.region or address.city:
        return address
    return Address.of(getattr(order.customer, "recipient_address", None))


def order_delivery_options(*, order) -> list[DeliveryOption]:
    return delivery_options(
        project=order.project, address=order_address(order=order), goods_total=order.goods_total
    )
