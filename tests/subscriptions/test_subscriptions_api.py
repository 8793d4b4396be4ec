"""API.md round 2: subscriptions and SUB facts of interactions — wiring, codes, access."""

from __future__ import annotations

from dozvon.subscriptions.models import Subscription
from tests.subscriptions.conftest import sub_row


def body(number="IM-1", **over):
    row = sub_row(number)
    out = {
        "number": row["number"],
        "customer": {"name": row["name"], "phone": "8 (916) 123-45-67", "email": row["email"]},
        "collection": "im",
        "plan": "accelerated",
        "issues_total": 100,
        "issues_delivered": 88,
        "group": "green",
        "suspend_on": "2027-12-31",
    }
    return {**out, **over}


def test_post_creates_then_updates_by_number_and_get_reads_it_X_10(sub, api_for):
    api = api_for(sub.supervisor)
    created = api.post("/projects/sub/subscriptions", [body(), body("IM-2", group="pink")])
    assert created.status_code == 200, created.data
    assert [i["result"] for i in created.data["items"]] == ["created", "created"]
    again = api.post("/projects/sub/subscriptions", [body(issues_delivered=90)])
    assert again.data["items"][0]["result"] == "updated"
    assert Subscription.objects.count() == 2
    one = api.get(f"/subscriptions/{again.data['items'][0]['subscription']['id']}")
    assert one.status_code == 200
    assert one.data["remaining_issues"] == list(range(91, 101))
    assert one.data["customer"]["phone"] == "+79161234567"
    assert (one.data["status"], one.data["contacts"]) == ("active", [])
    # filters: phone in any format, number, group
    listed = api.get("/projects/sub/subscriptions", phone="+7 916 123 45 67", group="pink")
    assert [i["number"] for i in listed.data["items"]] == ["IM-2"] and listed.data["count"] == 1
    assert api.get("/projects/sub/subscriptions", number="IM-1").data["count"] == 1


def test_a_refused_row_refuses_the_request_and_names_it_X_10(sub, api_for):
    api = api_for(sub.supervisor)
    response = api.post(
        "/projects/sub/subscriptions",
        [body(), body("IM-2", collection="nope"), body("IM-3", suspend_on="2020-01-01")],
    )
    assert response.status_code == 422
    fields = {(e["rule"], e["field"]) for e in response.data["errors"]}
    assert fields == {("X-10", "[1].collection"), ("X-10", "[2].suspend_on")}
    assert not Subscription.objects.exists()
    malformed = api.post("/projects/sub/subscriptions", [body(), {"number": "x"}])
    assert malformed.status_code == 422
    assert {e["field"] for e in malformed.data["errors"]} >= {"[1].customer", "[1].plan"}


def test_more_than_500_rows_are_refused(sub, api_for):
    response = api_for(sub.supervisor).post(
        "/projects/sub/subscriptions", [body(f"N-{i}") for i in range(501)]
    )
    # then the whole list is malformed input naming the body, and nothing is written
    assert response.status_code == 422, response.data
    assert [(e["rule"], e["field"]) for e in response.data["errors"]] == [("input", "body")]
    assert "500" in response.data["errors"][0]["message"]
    assert not Subscription.objects.exists()


def test_patch_refuses_accelerated_to_base_SUB_2(sub, api_for):
    api = api_for(sub.supervisor)
    sid = api.post("/projects/sub/subscriptions", [body()]).data["items"][0]["subscription"]["id"]
    refused = api.patch(f"/subscriptions/{sid}", {"plan": "base"})
    assert refused.status_code == 422 and refused.data["errors"][0]["rule"] == "SUB-2"
    cancelled = api.patch(f"/subscriptions/{sid}", {"status": "cancelled"})
    assert cancelled.status_code == 200 and cancelled.data["status"] == "cancelled"
    assert api.patch(f"/subscriptions/{sid}", {"status": "active", "version": 1}).status_code == 409


def test_access_401_403_404_X_2(sub, shop, api_for, client):
    sid = (
        api_for(sub.supervisor)
        .post("/projects/sub/subscriptions", [body()])
        .data["items"][0]["subscription"]["id"]
    )
    assert client.get("/api/v1/projects/sub/subscriptions").status_code == 401
    stranger = api_for(shop.operator)
    assert stranger.get(f"/subscriptions/{sid}").status_code == 404
    assert stranger.get("/projects/sub/subscriptions").status_code == 404
    assert stranger.patch(f"/subscriptions/{sid}", {"status": "cancelled"}).status_code == 404
    operator = api_for(sub.operator)
    assert operator.get(f"/subscriptions/{sid}").status_code == 200
    assert operator.post("/projects/sub/subscriptions", [body()]).status_code == 403
    assert operator.patch(f"/subscriptions/{sid}", {"status": "cancelled"}).status_code == 403


def test_an_interaction_records_the_subscriptions_outcome_SUB_3(sub, api_for):
    sid = (
        api_for(sub.supervisor)
        .post("/projects/sub/subscriptions", [body()])
        .data["items"][0]["subscription"]["id"]
    )
    api = api_for(sub.operator)
    base = {"phone": "89161234567", "line": "first", "subject": "недоволен", "comment": "объяснили"}
    refused = api.post(
        "/projects/sub/interactions",
        {**base, "subscription": sid, "outcome": "bought_some", "issues": [5]},
    )
    assert refused.status_code == 422
    assert refused.data["errors"][0]["rule"] == "SUB-3"
    response = api.post(
        "/projects/sub/interactions",
        {**base, "subscription": sid, "outcome": "bought_some", "issues": [89, 90]},
    )
    assert response.status_code == 201, response.data
    assert (response.data["subscription"], response.data["issues"]) == (sid, [89, 90])
    one = api.get(f"/subscriptions/{sid}").data
    assert one["status"] == "cancelled" and one["contacts"][0]["outcome"] == "bought_some"
