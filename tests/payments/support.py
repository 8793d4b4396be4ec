"""Helpers for the payments tests: DUN orders that entered the worklist, the work the
operators did on them (calls from two lines, a postponement), scoped API clients, and a
payment row for scenes built elsewhere (tests/admin's projects)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from django.test import Client

from dozvon.accounts.services import token_create
from dozvon.automation.services import triggers_run
from dozvon.customers.services import CustomerInput
from dozvon.orders import services as svc
from dozvon.orders.models import Order
from dozvon.orders.services.calling import call_attempt_record
from dozvon.payments.models import Payment
from tests.conftest import NOW, Api

_seq = itertools.count(1)


def dun_order(world, *, created_at: datetime, external_id: str | None = None) -> Order:
    """A bank-transfer order of a DUN project, created at `created_at` (not yet in the
    worklist: DUN-1's trigger puts it there after 7 days)."""
    n = next(_seq)
    order, _ = svc.order_intake(
        project=world.project,
        actor=world.partner,
        external_id=external_id or f"PAY-{n}",
        customer=CustomerInput(
            name=f"Платёжкин Пётр{n} Петрович",
            phone=f"+7916{3000000 + n:07d}",
            email=f"payer{n}@example.com",
        ),
        items=[svc.ItemInput(world.products[0].sku)],
        payment_method="bank_transfer",
        created_at=created_at,
        now=created_at,
    )
    return order


def into_worklist(world, *, now: datetime) -> None:
    """DUN-1: run the playbook's triggers (the worker does this every few minutes)."""
    triggers_run(project=world.project, now=now)


def call(order, operator, at: datetime, *, line: str = "skype", result: str = "no_answer"):
    return call_attempt_record(
        order_id=order.pk,
        actor=operator,
        result=result,
        line=line,
        started_at=at,
        now=at + timedelta(minutes=1),
    )


def calls_then_postpone(order, operator, at: datetime) -> Order:
    """DUN-7 then DUN-5: two calls 2 h 10 min apart from both lines, then a postponement
    ("promised to pay", 3 days) saved at `at`."""
    call(order, operator, at - timedelta(minutes=140), line="skype")
    call(order, operator, at - timedelta(minutes=5), line="magna")
    return svc.order_apply_outcome(
        order_id=order.pk,
        actor=operator,
        code="postpone",
        comment="Обещал оплатить в ближайшие дни",
        inputs={"reason": "promised", "days": 3},
        now=at,
    )


def scoped_api(user, project, scopes) -> Api:
    """An API client whose token carries only these scopes in this project (X-13)."""
    api = Api.__new__(Api)
    api.user = user
    api.token = token_create(user=user, scopes={project: list(scopes)}, now=NOW)
    api.client = Client(HTTP_AUTHORIZATION=f"Bearer {api.token}", HTTP_ACCEPT_LANGUAGE="en")
    return api


def payment_scene(project, order, *, now: datetime) -> Payment:
    """One payment row of `order` whose strings carry the project's name (for scenes that
    check who sees what; real payments come through payments.services.payment_report,
    which refuses projects whose playbook has no paid status)."""
    return Payment.objects.create(
        project=project,
        order=order,
        amount=Decimal("100.00"),
        currency=project.currency,
        paid_at=now,
        reference=f"{project.slug}-ref-1",
        created_at=now,
    )
