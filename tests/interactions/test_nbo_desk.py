"""Issue 16 on the inbound desk and `POST …/interactions` (API.md round 2): on an NBO
project the offers voiced (or the lost sale's reason) are recorded in the interaction's
own transaction — a refusal of either writes nothing (NBO-1…5); a second-line operator's
desk shows no offers (NBO-3); other playbooks still refuse the NBO fields."""

# ruff: noqa: F811 (the NBO project fixture of tests/offers, imported and requested)

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from dozvon.history.models import TimelineEntry
from dozvon.interactions.models import Interaction
from dozvon.offers.models import LostSale, OfferCheck, OfferResponse
from tests.conftest import NOW, _world
from tests.offers.conftest import CORPORATE, NOTHING, NUMBER, nbo, written  # noqa: F401

API_PATH = "/projects/telecom/interactions"
DESK = "/p/telecom/inbound"
RECORD = "/p/telecom/inbound/record"
INBA_NO = {"offer": "INBA", "response": "no"}
ROAM_YES = {"offer": "ROAM", "response": "yes"}
BASE = {"phone": "8 916 123-45-67", "subject": "Вопрос о тарифе", "comment": "Рассказал"}


@pytest.fixture(autouse=True)
def _frozen():
    """The campaigns' days are fixed: the request's clock is the fixtures' `now`."""
    with time_machine.travel(NOW, tick=False):
        yield


def _errors(response) -> list[tuple[str, str]]:
    return [(e["rule"], e["field"]) for e in response.data["errors"]]


# --- the API ------------------------------------------------------------------------------


def test_offers_are_recorded_with_the_interaction_through_the_api_nbo_1(nbo, api_for):
    # when the operator voices the number's second offer and the customer will think
    created = api_for(nbo.operator).post(
        API_PATH, {**BASE, "offers": [{"offer": "ROAM", "response": "think"}]}
    )
    # then the interaction and its offer are one record, answered back
    assert created.status_code == 201, created.data
    assert created.data["offers"] == [{"offer": "ROAM", "response": "think"}]
    assert created.data["lost_reason"] is None
    interaction = Interaction.objects.get(pk=created.data["id"])
    saved = OfferResponse.objects.get(interaction=interaction)
    assert (saved.campaign.code, saved.response, saved.rank) == ("ROAM", "think", 2)
    check = OfferCheck.objects.get(interaction=interaction)
    assert check.eligible == ["INBA", "ROAM"] and check.checked_at == NOW
    assert TimelineEntry.objects.filter(interaction=interaction, data__offer="ROAM").exists()
    assert not LostSale.objects.exists()
    read = api_for(nbo.operator).get(f"/interactions/{interaction.pk}")
    assert read.data["offers"] == [{"offer": "ROAM", "response": "think"}]


def test_a_lost_sale_is_recorded_with_its_reason_through_the_api_nbo_5(nbo, api_for):
    created = api_for(nbo.operator).post(API_PATH, {**BASE, "lost_reason": "Абонент прервал"})
    assert created.status_code == 201, created.data
    assert (created.data["offers"], created.data["lost_reason"]) == ([], "Абонент прервал")
    assert LostSale.objects.get().interaction_id == created.data["id"]


def test_a_number_without_offers_and_a_transfer_to_another_split_need_none_nbo_3(nbo, api_for):
    api = api_for(nbo.operator)
    assert api.post(API_PATH, {**BASE, "phone": NOTHING}).status_code == 201
    assert api.post(API_PATH, {**BASE, "transferred": True}).status_code == 201
    assert OfferCheck.objects.count() == 2 and not LostSale.objects.exists()


