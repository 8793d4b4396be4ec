"""Issue 11 (STYLE 9): a field is declared once (orders/fields.py) and the API schemas,
the OpenAPI document, the workspace form and the serializer are derived from it."""

from types import SimpleNamespace

import pytest
from django.http import QueryDict
from ninja import NinjaAPI, Router

from dozvon.api import fields as api_fields
from dozvon.api import schemas
from dozvon.api.serializers import fields_out
from dozvon.orders import fields
from dozvon.orders.fields import FieldDecl, Kind, Store
from dozvon.web.forms import field_spec, form_values, parse_fields

FLOOR = FieldDecl("delivery_floor", Kind.TEXT, "Probe floor", Store.ORDER, 10, outcome=True)


def _openapi(body_model) -> dict:
    router = Router()

    @router.post("/probe")
    def probe(request, payload: body_model):  # pragma: no cover - never called
        return {}

    api = NinjaAPI(urls_namespace="fields-probe")
    api.add_router("", router)
    return api.get_openapi_schema(path_prefix="")


def test_a_field_added_to_the_declaration_reaches_openapi_form_and_serializer(monkeypatch):
    monkeypatch.setenv("NINJA_SKIP_REGISTRY", "yes")
    decls = (*fields.declared(Store.ORDER, outcome=True), FLOOR)
    # the request model and the OpenAPI document carry it, with its limit
    model = api_fields.input_model("ProbeFields", decls)
    doc = _openapi(model)
    props = doc["components"]["schemas"]["ProbeFields"]["properties"]
    assert props["delivery_floor"]["anyOf"][0]["maxLength"] == 10
    # the form draws it with its label and parses it back
    spec = field_spec(FLOOR, {"delivery_floor": "3"})
    assert (spec["widget"], spec["label"], spec["value"]) == ("text", "Probe floor", "3")
    parsed, errors = parse_fields(QueryDict("delivery_floor=3"), decls)
    assert parsed == {"delivery_floor": "3"} and errors == []
    too_long, errors = parse_fields(QueryDict("delivery_floor=" + "9" * 11), decls)
    assert "delivery_floor" not in too_long and errors[0].field == "delivery_floor"
    # the serializer writes it
    order = SimpleNamespace(delivery_floor="3")
    assert fields_out(order, [FLOOR]) == {"delivery_floor": "3"}
    assert form_values(order, [FLOOR]) == {"delivery_floor": "3"}


def test_the_published_schemas_are_the_declared_fields():
    outcome = set(schemas.DeliveryFields.model_fields)
    assert outcome == set(fields.OUTCOME_ORDER_FIELDS)
    patch = set(schemas.OrderPatch.model_fields) - {"version", "customer"}
    assert patch == set(fields.EDIT_ORDER_FIELDS)
    assert set(schemas.CustomerPatch.model_fields) == set(fields.CUSTOMER_FIELDS)
    out = set(schemas.OrderOut.model_fields)
    assert {f.name for f in fields.declared(Store.ORDER)} <= out


@pytest.mark.parametrize("decl", fields.FIELDS, ids=lambda d: d.name)
def test_every_declared_field_has_a_widget_and_an_api_type(decl):
    assert field_spec(decl, {})["widget"]
    assert api_fields.input_type(decl) is not None
