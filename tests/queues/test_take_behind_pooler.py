"""Issue 18: dozvon behind pgbouncer in transaction pooling (.ci/pgbouncer runs this file
through one). There a server connection serves whichever client's transaction comes next,
so a statement one client prepared is missing, or already taken by name, on another's:
with `DATABASE_POOLING=transaction` dozvon prepares none, which the normal suite checks
on a direct connection too; without it take next prepares its statement once per
connection."""

import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import override_settings

from dozvon.queues.services import queue_take_next
from tests.conftest import NOW
from tests.factories import MembershipFactory, ProductFactory, ProjectFactory, UserFactory
from tests.queues.test_take_next_concurrency import _backlog

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="poolers sit in front of PostgreSQL"
)


POOLED = settings.DATABASE_POOLING == "transaction"


def test_takes_of_clients_taking_turns_on_shared_server_connections(transactional_db):
    from dozvon.playbooks.models import Playbook

    project = ProjectFactory(slug="pooled", playbook=Playbook.objects.get(code="cod"))
    _backlog(project, ProductFactory(project=project), 12)
    operators = [UserFactory(username=f"pooled-op{i}") for i in range(4)]
    for user in operators:
        MembershipFactory(user=user, project=project)
    taken: list[int] = []
    errors: list[BaseException] = []
    prepared: list[int] = []

    def take_twice(user):
        # one client (a thread's own connection) after another, each taking twice: behind
        # the pooler they share the few server connections the pool has opened
        try:
            for _ in range(2):
                order = queue_take_next(project=project, queue_code="new", actor=user, now=NOW)
                taken.append(order.pk)
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM pg_prepared_statements")
                    prepared.append(cursor.fetchone()[0])
        except BaseException as exc:  # noqa: BLE001 — reported below with the thread's
            errors.append(exc)
        finally:
            connections.close_all()

    for user in operators:  # taking turns, not at once: each hands its server back
        thread = threading.Thread(target=take_twice, args=(user,))
        thread.start()
        thread.join()
    assert errors == []
    # behind the pooler nothing prepared; directly, the take, once per connection
    assert set(prepared) == ({0} if POOLED else {1})
    # each operator is handed one order and, asking again, the one it holds (COD-9)
    assert taken[::2] == taken[1::2]
    assert len(set(taken)) == 4


@override_settings(DATABASE_POOLING="transaction")
def test_nothing_is_prepared_when_the_deployment_pools_transactions(transactional_db):
    from dozvon.playbooks.models import Playbook

    project = ProjectFactory(slug="pooled-off", playbook=Playbook.objects.get(code="cod"))
    _backlog(project, ProductFactory(project=project), 2)
    user = UserFactory(username="pooled-off-op")
    MembershipFactory(user=user, project=project)
    connections.close_all()  # a fresh connection: no statement prepared by an earlier test
    order = queue_take_next(project=project, queue_code="new", actor=user, now=NOW)
    assert order is not None and order.claimed_by_id == user.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 0


def test_a_failing_take_leaves_the_connection_usable_and_raises_djangos_error(
    transactional_db, monkeypatch
):
    from django.db import ProgrammingError

    from dozvon.playbooks.models import Playbook
    from dozvon.queues import services

    project = ProjectFactory(slug="take-fails", playbook=Playbook.objects.get(code="cod"))
    _backlog(project, ProductFactory(project=project), 2)
    user = UserFactory(username="take-fails-op")
    MembershipFactory(user=user, project=project)
    # the pipelined statement fails on the server: the lock taken before it is rolled back
    # with it, and the error is Django's, as any other statement's
    monkeypatch.setattr(services, "take_statement", lambda **_: ("SELECT no_such_column", []))
    with pytest.raises(ProgrammingError):
        queue_take_next(project=project, queue_code="new", actor=user, now=NOW)
    monkeypatch.undo()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        assert cursor.fetchone()[0] == 0
    order = queue_take_next(project=project, queue_code="new", actor=user, now=NOW)
    assert order is not None and order.claimed_by_id == user.pk


@pytest.mark.skipif(POOLED, reason="nothing is prepared behind a transaction pooler")
def test_a_take_prepares_its_statement_again_when_the_server_forgot_it(transactional_db):
    from dozvon.playbooks.models import Playbook

    project = ProjectFactory(slug="forgotten", playbook=Playbook.objects.get(code="cod"))
    _backlog(project, ProductFactory(project=project), 3)
    users = [UserFactory(username=f"forgotten-op{i}") for i in range(2)]
    for user in users:
        MembershipFactory(user=user, project=project)
    first = queue_take_next(project=project, queue_code="new", actor=users[0], now=NOW)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what a session pooler's DISCARD ALL does
    second = queue_take_next(project=project, queue_code="new", actor=users[1], now=NOW)
    assert first.pk != second.pk and second.claimed_by_id == users[1].pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 1
