"""Issue 26: the body of `POST /orders/{id}/outcome` carries the inputs the installed
plug-ins declare for their results (`playbooks.fields.register_outcome_field`, from their
apps' `ready()`). The plug-ins' own modules import the API's schemas while the apps load,
before they register anything, so the body is built once the apps are ready — never at
import — and an input one plug-in declared is refused for an order of another playbook."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps

from dozvon.api.v1 import api
from dozvon.httpkit import api_schemas
from dozvon.playbooks.fields import Kind, outcome_inputs
from tests.conftest import NOW


def plugin_inputs():
    declared = [d for d in outcome_inputs() if d.plugin]
    assert declared, "no installed plug-in declares an input of its results"
    return declared


def test_the_outcome_body_carries_every_input_the_plug_ins_declared():
    body = api_schemas.OutcomeIn.model_fields
    for decl in outcome_inputs():
        assert decl.name in body, decl.name
    names = {d.name for d in plugin_inputs()}
    assert names <= set(api_schemas.OutcomeInputs.model_fields)
    # and so does the published document, each with its label
    published = api.get_openapi_schema()["components"]["schemas"]["OutcomeIn"]["properties"]
    for decl in plugin_inputs():
        assert published[decl.name]["title"] == decl.label


def test_the_outcome_body_is_not_built_before_the_apps_are_ready(monkeypatch):
    monkeypatch.setattr(apps, "ready", False)
    with pytest.raises(RuntimeError):
        api_schemas.outcome_models.__wrapped__()


def test_an_input_of_a_plug_in_is_refused_for_another_playbook_s_order(cod, api_for):
    order = cod.intake()
    api_client = api_for(cod.operator, lang="en")
    api_client.post(f"/orders/{order.pk}/calls", {"result": "answered"})
    for decl in plugin_inputs():
        value = (NOW + timedelta(days=1)).date().isoformat() if decl.kind == Kind.DATE else "x"
        answer = api_client.post(
            f"/orders/{order.pk}/outcome",
            {"code": "callback", "comment": "later", decl.name: value},
        )
        assert answer.status_code == 422, answer.data
        assert {(e["rule"], e["field"]) for e in answer.data["errors"]} == {("input", decl.name)}
