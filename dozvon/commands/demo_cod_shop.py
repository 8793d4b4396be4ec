"""Demo data of the engine's own playbooks for `dozvon demo` (COD, SHOP): projects
`cod-demo` and `shop-demo`, their users and orders in every state, built through the
services (never raw writes) so the demo shows exactly what the product does. Registered
at the DEMO extension point (dozvon.core.plugins) from `CommandsConfig.ready()`, first, since
it creates the logins the other playbooks' demos share (admin, supervisor, partner)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db import transaction

from dozvon.addresses.offline import OfflineProvider
from dozvon.catalog.models import Product
from dozvon.core.demo_people import FEMALE, MALE, demo_user
from dozvon.customers.services import CustomerInput
from dozvon.delivery.demo import seed_demo_rates
from dozvon.delivery.selectors import order_delivery_options
from dozvon.messaging.demo import seed_demo_outbox, seed_demo_templates
from dozvon.orders import services as svc
from dozvon.orders.services.calling import call_attempt_record
from dozvon.orders.services.delivery import order_choose_delivery
from dozvon.playbooks.models import Playbook
from dozvon.projects.models import Membership, Project

# Plausible delivery addresses (COD-12, SHOP-7): towns of the offline address data.
STREETS = ["ул. Ленина", "ул. Садовая", "ул. Мира", "пр-кт Победы", "ул. Гагарина", "ул. Лесная"]
TOWNS = ["Москва", "Химки", "Подольск", "Балашиха", "Санкт-Петербург", "Казань", "Тула"]
MOSCOW_AREA = TOWNS[:4]  # SHOP-2: the courier service delivers here only

COD_PRODUCTS = [
    ("SLIM-01", "Капли для похудения «Слим»", "1990.00", "50"),
    ("JOINT-02", "Крем для суставов «Артро»", "1490.00", "50"),
    ("EYE-03", "Капсулы для зрения «Окулюкс»", "1790.00", "30"),
    ("HAIR-04", "Сыворотка для волос «Густо»", "1290.00", "30"),
    ("GIFT-05", "Массажёр для лица (подарок)", "690.00", "100"),
    ("TEA-06", "Чай травяной «Детокс»", "490.00", "100"),
]
# The public senders of the demo's shops (issue 24 item 4): what customers read in From,
# never the internal "… (демо)" project names
DEMO_SENDERS = {
    "cod-demo": {"sender_name": "Полезные товары", "from_email": "orders@poleznye.example"},
    "shop-demo": {"sender_name": "Мир инструментов", "from_email": "orders@instrumenty.example"},
}
SHOP_PRODUCTS = [
    ("DR-18V", "Дрель-шуруповёрт 18 В", "8990.00", "10"),
    ("GR-125", "Болгарка УШМ 125 мм", "5490.00", "10"),
    ("PF-2000", "Перфоратор 800 Вт", "11990.00", "5"),
    ("SAW-190", "Циркулярная пила 190 мм", "9490.00", "10"),
    ("LVL-3", "Лазерный уровень", "6990.00", "15"),
    ("BIT-50", "Набор бит 50 шт.", "990.00", "20"),
    ("GLV-1", "Перчатки рабочие", "190.00", "0"),
    ("VAC-20", "Строительный пылесос 20 л", "14990.00", "5"),
]


def _products(project, rows):
    return [
        Product.objects.get_or_create(
            project=project,
            sku=sku,
            defaults={"name": name, "price": Decimal(price), "max_discount_percent": Decimal(disc)},
        )[0]
        for sku, name, price, disc in rows
    ]


def _phone(rng: random.Random) -> str:
    return (
        f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-"
        f"{rng.randint(10, 99)}"
    )


def _person(rng: random.Random) -> tuple[str, str]:
    """A full name whose parts agree, and its gender."""
    gender, (first, patronymic, last) = rng.choice((("male", MALE), ("female", FEMALE)))
    return f"{rng.choice(last)} {rng.choice(first)} {rng.choice(patronymic)}", gender


def _address(rng: random.Random, towns=TOWNS) -> dict[str, str]:
    """A delivery address in a town the offline address data knows (index, region)."""
    town = rng.choice(towns)
    found = next(iter(OfflineProvider().suggest_city(town, 1)), None)
    parts = {k: v for k, v in (found.parts() if found else {"city": town}).items() if v}
    parts.update(
        street=rng.choice(STREETS),
        house=str(rng.randint(1, 120)),
        apartment=str(rng.randint(1, 240)),
    )
    return parts


@transaction.atomic
def build_cod_shop_demo(*, now: datetime, seed: int = 7) -> dict[str, int]:
    """Create `cod-demo` and `shop-demo` with the demo's shared logins (admin, supervisor,
    partner) — built first, the other playbooks' demos rely on them — and their orders:
    {slug: orders}; skipped (an empty dict) when `cod-demo` exists."""
    if Project.objects.filter(slug="cod-demo").exists():
        return {}
    return _cod_shop(now, seed)


def _cod_shop(now: datetime, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    demo_user("admin", is_superuser=True, is_staff=True, first_name="Админ")
    supervisor = demo_user(
        "supervisor", is_staff=True, first_name="Светлана", last_name="Супервайзер"
    )
    supervisor.user_permissions.add(
        *Permission.objects.filter(
            codename__startswith="view_",
            content_type__app_label__in=[
                "orders",
                "playbooks",
                "catalog",
                "customers",
                "audit",
                "calls",
                "projects",
            ],
        )
    )
    op1 = demo_user("op1", first_name="Ольга", last_name="Операторова")
    op2 = demo_user("op2", first_name="Пётр", last_name="Операторов")
    shop1 = demo_user("shop1", first_name="Семён", last_name="Магазинов")
    delivery = demo_user("delivery", first_name="Денис", last_name="Доставкин")
    partner = demo_user("partner", first_name="Сайт", last_name="Партнёра")

    cod = Project.objects.create(
        slug="cod-demo", name="COD-магазин (демо)", playbook=Playbook.objects.get(code="cod")
    )
    shop = Project.objects.create(
        slug="shop-demo",
        name="Магазин инструментов (демо)",
        playbook=Playbook.objects.get(code="shop"),
    )
    cod_products = _products(cod, COD_PRODUCTS)
    shop_products = _products(shop, SHOP_PRODUCTS)
    for project in (cod, shop):
        Membership.objects.create(user=supervisor, project=project, role="supervisor")
        Membership.objects.create(user=partner, project=project, role="integration")
    Membership.objects.create(user=op1, project=cod, role="operator")
    m2 = Membership.objects.create(user=op2, project=cod, role="operator", all_products=False)
    m2.skills.set(cod_products[:3])
    Membership.objects.create(user=shop1, project=shop, role="operator")
    Membership.objects.create(user=delivery, project=shop, role="delivery")

    for project in (cod, shop):
        seed_demo_rates(project)  # COD-13: delivery options for the card
        # emails to customers, from the shop's public name and address
        seed_demo_templates(project, **DEMO_SENDERS[project.slug])
    counts = {
        "cod-demo": _cod_orders(cod, cod_products, partner, [op1, op2], rng, now),
        "shop-demo": _shop_orders(shop, shop_products, partner, shop1, rng, now),
    }
    for project in (cod, shop):
        seed_demo_outbox(project, now=now)  # sent and refused emails on the outbox page
    return counts


def _intake(project, products, partner, rng, created_at, n, prefix, gift=None, checker=None):
    name, gender = _person(rng)
    main = rng.choice(products[:4] if gift else products)
    items = [svc.ItemInput(main.sku, rng.choice([1, 1, 1, 2]))]
    order = svc.order_intake(
        project=project,
        actor=partner,
        external_id=f"{prefix}-{n:05d}",
        customer=CustomerInput(name=name, phone=_phone(rng), email=f"client{n}@example.org"),
        items=items,
        created_at=created_at,
        now=created_at,
    )[0]
    # the operator checked the gender with the customer
    return svc.order_update(
        order_id=order.pk,
        actor=checker,
        version=order.version,
        customer={"gender": gender},
        now=created_at,
    )


def _calls(order, op, results, start, step_minutes=3):
    at = start
    for result in results:
        call_attempt_record(
            order_id=order.pk,
            actor=op,
            result=result,
            started_at=at,
            now=at,
            duration_s=0 if result != "answered" else 95,
        )
        at += timedelta(minutes=step_minutes)
    return at


def _cod_orders(project, products, partner, ops, rng, now) -> int:
    n = 0
    plan = (
        ["new"] * 40
        + ["quick"] * 25
        + ["in_work"] * 20
        + ["na_today"] * 15
        + ["na_yesterday"] * 15
        + ["na_before"] * 10
        + ["na_earlier"] * 20
        + ["confirmed"] * 35
        + ["rejected"] * 12
        + ["invalid"] * 8
    )
    for state in plan:
        n += 1
        op = rng.choice(ops)
        days = {
            "na_yesterday": 1,
            "na_before": 2,
            "na_earlier": rng.randint(3, 20),
            "confirmed": rng.randint(0, 5),
            "rejected": rng.randint(0, 5),
            "invalid": rng.randint(0, 5),
        }.get(state, 0)
        created = now - timedelta(days=days, minutes=rng.randint(30, 240))
        order = _intake(project, products, partner, rng, created, n, "COD", gift=True, checker=op)
        t = created + timedelta(minutes=5)
        if state == "new":
            continue
        if state in {"quick", "na_today", "na_yesterday", "na_before", "na_earlier"}:
            tries = {"quick": rng.randint(1, 3), "na_today": 4}.get(state, rng.randint(1, 5))
            for i in range(tries):
                t = _calls(order, op, ["no_answer"], t + timedelta(minutes=4 * i))
                svc.order_apply_outcome(
                    order_id=order.pk,
                    actor=op,
                    code="no_answer",
                    problem="no_answer",
                    comment="Не берёт трубку",
                    now=t,
                )
                t += timedelta(minutes=1)
            continue
        t = _calls(order, op, ["answered"], t)
        if state == "in_work":
            svc.order_apply_outcome(
                order_id=order.pk,
                actor=op,
                code="callback",
                problem="need_callback",
                comment="Просит перезвонить вечером, обсудить доставку",
                callback_at=t + timedelta(minutes=rng.randint(10, 400)),
                now=t,
            )
        elif state == "confirmed":
            if rng.random() < 0.5:
                svc.order_add_item(
                    order_id=order.pk,
                    actor=op,
                    sku="GIFT-05",
                    quantity=1,
                    discount_percent=Decimal(100),
                    now=t,
                )
            # COD-12, COD-13: the address checked with the customer, courier chosen
            order = svc.order_update(
                order_id=order.pk,
                actor=op,
                version=None,
                fields={"delivery_address": _address(rng)},
                now=t,
            )
            options = order_delivery_options(order=order)
            offered = next((o for o in options if not o.do_not_offer), None)
            if offered is not None:
                order_choose_delivery(
                    order_id=order.pk, actor=op, option_code=offered.code, version=None, now=t
                )
            svc.order_apply_outcome(
                order_id=order.pk, actor=op, code="confirm", comment="Подтвердил, курьер", now=t
            )
        elif state == "rejected":
            svc.order_apply_outcome(
                order_id=order.pk,
                actor=op,
                code="reject",
                problem=rng.choice(["changed_mind", "too_expensive"]),
                comment="Отказ: передумал",
                now=t,
            )
        elif state == "invalid":
            svc.order_apply_outcome(
                order_id=order.pk, actor=op, code="invalid", problem="spam", comment="Спам", now=t
            )
    return n


def _shop_orders(project, products, partner, op, rng, now) -> int:
    n = 0
    plan = (
        ["new"] * 60
        + ["call_back"] * 25
        + ["prepay"] * 20
        + ["courier"] * 15
        + ["delivery"] * 20
        + ["pickup"] * 10
        + ["done"] * 25
        + ["cancel"] * 25
    )
    for state in plan:
        address = _address(rng)
        n += 1
        created = now - timedelta(days=rng.randint(0, 6), minutes=rng.randint(30, 600))
        order = _intake(project, products, partner, rng, created, n, "SHOP", checker=op)
        t = created + timedelta(minutes=10)
        if state == "new":
            continue
        t = _calls(order, op, ["answered"], t)
        code, extra = {
            "call_back": ("call_back", {}),
            "prepay": ("awaiting_prepayment", {"payment_method": "invoice"}),
            "courier": ("hand_to_courier", {"delivery_address": _address(rng, MOSCOW_AREA)}),
            "delivery": (
                "handed_to_delivery",
                {
                    "delivery_address": address,
                    "delivery_date": (now + timedelta(days=2)).date(),
                    "delivery_time_from": datetime.strptime("10:00", "%H:%M").time(),
                    "delivery_time_to": datetime.strptime("14:00", "%H:%M").time(),
                    "delivery_note": "Позвонить за час, въезд со двора",
                },
            ),
            "pickup": ("pickup", {}),
            "done": ("done", {}),
            "cancel": (
                rng.choice(
                    [
                        "bought_elsewhere",
                        "price_not_suitable",
                        "consultation",
                        "delivery_not_suitable",
                    ]
                ),
                {},
            ),
        }[state]
        svc.order_apply_outcome(
            order_id=order.pk,
            actor=op,
            code=code,
            fields=extra,
            comment="Согласовано с клиентом",
            now=t,
        )
    return n
