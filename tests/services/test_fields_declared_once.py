"""Issue 11 (STYLE 9): a field is declared once (playbooks/fields.py) and the API schemas,
the OpenAPI document, the workspace form and the serializer are derived from it."""

from datetime import date, datetime, time
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from ninja import NinjaAPI, Router
from pydantic import TypeAdapter, ValidationError

from dozvon.httpkit import api_fields as api_fields
from dozvon.httpkit import api_schemas as schemas
from dozvon.httpkit.api_serializers import fields_out
from dozvon.playbooks import fields
from dozvon.playbooks.fields import FieldDecl, Kind, Store
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


# What a field of each kind becomes: the widget the form draws, a value a request takes
# and the type it is read as, and a value of another kind a request refuses. The form and
# the API fall back to a one-line text for a kind they do not know, so only naming the
# expected widget and type catches a kind left out; a kind missing here fails below.
KINDS = {
    Kind.TEXT: ("text", "Ленина", str, ["Ленина"]),
    Kind.LONG_TEXT: ("textarea", "две\nстроки", str, ["две", "строки"]),
    Kind.CODE: ("select", "changed_mind", str, ["changed_mind"]),
    Kind.INTEGER: ("number", 3, int, "три"),
    Kind.MONEY: ("text", "552.00", Decimal, "много"),
    Kind.DATE: ("day", "2026-11-27", date, "27 ноября"),
    Kind.DATETIME: ("moment", "2026-11-27T14:30:00+03:00", datetime, "завтра"),
    Kind.TIME: ("clock", "14:30", time, "после обеда"),
    Kind.BOOL: ("checkbox", True, bool, "может быть"),
    Kind.ADDRESS: ("address", {"city": "Москва"}, dict, "Москва, Ленина 1"),
    Kind.PHONE: ("tel", "+79161234567", str, ["+79161234567"]),
    Kind.PHONES: ("text", ["+79161234567"], list, "+79161234567"),
    Kind.EMAIL: ("email", "ivan@example.com", str, ["ivan@example.com"]),
}
# the requests that publish the declared fields: order edit, customer edit, a result
REQUESTS = (schemas.OrderPatch, schemas.CustomerPatch, schemas.OutcomeIn)


@pytest.mark.parametrize("decl", fields.FIELDS, ids=lambda d: d.name)
def test_every_declared_field_has_the_widget_and_the_api_type_of_its_kind(decl):
    assert decl.kind in KINDS, f"{decl.kind}: say which widget and API type it has"
    widget, value, read_as, wrong = KINDS[decl.kind]
    # the form draws it with its kind's widget
    assert field_spec(decl, {})["widget"] == widget
    # a request takes it, read as its kind, refusing a value of another kind
    published = [m.model_fields[decl.name] for m in REQUESTS if decl.name in m.model_fields]
    assert published, f"{decl.name} is declared but no request takes it"
    for field in published:
        adapter = TypeAdapter(field.annotation)
        assert isinstance(adapter.validate_python(value), read_as)
        with pytest.raises(ValidationError):
            adapter.validate_python(wrong)
        # within the limit that fits its column
        if decl.max_length and read_as is str:
            with pytest.raises(ValidationError):
                adapter.validate_python("9" * (decl.max_length + 1))
        if decl.max_length and read_as is int:
            with pytest.raises(ValidationError):
                adapter.validate_python(10**decl.max_length)
