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


def delivery_list_groups(pb) -> tuple[str, ...]:
    """SHOP-3, SHOP-7: the status groups the delivery department lists (the playbook's
    `settings.delivery_list_groups`; none: the playbook has no delivery department)."""
    return tuple(g for g in pb.settings.get("delivery_list_groups") or () if g in pb.groups)


def window_rule(pb) -> tuple[str, float] | None:
    """SHOP-7: (rule, hours) of the shortest delivery window an outcome checks, if any."""
    for outcome in pb.outcomes.values():
        for check in outcome.checks:
            if check.name == "min_time_window":
                rule = str(check.rule or outcome.rule)
                return rule, float(check.params.get("hours", 3))
    return None


def is_short_window(start, end, hours: float) -> bool:
    if start is None or end is None:
        return False
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) < hours * 60
