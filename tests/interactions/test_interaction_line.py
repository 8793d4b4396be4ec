"""Issue 23 (item 18): an interaction's line is the operator's own (X-2, NBO-3) — on the
desk and through `POST …/interactions` with an operator's token — never a free choice; a
supervisor or an integration states it. Item 17: a search by name leaves the desk's phone
field empty."""

# ruff: noqa: F811 (the NBO project fixture of tests/offers, imported and requested)

from __future__ import annotations

import pytest
import time_machine

from dozvon.interactions import rules
from dozvon.interactions.models import Interaction
from tests.conftest import NOW
from tests.offers.conftest import NUMBER, nbo, written  # noqa: F401

API_PATH = "/projects/telecom/interactions"
DESK = "/p/telecom/inbound"
RECORD = "/p/telecom/inbound/record"
BASE = {"phone": "8 916 123-45-67", "subject": "Вопрос о тарифе", "comment": "Рассказал"}
VOICED = {"offers": [{"offer": "INBA", "response": "yes"}]}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(
    ("stated", "own", "expected"),
    [
        (None, "first", ("first", [])),
        (None, "second", ("second", [])),
        ("first", "first", ("first", [])),
        ("second", "first", ("first", [("X-2", "line")])),
        ("first", "second", ("second", [("X-2", "line")])),
        (None, None, ("first", [])),  # a supervisor or an integration: first by default
        ("second", None, ("second", [])),
    ],
)
def test_an_operators_line_is_their_own_and_anyone_else_states_it_x_2(stated, own, expected):
    # when the line of an interaction is decided from what was stated and the own line
    line, found = rules.line_of(stated=stated, own=own)
    # then an operator's is their own (another one refused), anyone else's the stated one
    assert (line, [(v.rule, v.field) for v in found]) == expected


def test_first_line_operators_api_interaction_without_line_is_first_and_counts_x_2(nbo, api_for):
    # when a first-line operator's token records an interaction without naming the line
    created = api_for(nbo.operator).post(API_PATH, {**BASE, **VOICED})
    # then it is a first-line interaction (in the KPI of NBO-5)
    assert created.status_code == 201, created.data
    assert created.data["line"] == "first"


def test_second_line_operators_api_interaction_without_line_is_second_nbo_3(nbo, api_for):
    # when a second-line operator's token records one without the line
    created = api_for(nbo.second_line).post(API_PATH, BASE)
    # then it is second-line (no offers expected, out of the KPI)
    assert created.status_code == 201, created.data
    assert created.data["line"] == "second"


@pytest.mark.parametrize(("who", "stated"), [("operator", "second"), ("second_line", "first")])
def test_an_operator_stating_another_line_is_refused_and_nothing_written_x_2(
    nbo, api_for, who, stated
):
    # given what the database holds
    api = api_for(getattr(nbo, who))
    before = written()
    # when an operator's token states the other line
    refused = api.post(API_PATH, {**BASE, "line": stated, "lost_reason": "Прервал"})
    # then 422 names X-2 on `line`, and nothing is written
    assert refused.status_code == 422, refused.data
    assert ("X-2", "line") in [(e["rule"], e["field"]) for e in refused.data["errors"]]
    assert written() == before


def test_a_supervisor_states_the_line_x_2(nbo, api_for):
    # when a supervisor records a second-line interaction
    created = api_for(nbo.supervisor).post(API_PATH, {**BASE, "line": "second"})
    # then it is kept as stated
    assert created.status_code == 201, created.data
    assert created.data["line"] == "second"


def test_the_desk_saves_a_first_line_operators_forged_second_line_as_refused_x_2(nbo, client):
    # given the first-line operator's desk: the line is shown, not chosen
    client.force_login(nbo.operator)
    page = client.get(DESK, {"phone": NUMBER})
    assert page.context["line"] == "first" and page.context["line_fixed"] is True
    assert '<select name="line" disabled' in page.content.decode()
    # when the form is posted without a line (the disabled select sends none)
    saved = client.post(RECORD, {**BASE, "offer_INBA": "yes"})
    # then the interaction is first-line
    assert saved.status_code == 303
    assert Interaction.objects.get().line == "first"
    # and a forged second line is refused on the line's field, nothing written
    before = written()
    refused = client.post(RECORD, {**BASE, "line": "second", "lost_reason": "Прервал"})
    assert refused.status_code == 303 and written() == before
    shown = client.get(refused["Location"])
    assert any("(X-2)" in e for e in shown.context["errors"]["line"])


def test_the_second_line_operators_desk_records_second_line_without_choosing_nbo_3(nbo, client):
    # when the second-line operator saves the desk's form (no line posted)
    client.force_login(nbo.second_line)
    saved = client.post(RECORD, BASE)
    # then the interaction is second-line
    assert saved.status_code == 303
    assert Interaction.objects.get().line == "second"


def test_a_supervisors_desk_chooses_the_line(nbo, client):
    client.force_login(nbo.supervisor)
    page = client.get(DESK, {"phone": NUMBER})
    assert page.context["line_fixed"] is False
    assert '<select name="line">' in page.content.decode()


def test_searching_the_desk_by_name_leaves_the_phone_field_empty(nbo, client):
    # given a caller known by name
    client.force_login(nbo.operator)
    # when the operator searches by a name that is no phone
    page = client.get(DESK, {"q": "Иванов"})
    # then the record form's phone field does not carry the name
    html = page.content.decode()
    assert 'name="phone" value="Иванов"' not in html
    assert 'name="phone" value=""' in html
