"""Scenes of the DUN tests (issue 14): the `dun` project of tests/conftest.py (Moscow
time) with emails, orders in the worklist, and a day's calls from both caller lines.
Time is whatever `now` the tests pass to the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dozvon.automation.services import triggers_run
from dozvon.customers.services import CustomerInput
from dozvon.history.models import TimelineEntry
from dozvon.messaging.demo import seed_demo_templates
from dozvon.orders import services as svc
from dozvon.orders.models import Order
from dozvon.orders.services.calling import call_attempt_record

MSK = ZoneInfo("Europe/Moscow")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A moment of 2026 in Moscow time."""
    return datetime(2026, month, day, hour, minute, tzinfo=MSK)


def with_emails(world):
    """The project's demo mail settings and templates (bank details, bonus offers)."""
    seed_demo_templates(world.project, sender_name="Аптека")
    return world


def pending(world, created_at: datetime, *, n: int = 0, email: str = "payer@example.com"):
    order, _ = svc.order_intake(
        project=world.project,
        actor=world.partner,
        external_id=f"DUN-{n:04d}",
        customer=CustomerInput(
            name=f"Петров Пётр {n}", phone=f"+7916{3000000 + n:07d}", email=email
        ),
        items=[svc.ItemInput(world.products[0].sku, 4)],
        payment_method="bank_transfer",
        created_at=created_at,
        now=created_at,
    )
    return order


def in_worklist(world, *, entered: datetime, n: int = 0, **kw) -> Order:
    """An order created 7 days before `entered` that the DUN-1 trigger put into the worklist."""
    order = pending(world, entered - timedelta(days=7), n=n, **kw)
    triggers_run(project=world.project, now=entered)
    order = fresh(order)
    assert order.bucket == "worklist"
    return order


def call(world, order, when: datetime, line: str, result: str = "no_answer", actor=None):
    return call_attempt_record(
        order_id=order.pk,
        actor=actor or world.operator,
        result=result,
        line=line,
        started_at=when,
        now=when,
    )


def two_calls(world, order, first: datetime, *, gap=timedelta(hours=2, minutes=10)):
    """DUN-7: a failed call from Skype, another from Magna `gap` later; the moment after."""
    call(world, order, first, "skype")
    call(world, order, first + gap, "magna", result="busy")
    return first + gap + timedelta(minutes=2)


def comment(world, order, when: datetime, text="Не берёт трубку, звонил со скайпа и магны"):
    return svc.order_add_comment(order_id=order.pk, actor=world.operator, text=text, now=when)


def fresh(order: Order) -> Order:
    return Order.objects.get(pk=order.pk)


def timeline(order: Order, kind: str | None = None) -> list[TimelineEntry]:
    lines = TimelineEntry.objects.filter(order_id=order.pk).order_by("id")
    return list(lines.filter(kind=kind) if kind else lines)


def pairs(violations) -> set[tuple[str, str]]:
    return {(v.rule, v.field) for v in violations}
