"""X-13 (issue 25 item 4): a token does what its scope says, and nothing else. Every
operation of the API (read from the OpenAPI document, so a new endpoint is covered the
moment it exists) is called with a token of each scope; an operation declares below the
scopes that may use it, every other scope gets 403.

The token's user is the integration of two projects (COD for orders, NBO for offers and
adjustments) and each token carries its one scope in both; the objects a path names are
real ones of those projects, and each body is built from the operation's own schema, so
a refusal is the scope check's answer (403), not a missing object's or a bad body's."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from dozvon.accounts.services import token_create
from dozvon.api.v1 import api
from dozvon.customers.services import CustomerInput
from dozvon.offers.services import adjustment_create, campaigns_load, eligibility_load
from dozvon.orders import services as svc
from dozvon.projects.scopes import TokenScope, known_scopes
from tests.conftest import _world
from tests.factories import MembershipFactory, UserFactory
from tests.offers.conftest import CAMPAIGNS, ELIGIBILITY, NUMBER, record

ALL = frozenset(known_scopes())  # the built-in scopes and the plug-ins' (PICK: shipments)
NONE: frozenset[str] = frozenset()
INTAKE, READ = TokenScope.INTAKE, TokenScope.READ

# What each operation allows a scoped token. A new operation fails the test until
# it is declared here.
EXPECTED: dict[str, frozenset[str]] = {
    "GET /whoami": ALL,
    "GET /projects": ALL,
    # the catalogue and the playbook: what any integration builds its requests from
    "GET /projects/{slug}/products": ALL,
    "GET /projects/{slug}/playbook": ALL,
    "GET /projects/{slug}/queues": frozenset({READ}),
    "POST /projects/{slug}/queues/{code}/next": NONE,
    "POST /orders/{order_id}/release": NONE,
    "POST /projects/{slug}/orders/batch": frozenset({INTAKE}),
    "POST /orders/{order_id}/promo": NONE,
    "POST /subscriptions/{subscription_id}/order": NONE,
    "GET /projects/{slug}/promo-codes": NONE,
    "POST /projects/{slug}/promo-codes": NONE,
    "PATCH /promo-codes/{promo_id}": NONE,
    "POST /projects/{slug}/orders": frozenset({INTAKE}),
    "GET /projects/{slug}/orders": frozenset({READ}),
    "GET /orders/{order_id}": frozenset({READ}),
    "PATCH /orders/{order_id}": NONE,
    "POST /orders/{order_id}/calls": NONE,
    "POST /orders/{order_id}/items": NONE,
    "POST /orders/{order_id}/outcome": NONE,
    "POST /orders/{order_id}/reopen": NONE,
    "POST /orders/{order_id}/comments": NONE,
    "GET /orders/{order_id}/timeline": frozenset({READ}),
    "GET /orders/{order_id}/messages": frozenset({READ}),
    "POST /orders/{order_id}/messages": NONE,
    "GET /projects/{slug}/changes": frozenset({TokenScope.CHANGES}),
    "POST /projects/{slug}/interactions": NONE,
    "GET /interactions/{interaction_id}": frozenset({READ}),
    "GET /interactions/{interaction_id}/timeline": frozenset({READ}),
    "GET /orders/{order_id}/payments": frozenset({READ, TokenScope.PAYMENTS}),
    "POST /orders/{order_id}/payments": frozenset({TokenScope.PAYMENTS}),
    "POST /projects/{slug}/payments": frozenset({TokenScope.PAYMENTS}),
    "POST /projects/{slug}/subscriptions": frozenset({INTAKE}),
    "GET /projects/{slug}/subscriptions": frozenset({READ}),
    "GET /subscriptions/{subscription_id}": frozenset({READ}),
    "PATCH /subscriptions/{subscription_id}": NONE,
    "POST /projects/{slug}/offers": frozenset({TokenScope.OFFERS}),
    # PICK-1: the partner's parcel reports (the pickup plug-in's scope)
    "POST /orders/{order_id}/shipment": frozenset({"shipments"}),
    "GET /orders/{order_id}/shipment": frozenset({READ, "shipments"}),
    "GET /projects/{slug}/offers": frozenset({READ}),
    "POST /projects/{slug}/eligibility": frozenset({TokenScope.OFFERS}),
    "GET /projects/{slug}/subscribers/{phone}/offers": frozenset({READ}),
    "GET /interactions/{interaction_id}/offers": frozenset({READ}),
    "PATCH /interactions/{interaction_id}/offers/{offer}": NONE,
    "POST /interactions/{interaction_id}/adjustments": NONE,
    "GET /projects/{slug}/adjustments": frozenset({TokenScope.ADJUSTMENTS}),
    "PATCH /adjustments/{adjustment_id}": frozenset({TokenScope.ADJUSTMENTS}),
    "GET /projects/{slug}/offers/kpi": NONE,
    "GET /projects/{slug}/reports/{name}": frozenset({READ}),
}

# Operations on objects no fixture here can make (another playbook's); each is 404 for
# every scope of this test's projects, which the matrix checks instead of its scope.
UNREACHABLE = {
    "POST /subscriptions/{subscription_id}/order",
    "PATCH /promo-codes/{promo_id}",
    "GET /subscriptions/{subscription_id}",
    "PATCH /subscriptions/{subscription_id}",
}
# A known code where a made-up one is refused before the role is (POST …/outcome checks
# the code against the playbook first: a 422 would hide the scope's answer).
BODY_OVERRIDES = {"POST /orders/{order_id}/outcome": {"code": "confirm"}}
NBO_PATH = re.compile(r"offers|eligibility|subscribers|adjustments|interactions")
# PICK's parcel of an order (PICK-1): asked of an order of the PICK project
PICK_PATH = re.compile(r"/shipment$")


def operations() -> list[tuple[str, str, dict]]:
    schema = api.get_openapi_schema()
    out = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            out.append((method.upper(), path.removeprefix("/api/v1"), op))
    return out


def _example(schema: dict, components: dict):
    """A value valid for `schema` (required fields only), for a body that passes
    validation so that the handler's access check answers."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _example(options[0], components)
    if "enum" in schema:
        return schema["enum"][0]
    kind, fmt = schema.get("type"), schema.get("format", "")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {k: _example(props[k], components) for k in schema.get("required", [])}
    if kind == "array":
        return [_example(schema.get("items", {}), components)] * max(1, schema.get("minItems", 1))
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if fmt == "date":
        return "2026-11-23"
    if fmt == "date-time":
        return "2026-11-23T12:00:00+03:00"
    if fmt in ("decimal", "number") or schema.get("pattern", "").startswith("^(?!"):
        return "1.00"
    return "x" * max(1, schema.get("minLength", 1))


