"""Issue 15 "inbound desk" (X-8; SUB, NBO build on it): find the caller by phone in any
format, email, order number or name; record the interaction through the API or the desk."""

from dozvon.interactions.models import Interaction


def test_an_interaction_is_recorded_through_the_api_with_its_history(cod, api_for):
    order = cod.intake(phone="+79161234567")
    api = api_for(cod.operator)
    response = api.post(
        "/projects/cod/interactions",
        {
            "phone": "8 (916) 123-45-67",
            "line": "first",
            "subject": "вопрос о доставке",
            "comment": "спрашивал срок доставки заказа",
            "transferred": False,
        },
    )
    assert response.status_code == 201, response.data
    assert response.data["customer"] == order.customer_id  # found by phone in another format
    assert response.data["ended_at"] is not None
    timeline = api.get(f"/interactions/{response.data['id']}/timeline")
    assert timeline.status_code == 200 and len(timeline.data) >= 2


def test_an_interaction_without_subject_or_comment_is_refused_and_nothing_written(cod, api_for):
    response = api_for(cod.operator).post(
        "/projects/cod/interactions", {"phone": "+79161234567", "subject": "", "comment": ""}
    )
    assert response.status_code == 422, response.data
    errors = {(e["rule"], e["field"]) for e in response.data["errors"]}
    assert errors == {("X-6", "subject"), ("X-6", "comment")}
    assert not Interaction.objects.exists()


def test_sub_and_nbo_facts_are_refused_until_those_playbooks_exist(cod, api_for):
    response = api_for(cod.operator).post(
        "/projects/cod/interactions",
        {"phone": "+79161234567", "subject": "x", "comment": "y", "outcome": "stayed"},
    )
    assert response.status_code == 422, response.data
    assert [(e["rule"], e["field"]) for e in response.data["errors"]] == [("input", "outcome")]
    assert not Interaction.objects.exists()


def test_another_projects_interaction_is_404(cod, shop, api_for):
    created = api_for(cod.operator).post(
        "/projects/cod/interactions", {"phone": "+79161234567", "subject": "x", "comment": "y"}
    )
    assert api_for(shop.operator).get(f"/interactions/{created.data['id']}").status_code == 404


def test_the_desk_finds_the_caller_by_phone_email_number_or_name(cod, client):
    order = cod.intake(phone="+79161234567", name="Петрова Анна Сергеевна")
    client.force_login(cod.operator)
    for query in ("8 916 123 45 67", "+7 (916) 123-45-67", str(order.pk), "Анна Петрова"):
        response = client.get("/p/cod/inbound", {"q": query})
        assert response.status_code == 200
        assert [c["customer"].pk for c in response.context["callers"]] == [order.customer_id], query
    # the screen-pop URL of a softphone
    assert client.get("/p/cod/inbound", {"phone": "79161234567"}).context["callers"]


def test_the_desk_records_an_interaction_and_a_refusal_keeps_what_was_typed(cod, client):
    cod.intake(phone="+79161234567")
    client.force_login(cod.operator)
    refused = client.post(
        "/p/cod/inbound/record", {"phone": "+79161234567", "subject": "", "comment": "текст"}
    )
    assert refused.status_code == 303
    page = client.get(refused["Location"])
    assert "текст</textarea>" in page.content.decode()
    saved = client.post(
        "/p/cod/inbound/record",
        {"phone": "+79161234567", "line": "first", "subject": "доставка", "comment": "срок"},
    )
    assert saved.status_code == 303
    assert Interaction.objects.get().subject == "доставка"
