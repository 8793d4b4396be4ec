"""A supervisor's week of COD work, built through the real services: operators with full
names, orders received over several days, calls and results (confirmations with upsells
and gifts, refusals, call-backs, failed calls, invalid orders), queue snapshots."""

from __future__ import annotations

import contextlib
import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from dozvon.core.errors import DomainError
from dozvon.orders.services import order_add_item, order_apply_outcome
from dozvon.orders.services.calling import call_attempt_record
from dozvon.queues.services import queue_snapshot_record
from tests.factories import MembershipFactory, UserFactory

NAMES = [
    ("Анна", "Смирнова"),
    ("Борис", "Петров"),
    ("Вера", "Кузнецова"),
    ("Григорий", "Соколов"),
]


def operators(world, n: int = 3) -> list:
    people = [world.operator]
    world.operator.first_name, world.operator.last_name = NAMES[0]
    world.operator.save(update_fields=["first_name", "last_name"])
    for first, last in NAMES[1:n]:
        user = UserFactory(
            username=f"{world.project.slug}-{last.lower()}", first_name=first, last_name=last
        )
        MembershipFactory(user=user, project=world.project, role="operator")
        people.append(user)
    return people


def work_one(world, operator, order, t: datetime, kind: str, rnd: random.Random) -> None:
    """One order's conversation at `t` ending in `kind`."""
    p = world.products
    if kind == "no_answer":
        call_attempt_record(
            order_id=order.pk, actor=operator, result="no_answer", started_at=t, now=t
        )
        order_apply_outcome(
            order_id=order.pk,
            actor=operator,
            code="no_answer",
            problem="no_answer",
            comment=f"{t:%d.%m} не берёт трубку",
            now=t + timedelta(seconds=30),
        )
        return
    talk = rnd.randint(40, 420)
    call_attempt_record(
        order_id=order.pk,
        actor=operator,
        result="answered",
        started_at=t,
        duration_s=talk,
        now=t + timedelta(seconds=talk),
    )
    done = t + timedelta(seconds=talk + 20)
    if kind == "confirm":
        if rnd.random() < 0.5:
            order_add_item(order_id=order.pk, actor=operator, sku=p[2].sku, quantity=1, now=done)
        if rnd.random() < 0.4:
            order_add_item(
                order_id=order.pk,
                actor=operator,
                sku=p[1].sku,
                quantity=1,
                discount_percent=Decimal(100),
                now=done,
            )
        order_apply_outcome(order_id=order.pk, actor=operator, code="confirm", now=done)
    elif kind == "reject":
        order_apply_outcome(
            order_id=order.pk,
            actor=operator,
            code="reject",
            problem=rnd.choice(["changed_mind", "too_expensive", "other"]),
            comment=f"{done:%d.%m} отказ",
            now=done,
        )
    elif kind == "callback":
        order_apply_outcome(
            order_id=order.pk,
            actor=operator,
            code="callback",
            problem="need_callback",
            comment=f"{done:%d.%m} перезвонить",
            callback_at=done + timedelta(hours=3),
            now=done,
        )
    elif kind == "invalid":
        order_apply_outcome(
            order_id=order.pk,
            actor=operator,
            code="invalid",
            problem="spam",
            comment=f"{done:%d.%m} спам",
            now=done,
        )


KINDS = ["confirm"] * 4 + ["reject"] * 2 + ["callback", "no_answer", "no_answer", "invalid"]


def week(world, *, now: datetime, days: int = 7, per_day: int = 9, seed: int = 7) -> list:
    """`days` days of work up to `now` (today only before `now`); returns the operators."""
    rnd = random.Random(seed)
    people = operators(world)
    zone = ZoneInfo(world.project.time_zone)
    today = now.astimezone(zone).date()
    serial = 0
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        start = datetime.combine(day, time(9, 0), tzinfo=zone)
        for i in range(per_day):
            t = start + timedelta(minutes=55 * i + rnd.randint(0, 20))
            if t > now - timedelta(minutes=20):
                break
            serial += 1
            order = world.intake(
                phone=f"+7916{serial:07d}",
                name=f"Покупатель{serial} Тестовый",
                created_at=t - timedelta(minutes=rnd.randint(5, 50)),
            )
            operator = people[serial % len(people)]
            with contextlib.suppress(DomainError):  # a refused step changes nothing
                work_one(world, operator, order, t, rnd.choice(KINDS), rnd)
        if back == 0:  # today's queue sizes every half hour up to now
            moment = datetime.combine(day, time(0, 0), tzinfo=zone)
            while moment <= now:
                queue_snapshot_record(project=world.project, now=moment)
                moment += timedelta(minutes=30)
    return people
