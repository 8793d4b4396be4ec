"""Demo rate tables (COD-13, SHOP-7) for `dozvon demo`: `seed_demo_rates(project)` fills
a COD project with courier, Russian Post and pickup points, and a SHOP project with
SHOP-7's list. Running it again changes nothing."""

from __future__ import annotations

from decimal import Decimal

from dozvon.delivery.models import ANYWHERE, DeliveryMethod, DeliveryRate, MethodKind, OfferPolicy

# code, kind, offer, sort order, names ru / uk / en
COD_METHODS = [
    ("courier", MethodKind.COURIER, OfferPolicy.NORMAL, 10, "Курьер", "Кур'єр", "Courier"),
    (
        "russian_post",
        MethodKind.POST,
        OfferPolicy.NOT_WITH_COURIER,
        20,
        "Почта России",
        "Пошта Росії",
        "Russian Post",
    ),
    ("pickup", MethodKind.PICKUP, OfferPolicy.NORMAL, 30, "Пункт выдачи", "Пункт видачі", "Pickup"),
]
# method, region, city, cost, days from, days to, free from
COD_RATES = [
    ("courier", ANYWHERE, "Москва", "350", 1, 2, "5000"),
    ("courier", "Московская область", ANYWHERE, "450", 1, 3, "7000"),
    ("courier", ANYWHERE, "Санкт-Петербург", "390", 1, 3, "5000"),
    ("russian_post", ANYWHERE, ANYWHERE, "390", 5, 14, None),
    ("russian_post", ANYWHERE, "Москва", "290", 3, 7, None),
    ("pickup", ANYWHERE, "Москва", "199", 2, 3, "3000"),
    ("pickup", ANYWHERE, "Санкт-Петербург", "249", 2, 4, "3000"),
    ("pickup", ANYWHERE, "Екатеринбург", "299", 3, 5, None),
    ("pickup", ANYWHERE, "Новосибирск", "299", 4, 6, None),
    ("pickup", ANYWHERE, "Казань", "279", 3, 5, None),
]

SHOP_METHODS = [
    (
        "within_mkad",
        MethodKind.COURIER,
        OfferPolicy.NORMAL,
        10,
        "В пределах МКАД",
        "У межах МКАД",
        "Within MKAD",
    ),
    (
        "outside_mkad",
        MethodKind.COURIER,
        OfferPolicy.NORMAL,
        20,
        "За МКАД",
        "За МКАД",
        "Outside MKAD",
    ),
    ("pickup", MethodKind.PICKUP, OfferPolicy.NORMAL, 30, "Самовывоз", "Самовивіз", "Pickup"),
    ("other", MethodKind.OTHER, OfferPolicy.NORMAL, 40, "Другое", "Інше", "Other"),
]
SHOP_RATES = [
    ("within_mkad", ANYWHERE, "Москва", "500", 1, 1, "30000"),
    ("outside_mkad", "Московская область", ANYWHERE, "900", 1, 2, "50000"),
    ("pickup", ANYWHERE, "Москва", "0", 0, 1, None),
    ("other", ANYWHERE, ANYWHERE, "1500", 3, 10, None),
]


def seed_demo_rates(project) -> int:
    """Create the demo methods and rates for the project's playbook; the rows created."""
    code = project.playbook.code if project.playbook_id else ""
    tables = {"cod": (COD_METHODS, COD_RATES), "shop": (SHOP_METHODS, SHOP_RATES)}
    if code not in tables:
        return 0
    methods, rates = tables[code]
    created = 0
    by_code = {}
    for mcode, kind, offer, order, ru, uk, en in methods:
        method, new = DeliveryMethod.objects.get_or_create(
            project=project,
            code=mcode,
            defaults={
                "kind": kind,
                "offer": offer,
                "sort_order": order,
                "name_ru": ru,
                "name_uk": uk,
                "name_en": en,
            },
        )
        by_code[mcode] = method
        created += new
    for mcode, region, city, cost, days_min, days_max, free_from in rates:
        _, new = DeliveryRate.objects.get_or_create(
            method=by_code[mcode],
            region=region,
            city=city,
            defaults={
                "project": project,
                "cost": Decimal(cost),
                "days_min": days_min,
                "days_max": days_max,
                "free_from": Decimal(free_from) if free_from else None,
            },
        )
        created += new
    return created
