"""`POST /api/v1/orders/{id}/reopen` (API.md round 3, X-7): a supervisor opens a closed
order again with a reason; it is back in its playbook's first status, free of its former
responsible operator, and handed out again from New (COD-7). An operator → 403, another
project's order → 404, no reason or an open order → 422 naming X-7."""

from __future__ import annotations

from tests.api.support import assert_refused, call, intake, outcome, snapshot


def _rejected(cod, api_for) -> int:
    """An order an operator called, took responsibility for and rejected (COD-18)."""
    order_id = intake(api_for(cod.partner), cod)["id"]
    api = api_for(cod.operator)
    call(api, order_id, "answered")
    response = outcome(
        api, order_id, "reject", problem="changed_mind", comment="23.11 передумал, дорого"
    )
    assert response.status_code == 200, response.data
    assert response.data["responsible"] is not None
    return order_id


def test_reopened_order_goes_back_to_new_and_is_handed_out_cod_7(cod, api_for):
    # given an order the operator rejected (it names them as responsible)
    order_id = _rejected(cod, api_for)
    supervisor = api_for(cod.supervisor)
    # when the supervisor reopens it with a reason
    response = supervisor.post(f"/orders/{order_id}/reopen", {"reason": "Клиент передумал"})
    # then it is back in the first status, in the New tab, with nobody responsible
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["queue"]) == ("new", "new")
    assert response.data["responsible"] is None
    assert response.data["last_comment"] == "Клиент передумал"
    # and New counts it and an operator's take next hands it out (COD-7, COD-9)
    counts = {q["code"]: q["count"] for q in supervisor.get("/projects/cod/queues").data}
    assert counts["new"] == 1
    taken = api_for(cod.operator).post("/projects/cod/queues/new/next")
    assert taken.status_code == 200, taken.data
    assert taken.data["id"] == order_id
    # and the timeline keeps the reason and the status line back to New
    kinds = [
        (e["kind"], e["text"])
        for e in api_for(cod.operator).get(f"/orders/{order_id}/timeline").data
    ]
    assert ("comment", "Клиент передумал") in kinds


def test_an_operator_may_not_reopen_an_order_x_7(cod, api_for):
    # given a rejected order
    order_id = _rejected(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order_id)
    # when its operator tries to reopen it
    response = api.post(f"/orders/{order_id}/reopen", {"reason": "Хочу ещё раз"})
    # then 403, and nothing changed
    assert response.status_code == 403, response.data
    assert snapshot(api, order_id) == before


def test_another_projects_supervisor_gets_404_x_1(cod, shop, api_for):
    # given a rejected order of the COD project
    order_id = _rejected(cod, api_for)
    before = snapshot(api_for(cod.operator), order_id)
    # when the SHOP project's supervisor tries to reopen it
    response = api_for(shop.supervisor).post(f"/orders/{order_id}/reopen", {"reason": "Чужой"})
    # then the order does not exist for them, and nothing changed
    assert response.status_code == 404, response.data
    assert snapshot(api_for(cod.operator), order_id) == before


def test_reopen_without_a_reason_or_of_an_open_order_is_422_x_7(cod, api_for):
    # given a rejected order and an order still open
    closed_id = _rejected(cod, api_for)
    open_id = intake(api_for(cod.partner), cod)["id"]
    supervisor = api_for(cod.supervisor)
    # when the supervisor reopens the closed one without a reason, or the open one
    no_reason = supervisor.post(f"/orders/{closed_id}/reopen", {"reason": "  "})
    still_open = supervisor.post(f"/orders/{open_id}/reopen", {"reason": "Зачем-то"})
    # then both are refused naming X-7 and the field, and the closed one stays closed
    assert_refused(no_reason, "X-7", "reason")
    assert_refused(still_open, "X-7", "status")
    assert supervisor.get(f"/orders/{closed_id}").data["status"] == "rejected"
