"""Issue 18: the SQL statements of the hot HTTP requests, token check and response
included, are held here (the service-level counts are in tests/services/test_query_counts):
a change that adds a read to a request path fails loudly instead of in a benchmark."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.support import call, intake, intake_body

PG = connection.vendor == "postgresql"
# whoami: the token (the framework floor of bench/). The order as answered after intake
# and outcome is the card's 6 statements (order with project and people, items, phones,
# other orders …); outcome: the service's 11 (it checks access as it locks: no read
# before it) + 6; intake: the service's 14 + token, project with membership (one read)
# and the answer; take: token, project with membership, the take (PostgreSQL: lock + one
# statement, sent in one round trip; SQLite: a compare-and-set loop) and the card of the
# order the take returned, never read again: customer, phones, items, other orders.
EXPECTED = (
    {"whoami": 1, "intake": 18, "take": 10, "card": 6, "outcome": 17}
    if PG
    else {"whoami": 1, "intake": 18, "take": 11, "card": 6, "outcome": 17}
)
pytestmark = pytest.mark.django_db


def _statements(send) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = send()
    assert response.status_code < 300, response.data
    return len(ctx.captured_queries), response


def test_hot_requests_keep_their_statement_counts(cod, api_for):
    partner, operator = api_for(cod.partner), api_for(cod.operator)
    intake(partner, cod)  # warm the token, playbook and product caches
    operator.get("/whoami")
    counts = {}
    counts["whoami"], _ = _statements(lambda: operator.get("/whoami"))
    counts["intake"], _ = _statements(
        lambda: partner.post(f"/projects/{cod.project.slug}/orders", intake_body(cod))
    )
    counts["take"], taken = _statements(
        lambda: operator.post(f"/projects/{cod.project.slug}/queues/new/next")
    )
    order_id = taken.data["id"]
    counts["card"], _ = _statements(lambda: operator.get(f"/orders/{order_id}"))
    call(operator, order_id)
    counts["outcome"], _ = _statements(
        lambda: operator.post(f"/orders/{order_id}/outcome", {"code": "confirm"})
    )
    assert counts == EXPECTED