def _body(op: dict, components: dict):
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    return _example(content["application/json"]["schema"], components)


def _query(op: dict, components: dict) -> dict:
    """The operation's required query parameters, with valid values."""
    return {
        p["name"]: _example(p.get("schema", {}), components)
        for p in op.get("parameters", [])
        if p.get("in") == "query" and p.get("required")
    }


@pytest.fixture
def worlds(db, now):
    cod = _world("cod", "cod")
    nbo = _world("nbo", "telecom")
    pick = _world("pick", "pick")
    campaigns_load(project=nbo.project, rows=CAMPAIGNS, actor=nbo.supervisor, now=now)
    eligibility_load(project=nbo.project, rows=ELIGIBILITY, actor=nbo.partner, now=now)
    partner = UserFactory(username="two-project-partner")
    for world in (cod, nbo, pick):
        MembershipFactory(user=partner, project=world.project, role="integration")
    order, _ = svc.order_intake(
        project=cod.project,
        actor=cod.partner,
        external_id="SCOPE-1",
        customer=CustomerInput(name="Иванов Иван", phone="+79165550101"),
        items=[svc.ItemInput(cod.products[0].sku, 1)],
        now=now,
    )
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    adjustment, _ = adjustment_create(
        interaction_id=interaction.pk,
        category="promo_credit",
        amount="150.00",
        reason="Недостаточно средств",
        comment="Начислена ФК",
        campaign="INBA",
        actor=nbo.operator,
        now=now,
    )
    params = {
        "order_id": order.pk,
        "pick_order_id": pick.intake(external_id="SCOPE-P").pk,
        "interaction_id": interaction.pk,
        "adjustment_id": adjustment.pk,
        "subscription_id": 999999,
        "promo_id": 999999,
        "code": "new",
        "phone": NUMBER,
        "offer": "INBA",
        "name": "operators",
    }
    return cod, nbo, pick, partner, params


def _url(path: str, params: dict, cod, nbo) -> str:
    slug = nbo.project.slug if NBO_PATH.search(path) else cod.project.slug
    if PICK_PATH.search(path):
        params = {**params, "order_id": params["pick_order_id"]}
    return "/api/v1" + re.sub(
        r"\{(\w+)\}", lambda m: str(slug if m[1] == "slug" else params[m[1]]), path
    )


def test_every_operation_is_declared_with_the_scopes_that_may_use_it_x_13():
    declared = set(EXPECTED)
    served = {f"{method} {path}" for method, path, _ in operations()}
    assert served - declared == set(), "declare the new operations' scopes in EXPECTED"
    assert declared - served == set(), "an operation in EXPECTED is no longer served"


@pytest.mark.parametrize("scope", sorted(ALL))
def test_a_token_does_what_its_scope_says_and_is_refused_the_rest_x_13(worlds, now, scope):
    # given a token of one scope in both projects
    cod, nbo, pick, partner, params = worlds
    scopes = {cod.project: [scope], nbo.project: [scope], pick.project: [scope]}
    raw = token_create(user=partner, scopes=scopes, now=now)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    components = api.get_openapi_schema().get("components", {}).get("schemas", {})
    wrong = []
    for method, path, op in operations():
        key = f"{method} {path}"
        # when it calls the operation with a valid request
        url = _url(path, params, cod, nbo)
        body = _body(op, components)
        body = {**body, **BODY_OVERRIDES[key]} if key in BODY_OVERRIDES else body
        if method == "GET":
            response = client.get(url, _query(op, components))
        elif body is None:
            response = getattr(client, method.lower())(url)
        else:
            response = getattr(client, method.lower())(
                url, json.dumps(body), content_type="application/json"
            )
        # then an operation of its scope answers (not 401/403/404), any other is 403
        if key in UNREACHABLE:
            expected_ok = response.status_code == 404
        elif scope in EXPECTED.get(key, ()):
            expected_ok = response.status_code not in (401, 403, 404)
        else:
            expected_ok = response.status_code == 403
        if not expected_ok:
            wrong.append((key, response.status_code, response.content[:200]))
    assert wrong == [], "\n".join(map(str, wrong))
