"""PICK's API (API.md round 3): `POST /orders/{id}/shipment` by scope and role (X-13),
idempotent by (state, at), 422 naming rule and field, 404 outside the caller's projects;
the parcel read back; the results about a parcel through the contract's outcome path, with
the day and the point the plug-in declares."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from dozvon.pickup.models import ShipmentReport
from tests.conftest import NOW, _world

ARRIVED = {
    "state": "arrived",
    "at": (NOW - timedelta(days=3)).isoformat(),
    "pickup_point": "ПВЗ «СДЭК», пр. Мира, 45",
    "storage_until": (NOW + timedelta(days=4)).date().isoformat(),
    "tracking": "RP123RU",
}


@pytest.fixture(autouse=True)
def _at_now():
    """The server's clock at the tests' NOW (the API reads `clock.now()`)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def order(pick):
    return pick.order()


@pytest.mark.parametrize(
    ("who", "scopes", "expected"),
    [
        ("partner", ["shipments"], 201),
        ("partner", ["intake"], 403),
        ("partner", ["read"], 403),
        ("partner", None, 403),  # a service account's default token: intake only
        ("supervisor", None, 201),
        ("operator", None, 403),
    ],
)
def test_shipment_reports_need_the_shipments_scope_or_a_supervisor(
    pick, order, api_for, who, scopes, expected
):
    user = getattr(pick, who)
    api = api_for(user, scopes={pick.project: scopes} if scopes else None)
    answer = api.post(f"/orders/{order.pk}/shipment", ARRIVED)
    assert answer.status_code == expected, answer.data
    assert ShipmentReport.objects.filter(order=order).exists() == (expected == 201)


def test_an_order_of_another_project_is_not_found(pick, order, api_for):
    other = _world("pick", "pick-elsewhere")
    api = api_for(other.partner, scopes={other.project: ["shipments"]})
    assert api.post(f"/orders/{order.pk}/shipment", ARRIVED).status_code == 404
    assert api.get(f"/orders/{order.pk}/shipment").status_code == 404
    assert not ShipmentReport.objects.filter(order=order).exists()


def test_the_same_state_and_at_again_is_200_with_the_same_report(pick, order, api_for):
    api = api_for(pick.partner, scopes={pick.project: ["shipments"]})
    first = api.post(f"/orders/{order.pk}/shipment", ARRIVED)
    again = api.post(f"/orders/{order.pk}/shipment", ARRIVED)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.data["report"] == again.data["report"]
    assert ShipmentReport.objects.filter(order=order).count() == 1
    # the same key with another storage end: 409, nothing recorded
    clash = api.post(
        f"/orders/{order.pk}/shipment",
        {**ARRIVED, "storage_until": (NOW + timedelta(days=9)).date().isoformat()},
    )
    assert clash.status_code == 409
    assert clash.data["report"]["state"] == "arrived"


def test_the_answer_says_where_the_parcel_and_the_order_are(pick, order, api_for):
    api = api_for(pick.partner, scopes={pick.project: ["shipments"]})
    answer = api.post(f"/orders/{order.pk}/shipment", ARRIVED)
    data = answer.data
    assert data["state"] == "arrived" and data["pickup_point"] == ARRIVED["pickup_point"]
    assert data["storage_until"] == ARRIVED["storage_until"]
    assert (data["status"], data["queue"]) == ("arrived", "pickup")
    read = api.get(f"/orders/{order.pk}/shipment")
    assert read.status_code == 200 and read.data["tracking"] == "RP123RU"


def test_bad_input_is_422_naming_rule_and_field(pick, order, api_for):
    api = api_for(pick.partner, scopes={pick.project: ["shipments"]}, lang="en")
    answer = api.post(f"/orders/{order.pk}/shipment", {"state": "arrived", "at": NOW.isoformat()})
    assert answer.status_code == 422
    assert {(e["rule"], e["field"]) for e in answer.data["errors"]} == {
        ("PICK-1", "pickup_point"),
        ("PICK-1", "storage_until"),
    }
    unknown = api.post(f"/orders/{order.pk}/shipment", {"state": "lost", "at": NOW.isoformat()})
    assert {(e["rule"], e["field"]) for e in unknown.data["errors"]} == {("PICK-1", "state")}
    extra = api.post(f"/orders/{order.pk}/shipment", {**ARRIVED, "weight": 3})
    assert extra.status_code == 422 and extra.data["errors"][0]["rule"] == "input"


def test_a_refusal_is_in_the_caller_s_language(pick, order, api_for):
    api = api_for(pick.partner, scopes={pick.project: ["shipments"]}, lang="ru")
    answer = api.post(f"/orders/{order.pk}/shipment", {"state": "arrived", "at": NOW.isoformat()})
    messages = {e["field"]: e["message"] for e in answer.data["errors"]}
    assert messages["pickup_point"] == "Для прибытия укажите пункт выдачи."


def test_pick5_after_collected_a_report_is_422(pick, order, api_for):
    api = api_for(pick.partner, scopes={pick.project: ["shipments"]})
    api.post(f"/orders/{order.pk}/shipment", ARRIVED)
    collected = {"state": "collected", "at": (NOW - timedelta(hours=1)).isoformat()}
    assert api.post(f"/orders/{order.pk}/shipment", collected).status_code == 201
    returned = {"state": "returned", "at": NOW.isoformat()}
    answer = api.post(f"/orders/{order.pk}/shipment", returned)
    assert answer.status_code == 422
    assert answer.data["errors"][0]["rule"] == "PICK-5"
    assert api.post(f"/orders/{order.pk}/shipment", collected).status_code == 200


