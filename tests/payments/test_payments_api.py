"""The payments API (API.md round 2): codes, shapes and who may (X-2, X-13). The rules
themselves are proven once, in test_payment_rules and test_payment_report."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dozvon.payments.models import Payment
from tests.api.support import errors_of, real_now
from tests.factories import MembershipFactory, UserFactory
from tests.payments.support import dun_order, scoped_api


@pytest.fixture
def order(dun):
    return dun_order(dun, created_at=real_now() - timedelta(days=10), external_id="EXT-PAID-1")


def _body(**overrides):
    body = {
        "amount": "1234.50",
        "paid_at": (real_now() - timedelta(hours=1)).isoformat(),
        "reference": "BANK-77",
    }
    body.update(overrides)
    return body


def test_a_supervisor_reports_a_payment_201_then_the_same_again_200(dun, order, api_for):
    api = api_for(dun.supervisor)
    body = _body()

    first = api.post(f"/orders/{order.pk}/payments", body)
    again = api.post(f"/orders/{order.pk}/payments", body)

    assert first.status_code == 201, first.data
    assert again.status_code == 200
    assert again.data["id"] == first.data["id"]
    data = first.data
    assert data["order"] == order.pk
    assert data["external_id"] == "EXT-PAID-1"
    assert (data["amount"], data["currency"], data["reference"]) == ("1234.50", "RUB", "BANK-77")
    assert data["attributed_to"] is None
    assert data["paid_at"].endswith("+03:00")  # the project's time zone
    assert set(data) >= {"id", "created_at", "attributed_at"}


def test_the_same_reference_with_another_amount_is_409_with_the_payment_x_10(dun, order, api_for):
    api = api_for(dun.supervisor)
    first = api.post(f"/orders/{order.pk}/payments", _body())

    response = api.post(f"/orders/{order.pk}/payments", _body(amount="99.00"))

    assert response.status_code == 409
    assert response.data["id"] == first.data["id"]
    assert response.data["detail"]


def test_a_token_with_the_payments_scope_reports_and_reads_payments_x_13(dun, order):
    api = scoped_api(dun.partner, dun.project, ["payments"])

    response = api.post(f"/orders/{order.pk}/payments", _body())
    listed = api.get(f"/orders/{order.pk}/payments")

    assert response.status_code == 201
    assert listed.status_code == 200
    assert [p["reference"] for p in listed.data] == ["BANK-77"]


def test_a_token_without_the_payments_scope_is_refused_x_13(dun, order, api_for):
    # the partner's default token: intake only
    response = api_for(dun.partner).post(f"/orders/{order.pk}/payments", _body())

    assert response.status_code == 403
    assert Payment.objects.count() == 0


def test_a_payments_token_of_another_project_finds_no_order_x_1(dun, cod, order):
    api = scoped_api(cod.partner, cod.project, ["payments"])

    assert api.post(f"/orders/{order.pk}/payments", _body()).status_code == 404
    assert api.get(f"/orders/{order.pk}/payments").status_code == 404


def test_an_operator_may_read_but_not_report_payments_x_2(dun, order, api_for):
    api = api_for(dun.operator)

    assert api.post(f"/orders/{order.pk}/payments", _body()).status_code == 403
    assert api.get(f"/orders/{order.pk}/payments").status_code == 200
    assert Payment.objects.count() == 0


def test_another_projects_operator_and_supervisor_get_404_x_1(dun, cod, order, api_for):
    for person in (cod.operator, cod.supervisor):
        api = api_for(person)
        assert api.post(f"/orders/{order.pk}/payments", _body()).status_code == 404
        assert api.get(f"/orders/{order.pk}/payments").status_code == 404


def test_bad_input_is_422_naming_the_rule_and_field(dun, order, api_for):
    api = api_for(dun.supervisor)

    negative = api.post(f"/orders/{order.pk}/payments", _body(amount="-5"))
    garbage = api.post(f"/orders/{order.pk}/payments", _body(amount="abc"))
    future = api.post(
        f"/orders/{order.pk}/payments",
        _body(paid_at=(real_now() + timedelta(days=1)).isoformat()),
    )
    dollars = api.post(f"/orders/{order.pk}/payments", _body(currency="USD"))
    no_reference = api.post(f"/orders/{order.pk}/payments", _body(reference=""))

    assert errors_of(negative) == {("X-5", "amount")}
    assert errors_of(garbage) == {("input", "amount")}
    assert errors_of(future) == {("X-10", "paid_at")}
    assert errors_of(dollars) == {("X-5", "currency")}
    assert errors_of(no_reference) == {("X-10", "reference")}
    assert Payment.objects.count() == 0


def test_a_paid_at_without_an_offset_is_the_projects_time(dun, order, api_for):
    moment = (real_now() - timedelta(hours=2)).astimezone(dun.project_tz())
    naive = moment.replace(tzinfo=None).isoformat()

    response = api_for(dun.supervisor).post(f"/orders/{order.pk}/payments", _body(paid_at=naive))

    assert response.status_code == 201, response.data
    assert Payment.objects.get().paid_at == moment


# --- many at once -------------------------------------------------------------------------


def test_bulk_report_gives_a_result_for_each_item(dun, api_for):
    now = real_now()
    for n in (1, 2, 3):
        dun_order(dun, created_at=now - timedelta(days=10), external_id=f"B-{n}")
    api = api_for(dun.supervisor)
    paid_at = (now - timedelta(hours=1)).isoformat()
    api.post(
        "/projects/dun/payments",
        [{"external_id": "B-3", "amount": "10", "paid_at": paid_at, "reference": "R-3"}],
    )

    response = api.post(
        "/projects/dun/payments",
        [
            {"external_id": "B-1", "amount": "100.00", "paid_at": paid_at, "reference": "R-1"},
            {"external_id": "NOPE", "amount": "100.00", "paid_at": paid_at, "reference": "R-9"},
            {"external_id": "B-2", "amount": "-1", "paid_at": paid_at, "reference": "R-2"},
            {"external_id": "B-2", "amount": "5", "paid_at": paid_at},
            {"external_id": "B-3", "amount": "10", "paid_at": paid_at, "reference": "R-3"},
            {"external_id": "B-2", "amount": "11", "paid_at": paid_at, "reference": "R-3"},
        ],
    )

    assert response.status_code == 200, response.data
    items = response.data["items"]
    assert [(i["external_id"], i["result"]) for i in items] == [
        ("B-1", "created"),
        ("NOPE", "refused"),
        ("B-2", "refused"),
        ("B-2", "refused"),
        ("B-3", "existing"),
        ("B-2", "refused"),
    ]
    assert items[0]["payment"]["amount"] == "100.00"
    assert [(e["rule"], e["field"]) for e in items[1]["errors"]] == [("X-10", "external_id")]
    assert [(e["rule"], e["field"]) for e in items[2]["errors"]] == [("X-5", "amount")]
    assert [(e["rule"], e["field"]) for e in items[3]["errors"]] == [("input", "reference")]
    assert [(e["rule"], e["field"]) for e in items[5]["errors"]] == [("X-10", "reference")]
    assert Payment.objects.count() == 2


def test_bulk_report_is_refused_to_an_operator_and_to_another_project(dun, cod, api_for):
    body = [
        {"external_id": "X", "amount": "1", "paid_at": real_now().isoformat(), "reference": "R"}
    ]

    assert api_for(dun.operator).post("/projects/dun/payments", body).status_code == 403
    assert api_for(cod.supervisor).post("/projects/dun/payments", body).status_code == 404


def test_bulk_report_takes_from_1_to_500_items(dun, api_for):
    api = api_for(dun.supervisor)
    item = {"external_id": "X", "amount": "1", "paid_at": real_now().isoformat(), "reference": "R"}

    assert errors_of(api.post("/projects/dun/payments", [])) == {("input", "body")}
    assert errors_of(api.post("/projects/dun/payments", [item] * 501)) == {("input", "body")}


def test_the_openapi_document_describes_the_payment_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()

    single = schema["paths"]["/api/v1/orders/{order_id}/payments"]
    bulk = schema["paths"]["/api/v1/projects/{slug}/payments"]
    assert {"200", "201", "403", "404", "409", "422"} <= set(single["post"]["responses"])
    assert {"200", "403", "404"} <= set(single["get"]["responses"])
    assert {"200", "403", "404", "422"} <= set(bulk["post"]["responses"])
    assert single["post"]["summary"] and single["post"]["description"]


def test_a_second_supervisor_of_the_project_may_report_too(dun, order, api_for):
    boss = UserFactory(username="dun-boss2")
    MembershipFactory(user=boss, project=dun.project, role="supervisor")

    assert api_for(boss).post(f"/orders/{order.pk}/payments", _body()).status_code == 201


def test_bulk_with_an_unencodable_external_id_is_422_not_a_500(dun, api_for):
    paid_at = real_now().isoformat()
    item = '"amount": "1", "paid_at": "' + paid_at + '", "reference": "R"'
    raw = '[{"external_id": "\\ud800", ' + item + "}]"

    response = api_for(dun.supervisor).post("/projects/dun/payments", raw=raw)

    # a lone surrogate is malformed input for every endpoint (api/common's parser)
    assert response.status_code == 422, response.data
    assert errors_of(response) == {("input", "[0].external_id")}
    assert not Payment.objects.exists()
