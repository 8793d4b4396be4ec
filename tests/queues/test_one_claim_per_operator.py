"""COD-9: an operator holds at most one order per project at a time, whatever the
concurrency: several "take next" fired at once by the same operator hand out one order."""

import threading

from django.db import connections

from dozvon.orders.models import Order
from dozvon.queues.services import queue_take_next
from tests.conftest import NOW
from tests.factories import MembershipFactory, ProductFactory, ProjectFactory, UserFactory
from tests.queues.test_take_next_concurrency import _backlog

TAKES = 8


def test_concurrent_takes_by_one_operator_claim_a_single_order(transactional_db):
    # given a backlog of due orders and one operator
    project = ProjectFactory(slug="one-claim")
    product = ProductFactory(project=project)
    operator = UserFactory(username="one-claim-op")
    MembershipFactory(user=operator, project=project)
    _backlog(project, product, 50)
    barrier = threading.Barrier(TAKES)
    taken: list[int | None] = []
    errors: list[BaseException] = []

    def take():
        try:
            barrier.wait(timeout=30)
            order = queue_take_next(project=project, queue_code="new", actor=operator, now=NOW)
            taken.append(order.pk if order else None)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    # when the operator fires eight takes at the same moment
    threads = [threading.Thread(target=take) for _ in range(TAKES)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)

    # then every take answered with the same order, and only that one is claimed by them
    assert not errors, errors[:3]
    assert len(taken) == TAKES and len(set(taken)) == 1 and taken[0] is not None
    assert list(Order.objects.filter(claimed_by=operator).values_list("id", flat=True)) == [
        taken[0]
    ]