def test_an_operator_saves_will_collect_with_its_day_and_the_parcel_leaves_the_queue(
    pick, order, api_for
):
    pick.arrive(order, NOW - timedelta(days=3), until=(NOW + timedelta(days=4)).date())
    api = api_for(pick.operator)
    assert api.post(f"/orders/{order.pk}/calls", {"result": "answered"}).status_code in (200, 201)
    late = (NOW + timedelta(days=6)).date().isoformat()
    refused = api.post(f"/orders/{order.pk}/outcome", {"code": "will_collect", "collect_on": late})
    assert refused.status_code == 422
    assert {(e["rule"], e["field"]) for e in refused.data["errors"]} == {("PICK-2", "collect_on")}
    missing = api.post(f"/orders/{order.pk}/outcome", {"code": "will_collect"})
    assert {(e["rule"], e["field"]) for e in missing.data["errors"]} == {("PICK-2", "collect_on")}
    not_a_day = api.post(
        f"/orders/{order.pk}/outcome", {"code": "will_collect", "collect_on": "завтра"}
    )
    assert not_a_day.status_code == 422 and not_a_day.data["errors"][0]["rule"] == "input"
    day = (NOW + timedelta(days=1)).date().isoformat()
    saved = api.post(f"/orders/{order.pk}/outcome", {"code": "will_collect", "collect_on": day})
    assert saved.status_code == 200, saved.data
    assert (saved.data["status"], saved.data["queue"]) == ("will_collect", None)
    parcel = api.get(f"/orders/{order.pk}/shipment").data
    assert parcel["collect_on"] == day


def test_wrong_point_names_the_point_in_the_outcome_body(pick, order, api_for):
    pick.arrive(order, NOW - timedelta(days=3))
    api = api_for(pick.operator)
    api.post(f"/orders/{order.pk}/calls", {"result": "answered"})
    same = api.post(
        f"/orders/{order.pk}/outcome", {"code": "wrong_point", "pickup_point": "ПВЗ на Ленина"}
    )
    assert same.status_code == 422
    assert {(e["rule"], e["field"]) for e in same.data["errors"]} == {("PICK-2", "pickup_point")}
    too_long = api.post(
        f"/orders/{order.pk}/outcome", {"code": "wrong_point", "pickup_point": "П" * 201}
    )
    assert too_long.status_code == 422 and too_long.data["errors"][0]["field"] == "pickup_point"
    saved = api.post(
        f"/orders/{order.pk}/outcome", {"code": "wrong_point", "pickup_point": "Почта 101000"}
    )
    assert saved.status_code == 200, saved.data
    assert saved.data["status"] == "redirect_requested"
    assert api.get(f"/orders/{order.pk}/shipment").data["requested_point"] == "Почта 101000"


def test_the_contract_outcome_path_saves_refuses_through_the_plug_in(pick, order, api_for):
    pick.arrive(order, NOW - timedelta(days=3))
    api = api_for(pick.operator)
    api.post(f"/orders/{order.pk}/calls", {"result": "answered"})
    answer = api.post(f"/orders/{order.pk}/outcome", {"code": "refuses", "reason": "too_long"})
    assert answer.status_code == 200, answer.data
    assert (answer.data["status"], answer.data["problem"]) == ("refused", "too_long")
    # a reason off the list is refused naming it
    other = pick.order(1)
    pick.arrive(other)
    api.post(f"/orders/{other.pk}/calls", {"result": "answered"})
    bad = api.post(f"/orders/{other.pk}/outcome", {"code": "refuses", "reason": "bored"})
    assert bad.status_code == 422
    assert ("PICK-2", "reason") in {(e["rule"], e["field"]) for e in bad.data["errors"]}


def test_the_partner_s_token_saves_no_result(pick, order, api_for):
    pick.arrive(order)
    api = api_for(pick.partner, scopes={pick.project: ["shipments"]})
    answer = api.post(f"/orders/{order.pk}/outcome", {"code": "extend_storage"})
    assert answer.status_code in (403, 404)
    assert api.get(f"/orders/{order.pk}/shipment").data["status"] == "arrived"


def test_the_day_is_no_input_of_another_playbook_s_results(cod, api_for):
    order = cod.intake()
    api = api_for(cod.operator)
    api.post(f"/orders/{order.pk}/calls", {"result": "answered"})
    day = (NOW + timedelta(days=1)).date().isoformat()
    answer = api.post(
        f"/orders/{order.pk}/outcome", {"code": "callback", "collect_on": day, "comment": "x"}
    )
    assert answer.status_code == 422
    assert {(e["rule"], e["field"]) for e in answer.data["errors"]} == {("input", "collect_on")}


def test_an_order_whose_playbook_has_no_parcels_has_no_shipment(cod, api_for):
    # given a COD order, read by its own project's partner
    order = cod.intake()
    api = api_for(cod.supervisor)
    # then it has no parcel to read: 404, as for any resource that does not exist
    assert api.get(f"/orders/{order.pk}/shipment").status_code == 404
    assert api.get(f"/orders/{order.pk}").status_code == 200