@pytest.mark.parametrize(
    ("who", "body", "expected"),
    [
        ("operator", {"offers": [{"offer": "INBA", "response": "maybe"}]}, "NBO-2"),
        ("second_line", {"offers": [{"offer": "INBA", "response": "yes"}]}, "NBO-3"),
        # an operator's line is their membership's (issue 23): not a free choice
        ("operator", {"line": "second", "offers": [{"offer": "INBA", "response": "no"}]}, "X-2"),
        ("operator", {"phone": CORPORATE, "offers": [ROAM_YES]}, "NBO-4"),
        ("operator", {}, "NBO-5"),
        ("operator", {"offers": [INBA_NO], "lost_reason": "x"}, "NBO-5"),
        ("operator", {"offers": [{"offer": "TV", "response": "yes"}]}, "NBO-1"),
    ],
)
def test_a_refused_offer_leaves_no_interaction_either_nbo_1_to_5(nbo, api_for, who, body, expected):
    # given what the database holds (the token's audit row included)
    api = api_for(getattr(nbo, who))
    before = written()
    # when the interaction is fine but its offers are refused
    refused = api.post(API_PATH, {**BASE, **body})
    # then 422 names the rule and the field, and nothing is written: no interaction
    assert refused.status_code == 422, refused.data
    assert [rule for rule, _ in _errors(refused)] == [expected]
    assert written() == before


def test_a_refused_interaction_leaves_no_offer_either(nbo, api_for):
    api = api_for(nbo.operator)
    before = written()
    refused = api.post(
        API_PATH, {**BASE, "subject": "", "offers": [{"offer": "INBA", "response": "yes"}]}
    )
    assert refused.status_code == 422 and ("subject" in {f for _, f in _errors(refused)})
    assert written() == before


def test_an_offer_of_an_unknown_shape_is_refused_as_input(nbo, api_for):
    refused = api_for(nbo.operator).post(
        API_PATH, {**BASE, "offers": [{"offer": "INBA", "answer": "yes"}]}
    )
    assert refused.status_code == 422, refused.data
    assert {rule for rule, _ in _errors(refused)} == {"input"}
    assert any(field.startswith("offers[0]") for _, field in _errors(refused)), refused.data
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("playbook", ["cod", "sub"])
def test_other_playbooks_still_refuse_offers_and_lost_reasons(db, api_for, playbook):
    world = _world(playbook, f"{playbook}-desk")
    refused = api_for(world.operator).post(
        f"/projects/{playbook}-desk/interactions",
        {**BASE, "offers": [{"offer": "INBA", "response": "yes"}], "lost_reason": "x"},
    )
    assert refused.status_code == 422
    assert _errors(refused) == [("input", "offers"), ("input", "lost_reason")]
    assert not Interaction.objects.exists()
    plain = api_for(world.operator).post(f"/projects/{playbook}-desk/interactions", BASE)
    assert plain.status_code == 201 and plain.data["offers"] == []


def test_another_projects_operator_gets_404_nbo(nbo, cod, api_for, client):
    refused = api_for(cod.operator).post(
        API_PATH, {**BASE, "offers": [{"offer": "INBA", "response": "yes"}]}
    )
    assert refused.status_code == 404 and not Interaction.objects.exists()
    client.force_login(cod.operator)
    assert client.get(DESK, {"phone": NUMBER}).status_code == 404
    assert client.post(RECORD, {**BASE, "offer_INBA": "yes"}).status_code == 404
    assert not Interaction.objects.exists()


# --- the desk -----------------------------------------------------------------------------


def test_the_desk_shows_the_numbers_offers_and_records_a_yes_nbo_1(nbo, client):
    client.force_login(nbo.operator)
    # given the softphone opens the desk with the caller's number
    page = client.get(DESK, {"phone": "89161234567"})
    assert page.status_code == 200
    shown = page.context["nbo"]
    assert shown["may_offer"] and [o.code for o in shown["eligible"]] == ["INBA", "ROAM"]
    html = page.content.decode()
    assert 'name="offer_INBA"' in html and 'name="offer_ROAM"' in html
    assert 'name="lost_reason"' in html
    # when the operator voices the first offer, the customer agrees, and saves
    saved = client.post(
        RECORD,
        {**BASE, "line": "first", "transferred_to": "", "offer_INBA": "yes", "offer_ROAM": ""},
    )
    # then the interaction carries its YES, and the desk links its page (NBO-6)
    assert saved.status_code == 303
    interaction = Interaction.objects.get()
    assert [(r.campaign.code, r.response, r.rank) for r in OfferResponse.objects.all()] == [
        ("INBA", "yes", 1)
    ]
    assert not LostSale.objects.exists()
    after = client.get(saved["Location"])
    assert after.context["recorded"] == interaction.pk
    link = reverse("offers:interaction", args=["telecom", interaction.pk])
    assert f'href="{link}"' in after.content.decode()
    # … once: the next call's desk does not link it again
    assert client.get(saved["Location"]).context["recorded"] is None
    assert client.get(link).status_code == 200


