"""STYLE 11 (Zulip's queries_captured): the SQL statements of the hot requests are held,
so a change that adds one fails here, loudly, instead of in a benchmark weeks later.
Counts are per database: PostgreSQL takes in one statement under a per-operator lock
(COD-9), sent on psycopg's own cursor and counted by tests/statements.py; SQLite in a
compare-and-set loop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from dozvon.customers.services import CustomerInput
from dozvon.orders import services as svc
from dozvon.orders.services.calling import call_attempt_record
from dozvon.queues.services import queue_take_next
from tests.statements import CaptureStatements

PG = connection.vendor == "postgresql"


def _count(fn) -> int:
    with CaptureStatements() as sent:
        fn()
    return len(sent)


def test_intake_statements(cod, now):
    cod.intake(phone="+79160000001", created_at=now - timedelta(hours=1))  # warm caches

    def intake():
        svc.order_intake(
            project=cod.project,
            actor=cod.partner,
            external_id="Q-1",
            customer=CustomerInput(name="Петров Пётр Петрович", phone="+79160000002"),
            items=[svc.ItemInput(cod.products[0].sku, 2)],
            now=now,
        )

    assert _count(intake) == EXPECTED["intake"]


def test_take_next_statements(cod, now):
    cod.intake(phone="+79160000001", created_at=now - timedelta(hours=1))
    taken = _count(
        lambda: queue_take_next(project=cod.project, queue_code="new", actor=cod.operator, now=now)
    )
    assert taken == EXPECTED["take"]


def test_outcome_statements(cod, now):
    order = cod.intake(phone="+79160000001", created_at=now - timedelta(hours=1))
    call_attempt_record(order_id=order.pk, actor=cod.operator, result="answered", now=now)
    saved = _count(
        lambda: svc.order_apply_outcome(
            order_id=order.pk, actor=cod.operator, code="confirm", comment="ок", now=now
        )
    )
    assert saved == EXPECTED["outcome"]


def test_order_card_statements(cod, now, client):
    order = cod.intake(phone="+79160000001", created_at=now - timedelta(hours=1))
    client.force_login(cod.operator)
    client.get(f"/orders/{order.pk}/")  # warm the session and the playbook cache
    with CaptureStatements() as sent:
        response = client.get(f"/orders/{order.pk}/")
    assert response.status_code == 200
    assert len(sent) == EXPECTED["card"], "\n".join(q[:120] for q in sent.statements)


# The card's queue bar counts from the tab tally on PostgreSQL, one COUNT per tab on SQLite.
# Intake and outcome each write one changes-feed row (API.md round 2): one INSERT apiece.
# The card reads the project's delivery methods (SHOP-7, a list on the card): one SELECT.
# intake and outcome: +1 each for the changes feed row, +1 for the project's webhook
# endpoints read when a change is written (issue 13)
EXPECTED = (
    {"intake": 14, "take": 5, "outcome": 11, "card": 12}
    if PG
    else {"intake": 14, "take": 7, "outcome": 11, "card": 18}
)
pytestmark = pytest.mark.django_db
