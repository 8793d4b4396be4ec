"""COD-9 under load on PostgreSQL: 32 operators, 2,000 due orders, each handed out once."""

import threading
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections

from dozvon.customers.models import Customer
from dozvon.orders.models import Order
from dozvon.orders.services import order_apply_outcome
from dozvon.playbooks.models import Playbook
from dozvon.queues.services import queue_take_next
from tests.conftest import NOW
from tests.factories import MembershipFactory, ProductFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SKIP LOCKED concurrency is PostgreSQL's"
)

WORKERS = 32
ORDERS = 2000


def _backlog(project, product, n):
    """Bulk-load a backlog of due New orders (load-test setup, not domain flow)."""
    customers = Customer.objects.bulk_create(
        Customer(project=project, first_name=f"Клиент {i}", phone=f"+7916{i:07d}") for i in range(n)
    )
    Order.objects.bulk_create(
        Order(
            project=project,
            customer=c,
            customer_name=c.first_name,
            phone=c.phone,
            status="new",
            status_group="new",
            bucket="new",
            main_product=product,
            goods_total=Decimal("1000"),
            total=Decimal("1000"),
            due_at=NOW - timedelta(hours=1) + timedelta(seconds=i),
            created_at=NOW - timedelta(hours=1) + timedelta(seconds=i),
            updated_at=NOW,
        )
        for i, c in enumerate(customers)
    )


@pytest.fixture
def loaded(transactional_db):
    project = ProjectFactory(slug="load", playbook=Playbook.objects.get(code="cod"))
    product = ProductFactory(project=project)
    operators = []
    for i in range(WORKERS):
        user = UserFactory(username=f"load-op{i}")
        MembershipFactory(user=user, project=project)
        operators.append(user)
    _backlog(project, product, ORDERS)
    return project, operators


def test_32_operators_get_every_order_exactly_once_and_expired_claims_come_back(loaded):
    project, operators = loaded
    handed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(user):
        try:
            while True:
                order = queue_take_next(project=project, queue_code="new", actor=user, now=NOW)
                if order is None:
                    return
                with lock:
                    handed.append(order.pk)
                order_apply_outcome(
                    order_id=order.pk,
                    actor=user,
                    code="invalid",
                    problem="spam",
                    comment="нагрузочный тест",
                    now=NOW,
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(u,)) for u in operators]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=600)
    assert not errors, errors[:3]
    # every order handed out exactly once, none lost
    assert len(handed) == ORDERS
    assert max(Counter(handed).values()) == 1
    assert not Order.objects.filter(project=project, bucket="new").exists()


def test_claims_left_idle_come_back_to_other_operators(loaded):
    project, operators = loaded
    Order.objects.filter(project=project).exclude(
        pk__in=Order.objects.filter(project=project).order_by("id")[:5].values("id")
    ).update(bucket="")
    idle = [
        queue_take_next(project=project, queue_code="new", actor=operators[i], now=NOW).pk
        for i in range(5)
    ]
    assert (
        queue_take_next(
            project=project, queue_code="new", actor=operators[5], now=NOW + timedelta(minutes=5)
        )
        is None
    )
    later = NOW + timedelta(minutes=11)
    back = [
        queue_take_next(project=project, queue_code="new", actor=operators[6 + i], now=later).pk
        for i in range(5)
    ]
    assert sorted(back) == sorted(idle)