def test_the_desk_shows_an_excluded_offer_and_a_number_without_offers_nbo_4(nbo, client):
    client.force_login(nbo.operator)
    corporate = client.get(DESK, {"phone": CORPORATE}).context["nbo"]
    assert corporate["eligible"] == () and [e.code for e in corporate["excluded"]] == ["ROAM"]
    assert client.get(DESK, {"phone": NOTHING}).context["nbo"]["eligible"] == ()
    # an excluded number saved without an offer is no lost sale
    saved = client.post(RECORD, {**BASE, "phone": CORPORATE, "line": "first"})
    assert saved.status_code == 303 and Interaction.objects.count() == 1
    assert not LostSale.objects.exists()


def test_a_second_line_operators_desk_shows_no_offers_nbo_3(nbo, client):
    client.force_login(nbo.second_line)
    page = client.get(DESK, {"phone": NUMBER})
    assert page.context["nbo"]["may_offer"] is False
    html = page.content.decode()
    assert 'name="offer_' not in html and 'name="lost_reason"' not in html
    assert '<option value="second" selected>' in html  # their interactions are second-line
    # a forged offer is refused and nothing written
    before = written()
    refused = client.post(RECORD, {**BASE, "line": "second", "offer_INBA": "yes"})
    assert refused.status_code == 303 and written() == before
    shown = client.get(refused["Location"])
    assert any("(NBO-3)" in e for e in shown.context["offer_errors"])
    # without offers the interaction is saved and is no lost sale
    saved = client.post(RECORD, {**BASE, "line": "second"})
    assert saved.status_code == 303 and Interaction.objects.get().line == "second"
    assert not LostSale.objects.exists()


def test_a_refused_desk_form_keeps_the_offers_and_the_reason_nbo_5(nbo, client):
    client.force_login(nbo.operator)
    before = written()
    # an offer voiced and a lost-sale reason at once
    refused = client.post(
        RECORD, {**BASE, "line": "first", "offer_INBA": "no", "lost_reason": "Прервал"}
    )
    assert refused.status_code == 303 and written() == before
    page = client.get(refused["Location"])
    assert page.context["form"]["lost_reason"] == "Прервал"
    assert page.context["nbo"]["picked"] == ["INBA:no"]
    assert page.context["nbo"]["lost_reason"] == "Прервал"
    assert any("(NBO-5)" in e for e in page.context["offer_errors"])
    assert 'class="error offers-error"' in page.content.decode()
    # nothing voiced and no reason: a lost sale needs one
    refused = client.post(RECORD, {**BASE, "line": "first"})
    assert any("(NBO-5)" in e for e in client.get(refused["Location"]).context["offer_errors"])
    assert written() == before
    # the reason given: the lost sale is recorded
    client.post(RECORD, {**BASE, "line": "first", "lost_reason": "Звонил ребёнок"})
    assert LostSale.objects.get().reason == "Звонил ребёнок"


def test_a_desk_of_another_playbook_has_no_offers_and_ignores_them(cod, client):
    client.force_login(cod.operator)
    page = client.get("/p/cod/inbound", {"phone": NUMBER})
    assert page.context.get("nbo") is None and 'class="offers"' not in page.content.decode()
    saved = client.post(
        "/p/cod/inbound/record", {**BASE, "line": "first", "offer_INBA": "yes", "lost_reason": "x"}
    )
    assert saved.status_code == 303 and Interaction.objects.count() == 1
    assert not OfferCheck.objects.exists()
    assert client.get(saved["Location"]).context.get("recorded") is None
