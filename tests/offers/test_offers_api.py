"""The NBO endpoints of API.md round 2: wiring (access, codes, shapes), one accepted and
one refused call each; the rules themselves are tested without HTTP."""

from __future__ import annotations

from dozvon.offers.models import Campaign, Eligibility, OfferResponse
from tests.offers.conftest import CORPORATE, NUMBER, record


def _errors(response):
    return [(e["rule"], e["field"]) for e in response.data["errors"]]


def test_campaigns_load_by_code_and_a_reload_changes_nothing_nbo_1(nbo, api_for):
    api = api_for(nbo.partner, scopes={nbo.project: ["offers"]})
    body = [
        {
            "code": "FAM",
            "name": "Семейный",
            "priority": 4,
            "starts_on": "2026-11-01",
            "excluded_tariffs": ["Детский"],
        }
    ]
    first = api.post("/projects/telecom/offers", body)
    assert first.status_code == 200 and first.data == {"created": 1, "updated": 0, "unchanged": 0}
    again = api.post("/projects/telecom/offers", body)
    assert again.data == {"created": 0, "updated": 0, "unchanged": 1}
    body[0]["name"] = "Семейный тариф"
    assert api.post("/projects/telecom/offers", body).data["updated"] == 1
    listed = api_for(nbo.operator).get("/projects/telecom/offers")
    assert [c["code"] for c in listed.data] == ["INBA", "ROAM", "TV", "FAM"]


def test_a_bad_campaign_row_refuses_the_whole_load_nbo_1(nbo, api_for):
    response = api_for(nbo.supervisor).post(
        "/projects/telecom/offers",
        [
            {"code": "OK1", "name": "a", "priority": 1, "starts_on": "2026-11-01"},
            {
                "code": "BAD",
                "name": "b",
                "priority": 1,
                "starts_on": "2026-11-02",
                "ends_on": "2026-11-01",
            },
        ],
    )
    assert response.status_code == 422 and _errors(response) == [("NBO-1", "[1].ends_on")]
    assert not Campaign.objects.filter(code="OK1").exists()


def test_eligibility_loads_idempotently_and_refuses_an_unknown_offer_nbo_1(nbo, api_for):
    api = api_for(nbo.partner, scopes={nbo.project: ["offers"]})
    body = [{"phone": "8 903 111-22-33", "offer": "INBA", "priority": 2, "tariff": "Базовый"}]
    assert api.post("/projects/telecom/eligibility", body).data["created"] == 1
    assert api.post("/projects/telecom/eligibility", body).data["unchanged"] == 1
    assert Eligibility.objects.filter(phone="+79031112233").count() == 1
    bad = api.post("/projects/telecom/eligibility", [{"phone": "+79031112233", "offer": "NOPE"}])
    assert bad.status_code == 422 and _errors(bad) == [("NBO-1", "[0].offer")]


def test_an_operator_may_not_load_offers(nbo, api_for):
    response = api_for(nbo.operator).post("/projects/telecom/eligibility", [])
    assert response.status_code == 403


def test_the_numbers_offers_by_priority_and_the_excluded_with_why_nbo_1_nbo_4(nbo, api_for):
    api = api_for(nbo.operator)
    response = api.get(f"/projects/telecom/subscribers/{NUMBER}/offers", day="2026-11-23")
    assert response.status_code == 200
    assert [(o["offer"], o["rank"]) for o in response.data["eligible"]] == [
        ("INBA", 1),
        ("ROAM", 2),
    ]
    assert response.data["may_offer"] is True
    excluded = api.get(f"/projects/telecom/subscribers/{CORPORATE}/offers", day="2026-11-23")
    assert excluded.data["eligible"] == []
    assert excluded.data["excluded"] == [
        {"offer": "ROAM", "name": "Роуминг по России", "why": "tariff", "value": "Корпоративный"}
    ]
    second = api_for(nbo.second_line).get(f"/projects/telecom/subscribers/{NUMBER}/offers")
    assert second.data["may_offer"] is False  # NBO-3: the desk does not show them


