"""Demo data of PICK for `dozvon demo`: `pickup-demo`, a shop's parcels at pickup points
in every state — on the way, just arrived, in the worklist, promised, extension and
another point asked for, refused, unreached, collected, returned — built through the
services with a controllable clock (the partner's reports, the operators' calls and
results, the worker's passes), so the history, the worklist, the reminders and the
buyout report (PICK-4) read as a real fortnight. Registered at the DEMO extension point
by the plug-in's `register()`."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from dozvon.catalog.models import Product
from dozvon.core.demo_people import FEMALE, MALE, demo_user
from dozvon.customers.services import CustomerInput
from dozvon.messaging.models import MailSettings
from dozvon.messaging.services import template_save
from dozvon.orders import services as order_svc
from dozvon.orders.services.calling import call_attempt_record
from dozvon.pickup import rules
from dozvon.pickup.services import pickup_outcome_save, shipment_report
from dozvon.pickup.services.base import PARTNER_EMAIL
from dozvon.pickup.services.sweep import parcels_enter, sweep
from dozvon.playbooks.models import Playbook
from dozvon.projects.models import Membership, Project

SLUG = "pickup-demo"
PARCELS = 48
POINTS = [
    "ПВЗ «Боксберри», ул. Ленина, 12",
    "Почта России 101000, Мясницкая ул., 26",
    "ПВЗ «СДЭК», пр. Мира, 45",
    "Постамат «Халва», ТЦ «Атриум»",
]
PRODUCTS = [
    ("PICK-WATCH", "Часы «Командирские»", Decimal("2990.00")),
    ("PICK-LAMP", "Солевая лампа", Decimal("1490.00")),
    ("PICK-MASSAGE", "Массажёр для шеи", Decimal("3490.00")),
]
SIGN = "\n\nС уважением,\n{{ shop_name }}"
SIGN_UK = "\n\nЗ повагою,\n{{ shop_name }}"
TEMPLATES = {
    "ru": {
        "pickup_reminder": (
            "Напоминание о посылке",
            "Заказ № {{ order_number }} ждёт вас до {{ due_date }}",
            "Здравствуйте, {{ customer_name }}!\n\nВаш заказ № {{ order_number }} на сумму "
            "{{ total }} ждёт вас в пункте выдачи до {{ due_date }} включительно. После этого "
            "посылка вернётся к нам." + SIGN,
        ),
        "pickup_extend_storage": (
            "Продление хранения",
            "Просьба продлить хранение: заказ № {{ order_number }}",
            "Здравствуйте!\n\nПокупатель {{ customer_name }} ({{ customer_phone }}) просит "
            "продлить хранение посылки по заказу № {{ order_number }} (сейчас до "
            "{{ due_date }}).\n{{ operator_comment }}" + SIGN,
        ),
        "pickup_wrong_point": (
            "Другой пункт выдачи",
            "Другой пункт выдачи: заказ № {{ order_number }}",
            "Здравствуйте!\n\nПокупатель {{ customer_name }} ({{ customer_phone }}) просит "
            "доставить посылку по заказу № {{ order_number }} в другой пункт выдачи: "
            "{{ operator_comment }}." + SIGN,
        ),
    },
    "uk": {
        "pickup_reminder": (
            "Нагадування про посилку",
            "Замовлення № {{ order_number }} чекає на вас до {{ due_date }}",
            "Вітаємо, {{ customer_name }}!\n\nВаше замовлення № {{ order_number }} на суму "
            "{{ total }} чекає на вас у пункті видачі до {{ due_date }} включно. Після цього "
            "посилка повернеться до нас." + SIGN_UK,
        ),
        "pickup_extend_storage": (
            "Продовження зберігання",
            "Прохання продовжити зберігання: замовлення № {{ order_number }}",
            "Вітаємо!\n\nПокупець {{ customer_name }} ({{ customer_phone }}) просить "
            "продовжити зберігання посилки за замовленням № {{ order_number }} (зараз до "
            "{{ due_date }}).\n{{ operator_comment }}" + SIGN_UK,
        ),
        "pickup_wrong_point": (
            "Інший пункт видачі",
            "Інший пункт видачі: замовлення № {{ order_number }}",
            "Вітаємо!\n\nПокупець {{ customer_name }} ({{ customer_phone }}) просить "
            "доставити посилку за замовленням № {{ order_number }} до іншого пункту видачі: "
            "{{ operator_comment }}." + SIGN_UK,
        ),
    },
}
# what happens to parcel i (i % len(SCRIPTS)), and how many days ago it arrived
SCRIPTS = [
    ("awaiting", None),
    ("shipped", None),
    ("arrived_today", 0),
    ("in_worklist", 3),
    ("will_collect", 4),
    ("extend_storage", 5),
    ("wrong_point", 5),
    ("refuses", 6),
    ("collected_after_call", 8),
    ("returned_unreached", 9),
    ("collected_unreached", 7),
    ("no_answer", 3),
]
STORAGE_DAYS = 7


def save_templates(project, *, actor, now) -> None:
    """PICK-2/3's emails in Russian and Ukrainian (the reminder, the partner's two)."""
    for lang, specs in TEMPLATES.items():
        for code, (name, subject, body) in specs.items():
            template_save(
                project=project,
                code=code,
                language=lang,
                name=name,
                subject=subject,
                body_text=body,
                actor=actor,
                now=now,
            )


def _name(rng: random.Random) -> str:
    first, middle, last = rng.choice([MALE, FEMALE])
    return f"{rng.choice(last)} {rng.choice(first)} {rng.choice(middle)}"


@transaction.atomic
def build_pickup_demo(*, now: datetime, seed: int = 7, parcels: int = PARCELS) -> dict[str, int]:
    """Create `pickup-demo` (playbook `pick`) and its parcels; skipped if present: {}."""
    if Project.objects.filter(slug=SLUG).exists():
        return {}
    rng = random.Random(seed)
    supervisor = demo_user(
        "supervisor", is_staff=True, first_name="Светлана", last_name="Супервайзер"
    )
    partner = demo_user("partner", first_name="Сайт", last_name="Партнёра")
    operators = [
        demo_user("pick1", first_name="Алина", last_name="Выдачина"),
        demo_user("pick2", first_name="Роман", last_name="Посылкин"),
    ]
    project = Project.objects.create(
        slug=SLUG,
        name="Пункты выдачи: невыкуп (демо)",
        playbook=Playbook.objects.get(code="pick"),
        settings={PARTNER_EMAIL: "logistics@example.org"},
    )
    Membership.objects.create(user=supervisor, project=project, role="supervisor")
    Membership.objects.create(user=partner, project=project, role="integration")
    for user in operators:
        Membership.objects.create(user=user, project=project, role="operator")
    products = [
        Product.objects.create(
            project=project, sku=sku, name=name, price=price, max_discount_percent=Decimal("10")
        )
        for sku, name, price in PRODUCTS
    ]
    MailSettings.objects.create(project=project, sender_name="Магазин-Демо")
    save_templates(project, actor=supervisor, now=now - timedelta(days=30))
    zone = ZoneInfo(project.time_zone)
    today = now.astimezone(zone).date()
    for i in range(parcels):
        script, days_ago = SCRIPTS[i % len(SCRIPTS)]
        days_ago = None if days_ago is None else days_ago + (i // len(SCRIPTS)) % 2
        arrived = (
            datetime.combine(today - timedelta(days=days_ago), time(10, 0), tzinfo=zone)
            + timedelta(minutes=7 * i)
            if days_ago is not None
            else None
        )
        created = (arrived or now) - timedelta(days=4, hours=rng.randint(0, 20))
        order, _ = order_svc.order_intake(
            project=project,
            actor=partner,
            external_id=f"PVZ-{5000 + i}",
            customer=CustomerInput(
                name=_name(rng),
                phone=f"+7925{3000000 + i * 37:07d}",
                email=f"buyer{i}@example.org" if i % 5 else "",
            ),
            items=[order_svc.ItemInput(products[i % len(products)].sku)],
            payment_method="cod",
            created_at=created,
            now=created,
        )
        _play(
            project,
            order,
            script,
            arrived=arrived,
            created=created,
            partner=partner,
            operator=operators[i % 2],
            point=POINTS[i % len(POINTS)],
            i=i,
            now=now,
        )
    sweep(now=now)  # the worker's pass now: the worklist, the reminders due today
    return {SLUG: parcels}


def _play(project, order, script, *, arrived, created, partner, operator, point, i, now):
    """Parcel `order`'s fortnight as `script` says, each step at its own moment."""
    if script == "awaiting":
        return
    shipped_at = created + timedelta(days=1)
    _report(order, partner, rules.SHIPPED, shipped_at, tracking=f"RP{700000 + i}RU")
    if script == "shipped" or arrived is None:
        return
    until = (arrived + timedelta(days=STORAGE_DAYS)).date()
    _report(order, partner, rules.ARRIVED, arrived, point=point, until=until)
    worked = arrived.replace(hour=11) + timedelta(days=2, minutes=5 * i)
    if script in ("arrived_today", "in_worklist"):
        return
    parcels_enter(project=project, now=worked)
    if script in ("returned_unreached", "collected_unreached", "no_answer"):
        for n in range(5 if script == "no_answer" else 3):
            _call(order, operator, "no_answer", worked + timedelta(minutes=40 * n))
        if script == "no_answer":
            order_svc.order_apply_outcome(
                order_id=order.pk,
                actor=operator,
                code="no_answer",
                problem="no_answer",
                comment="Не берёт трубку, пять попыток",
                now=worked + timedelta(hours=4),
            )
            return
        state = rules.RETURNED if script == "returned_unreached" else rules.COLLECTED
        closed = arrived + timedelta(days=STORAGE_DAYS if state == rules.RETURNED else 5)
        _report(order, partner, state, min(closed, now - timedelta(hours=1)))
        return
    _call(order, operator, "answered", worked)
    at = worked + timedelta(minutes=3)
    if script in ("will_collect", "collected_after_call"):
        _outcome(order, operator, rules.WILL_COLLECT, at, collect_on=at.date() + timedelta(days=1))
        if script == "collected_after_call":
            _report(order, partner, rules.COLLECTED, at + timedelta(days=1, hours=3))
    elif script == "extend_storage":
        _outcome(order, operator, rules.EXTEND_STORAGE, at, comment="Уехал в командировку")
    elif script == "wrong_point":
        _outcome(order, operator, rules.WRONG_POINT, at, pickup_point=POINTS[(i + 1) % 4])
    elif script == "refuses":
        _outcome(order, operator, rules.REFUSES, at, reason=("changed_mind", "no_money")[i % 2])


def _report(order, partner, state, at, *, point="", until=None, tracking=""):
    shipment_report(
        order_id=order.pk,
        actor=partner,
        report=rules.Report(
            state=state, at=at, pickup_point=point, storage_until=until, tracking=tracking
        ),
        now=at,
    )


def _call(order, operator, result, at):
    call_attempt_record(order_id=order.pk, actor=operator, result=result, duration_s=60, now=at)


def _outcome(order, operator, code, at, **given):
    pickup_outcome_save(
        order_id=order.pk,
        actor=operator,
        code=code,
        comment=given.pop("comment", "Поговорили о посылке"),
        now=at,
        **given,
    )
