"""`GET /api/v1/projects/{slug}/changes` (API.md round 2): pages by `since_id` and
`limit`, readable by whoever reads the project's orders and by an integration token with
the `changes` scope (X-13); another project is not found.

Transactional: on PostgreSQL the feed shows only finished transactions (docs/architecture.md),
so the changes must be committed, not held in a test's wrapping transaction."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.api.support import intake
from tests.api.test_service_accounts import TokenApi, token_create
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

FEED = "/projects/cod/changes"
FIELDS = {"id", "order", "external_id", "kind", "status", "status_group", "at"}


def changes_token(world, *scopes: str) -> TokenApi:
    """A token of the project's partner site with these scopes in its project."""
    args = [arg for scope in scopes for arg in ("--scope", scope)]
    return TokenApi(token_create(world.partner.username, "--project", world.project.slug, *args))


def test_the_feed_pages_by_since_id_with_limit(cod, api_for):
    # given three orders taken in
    partner = api_for(cod.partner)
    orders = [intake(partner, cod) for _ in range(3)]
    supervisor = api_for(cod.supervisor)
    # when the supervisor reads two at a time
    first = supervisor.get(FEED, since_id=0, limit=2)
    assert first.status_code == 200, first.data
    second = supervisor.get(FEED, since_id=first.data["next_since_id"], limit=2)
    last = supervisor.get(FEED, since_id=second.data["next_since_id"], limit=2)
    # then the pages hold the three `created` changes in id order, each once
    items = first.data["items"] + second.data["items"]
    assert [len(first.data["items"]), len(second.data["items"])] == [2, 1]
    assert [i["order"] for i in items] == [o["id"] for o in orders]
    assert [i["external_id"] for i in items] == [o["external_id"] for o in orders]
    ids = [i["id"] for i in items]
    assert ids == sorted(set(ids))
    assert first.data["next_since_id"] == ids[1] and second.data["next_since_id"] == ids[2]
    item = items[0]
    assert set(item) == FIELDS
    assert (item["kind"], item["status"], item["status_group"]) == ("created", "new", "new")
    assert datetime.fromisoformat(item["at"]).utcoffset() is not None
    # and past the last one nothing, with since_id handed back
    assert last.data == {"items": [], "next_since_id": ids[2]}


def test_the_feed_shows_its_project_only(cod, shop, api_for):
    intake(api_for(shop.partner), shop)
    mine = intake(api_for(cod.partner), cod)
    response = api_for(cod.supervisor).get(FEED)
    assert [i["order"] for i in response.data["items"]] == [mine["id"]]


def test_whoever_reads_the_orders_reads_the_feed(cod, api_for):
    intake(api_for(cod.partner), cod)
    for person in (cod.operator, cod.supervisor, cod.delivery):
        response = api_for(person).get(FEED)
        assert response.status_code == 200, (person, response.data)
        assert len(response.data["items"]) == 1


def test_a_partner_token_with_the_changes_scope_reads_the_feed_x_13(cod):
    # given a partner token for intake and the changes feed
    api = changes_token(cod, "intake", "changes")
    order = intake(api, cod)
    # when it polls, then it sees its order's change
    response = api.get(FEED)
    assert response.status_code == 200, response.data
    assert [(i["order"], i["kind"]) for i in response.data["items"]] == [(order["id"], "created")]
    # while the orders themselves stay closed to it (that is the `read` scope)
    assert api.get(f"/orders/{order['id']}").status_code == 403


@pytest.mark.parametrize("scopes", [None, ("intake",), ("intake", "read")])
def test_a_partner_token_without_the_changes_scope_is_forbidden_x_13(cod, scopes):
    # a service account's default token (intake), or one naming other scopes
    default = scopes is None
    api = TokenApi(token_create(cod.partner.username)) if default else changes_token(cod, *scopes)
    response = api.get(FEED)
    assert response.status_code == 403, response.data


def test_another_project_is_not_found(cod, shop, api_for):
    # given a partner of both projects whose token names the changes of COD only
    partner = UserFactory(username="both-partner")
    for world in (cod, shop):
        MembershipFactory(user=partner, project=world.project, role="integration")
    scoped = TokenApi(token_create("both-partner", "--project", "cod", "--scope", "changes"))
    intake(api_for(shop.partner), shop)
    # when it, or SHOP's supervisor for COD, asks for the other project's feed
    assert scoped.get("/projects/shop/changes").status_code == 404
    assert api_for(shop.supervisor).get(FEED).status_code == 404
    assert api_for(cod.supervisor).get("/projects/nope/changes").status_code == 404
    # then it is not found; its own project's feed is there
    assert scoped.get(FEED).status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"since_id": -1}, "since_id"),
        ({"since_id": "x"}, "since_id"),
    ],
)
def test_a_bad_limit_or_since_id_is_malformed_input(cod, api_for, params, field):
    response = api_for(cod.supervisor).get(FEED, **params)
    assert response.status_code == 422
    assert [(e["rule"], e["field"]) for e in response.data["errors"]] == [("input", field)]


def test_limit_up_to_500_is_taken(cod, api_for):
    intake(api_for(cod.partner), cod)
    response = api_for(cod.supervisor).get(FEED, limit=500)
    assert response.status_code == 200 and len(response.data["items"]) == 1
