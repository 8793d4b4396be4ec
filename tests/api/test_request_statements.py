"""Issue 18: the SQL statements of the hot HTTP requests, token check and response
included, are held here (the service-level counts are in tests/services/test_query_counts):
a change that adds a read to a request path fails loudly instead of in a benchmark."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.api.support import call, intake, intake_body
from tests.statements import CaptureStatements

PG = connection.vendor == "postgresql"
# whoami: the token (the framework floor of bench/). The order as answered after intake
# and outcome is the card's 6 statements (order with project and people, items, phones,
# other orders …); outcome: the service's 11 (it checks access as it locks: no read
# before it) + 6; intake: the service's 14 + token, project with membership (one read)
# and the answer; take: token, project with membership, the take (PostgreSQL: lock + one
# statement on psycopg's own cursor, counted by tests/statements.py; SQLite: a
# compare-and-set loop) and the card of the
# order the take returned, never read again: customer, phones, items, other orders.
EXPECTED = (
    {"whoami": 1, "intake": 18, "take": 10, "card": 6, "outcome": 17}
    if PG
    else {"whoami": 1, "intake": 18, "take": 11, "card": 6, "outcome": 17}
)
pytestmark = pytest.mark.django_db


def _statements(send, status: int) -> tuple[int, object]:
    with CaptureStatements() as sent:
        response = send()
    assert response.status_code == status, response.data
    return len(sent), response


def test_hot_requests_keep_their_statement_counts(cod, api_for):
    partner, operator = api_for(cod.partner), api_for(cod.operator)
    intake(partner, cod)  # warm the token, playbook and product caches
    operator.get("/whoami")
    counts = {}
    counts["whoami"], _ = _statements(lambda: operator.get("/whoami"), 200)
    counts["intake"], _ = _statements(
        lambda: partner.post(f"/projects/{cod.project.slug}/orders", intake_body(cod)), 201
    )
    counts["take"], taken = _statements(
        lambda: operator.post(f"/projects/{cod.project.slug}/queues/new/next"), 200
    )
    order_id = taken.data["id"]
    counts["card"], _ = _statements(lambda: operator.get(f"/orders/{order_id}"), 200)
    call(operator, order_id)
    counts["outcome"], _ = _statements(
        lambda: operator.post(f"/orders/{order_id}/outcome", {"code": "confirm"}), 200
    )
    assert taken.data["claimed_by"] == cod.operator.username
    assert counts == EXPECTED