def test_another_projects_operator_gets_404_everywhere(nbo, shop, now, api_for):
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "no"}])
    stranger = api_for(shop.operator)
    assert stranger.get(f"/projects/telecom/subscribers/{NUMBER}/offers").status_code == 404
    assert stranger.get("/projects/telecom/offers").status_code == 404
    assert stranger.post("/projects/telecom/eligibility", []).status_code == 404
    assert stranger.get(f"/interactions/{interaction.pk}/offers").status_code == 404
    assert (
        stranger.patch(
            f"/interactions/{interaction.pk}/offers/INBA", {"response": "yes"}
        ).status_code
        == 404
    )
    assert (
        stranger.post(
            f"/interactions/{interaction.pk}/adjustments",
            {"category": "discount", "amount": "10", "reason": "x", "comment": "y"},
        ).status_code
        == 404
    )
    assert stranger.get("/projects/telecom/adjustments").status_code == 404
    assert OfferResponse.objects.get().response == "no"


def test_a_response_becomes_yes_but_never_goes_back_nbo_2(nbo, now, api_for):
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "think"}])
    api = api_for(nbo.operator)
    path = f"/interactions/{interaction.pk}/offers/INBA"
    ok = api.patch(path, {"response": "yes"})
    assert ok.status_code == 200 and ok.data["response"] == "yes" and ok.data["was_first"]
    back = api.patch(path, {"response": "no"})
    assert back.status_code == 422 and _errors(back) == [("NBO-2", "response")]
    assert (
        api.patch(f"/interactions/{interaction.pk}/offers/ROAM", {"response": "yes"}).status_code
        == 404
    )
    assert api_for(nbo.second_line).patch(path, {"response": "yes"}).status_code == 422
    shown = api.get(f"/interactions/{interaction.pk}/offers")
    assert (
        shown.data["eligible"] == ["INBA", "ROAM"] and shown.data["offers"][0]["response"] == "yes"
    )


def test_an_adjustment_is_created_once_and_answered_by_the_billing_nbo_6(nbo, now, api_for):
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    api = api_for(nbo.operator)
    body = {
        "category": "promo_credit",
        "amount": "150.00",
        "reason": "Недостаточно средств на счёте",
        "campaign": "INBA",
        "comment": "Начислена ФК на подключение INBA",
    }
    created = api.post(
        f"/interactions/{interaction.pk}/adjustments", body, HTTP_IDEMPOTENCY_KEY="req-1"
    )
    assert created.status_code == 201, created.data
    assert created.data["state"] == "pending" and created.data["amount"] == "150.00"
    again = api.post(
        f"/interactions/{interaction.pk}/adjustments", body, HTTP_IDEMPOTENCY_KEY="req-1"
    )
    assert again.status_code == 200 and again.data["id"] == created.data["id"]
    over = api.post(f"/interactions/{interaction.pk}/adjustments", {**body, "amount": "9999"})
    assert over.status_code == 422 and _errors(over) == [("NBO-6", "amount")]

    billing = api_for(nbo.partner, scopes={nbo.project: ["adjustments"]})
    pending = billing.get("/projects/telecom/adjustments", state="pending")
    assert [a["id"] for a in pending.data] == [created.data["id"]]
    path = f"/adjustments/{created.data['id']}"
    applied = billing.patch(path, {"state": "applied", "external_ref": "B-77"})
    assert applied.status_code == 200 and applied.data["state"] == "applied"
    assert billing.patch(path, {"state": "applied"}).status_code == 200
    assert _errors(billing.patch(path, {"state": "rejected"})) == [("NBO-6", "state")]
    assert billing.get("/projects/telecom/adjustments", state="pending").data == []


def test_the_kpi_is_read_by_supervisors_nbo_5(nbo, now, api_for):
    record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    response = api_for(nbo.supervisor).get(
        "/projects/telecom/offers/kpi", **{"from": "2026-11-23", "to": "2026-11-23"}
    )
    assert response.status_code == 200 and response.data[0]["realized_share"] == "1.0000"
    assert (
        api_for(nbo.operator)
        .get("/projects/telecom/offers/kpi", **{"from": "2026-11-23", "to": "2026-11-23"})
        .status_code
        == 403
    )


def test_the_nbo_endpoints_are_in_the_openapi_document(nbo, api_for):
    schema = api_for(nbo.operator).client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/projects/{slug}/offers", "post"),
        ("/api/v1/projects/{slug}/eligibility", "post"),
        ("/api/v1/projects/{slug}/subscribers/{phone}/offers", "get"),
        ("/api/v1/interactions/{interaction_id}/offers/{offer}", "patch"),
        ("/api/v1/interactions/{interaction_id}/adjustments", "post"),
        ("/api/v1/projects/{slug}/adjustments", "get"),
        ("/api/v1/adjustments/{adjustment_id}", "patch"),
    ]:
        assert "422" in paths[path][method]["responses"], (path, method)
