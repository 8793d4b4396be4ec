"""X-13: integration users (partner sites, billing, PBX) are API-only service accounts, and
their tokens are limited per project to what they integrate (API.md "Auth": a project the
token cannot see is 404, an action it may not do is 403)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from dozvon.accounts.models import ApiToken
from tests.api.support import call, intake, intake_body, outcome, snapshot
from tests.conftest import Api
from tests.factories import MembershipFactory, UserFactory

API_ONLY = "только для API"
ADMIN = "/admin/login/?next=/admin/"


class TokenApi(Api):
    """The test API client, for a token made by `dozvon token create`."""

    def __init__(self, token: str):
        self.token = token
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="ru")


def token_create(*args: str) -> str:
    out = StringIO()
    call_command("token", "create", *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


@pytest.fixture
def two_project_partner(cod, shop):
    """One partner site feeding both projects (integration in each)."""
    user = UserFactory(username="multi-partner")
    MembershipFactory(user=user, project=cod.project, role="integration")
    MembershipFactory(user=user, project=shop.project, role="integration")
    return user


# --- no web or admin sign-in ------------------------------------------------------------


def test_service_account_cannot_sign_in_on_either_page_with_the_right_password(client, cod):
    # given the COD partner site's user, even with the staff flag
    cod.partner.is_staff = True
    cod.partner.save(update_fields=["is_staff"])
    for path in ("/login/", ADMIN):
        # when it signs in with the right password
        response = client.post(path, {"username": cod.partner.username, "password": "pw"})
        # then it is refused, told that the account is for the API only
        assert response.status_code == 200, path
        assert API_ONLY in response.content.decode(), path
        assert "_auth_user_id" not in client.session


def test_service_account_with_a_wrong_password_gets_the_usual_answer(client, cod):
    response = client.post("/login/", {"username": cod.partner.username, "password": "nope"})
    page = response.content.decode()
    assert "Неверный логин или пароль." in page and API_ONLY not in page


def test_a_session_held_by_a_service_account_is_dropped(client, cod):
    # given a session opened for the partner by some other path
    client.force_login(cod.partner)
    # when it asks for a page, then it is treated as signed out
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/admin/").status_code == 302


def test_a_person_with_an_integration_role_and_another_role_signs_in(client, cod, shop):
    user = UserFactory(username="both-roles")
    MembershipFactory(user=user, project=cod.project, role="integration")
    MembershipFactory(user=user, project=shop.project, role="operator")
    response = client.post("/login/", {"username": "both-roles", "password": "pw"})
    assert response.status_code == 302


# --- tokens scoped per project ----------------------------------------------------------


def test_scoped_token_takes_orders_into_its_project_and_sees_only_it(two_project_partner, cod):
    # given a token for the COD intake only
    api = TokenApi(token_create("multi-partner", "--project", "cod", "--scope", "intake"))
    # when the partner sends an order to COD
    response = api.post("/projects/cod/orders", intake_body(cod))
    # then it is created and returned to its sender
    assert response.status_code == 201, response.data
    assert response.data["project"] == "cod" and response.data["id"]
    assert [p["slug"] for p in api.get("/projects").data] == ["cod"]


def test_scoped_token_cannot_intake_into_another_project_of_its_user(two_project_partner, shop):
    # given a COD-only intake token of a user who is SHOP's integration too
    api = TokenApi(token_create("multi-partner", "--project", "cod", "--scope", "intake"))
    # when it sends an order to SHOP, then SHOP does not exist for it
    response = api.post("/projects/shop/orders", intake_body(shop))
    assert response.status_code == 404, response.data
    for path in ("/projects/shop/products", "/projects/shop/playbook"):
        assert api.get(path).status_code == 404, path
    assert shop.project.orders.count() == 0


def test_integration_cannot_read_orders_it_may_create(cod, shop, api_for):
    # given an order the partner created, and one of another project
    partner = api_for(cod.partner)
    order_id = intake(partner, cod)["id"]
    foreign_id = intake(api_for(shop.partner), shop)["id"]
    # when it reads them, then its own project's order is forbidden, the other not found
    assert partner.get(f"/orders/{order_id}").status_code == 403
    assert partner.get(f"/orders/{order_id}/timeline").status_code == 403
    assert partner.get(f"/orders/{foreign_id}").status_code == 404
    # while its catalogue and playbook stay readable for building orders
    assert partner.get("/projects/cod/products").status_code == 200
    assert partner.get("/projects/cod/playbook").status_code == 200


def test_integration_cannot_confirm_and_nothing_changes(cod, api_for):
    # given an order the partner took in, and a supervisor to look at it
    partner, supervisor = api_for(cod.partner), api_for(cod.supervisor)
    order_id = intake(partner, cod)["id"]
    call(api_for(cod.operator), order_id, "answered")
    before = snapshot(supervisor, order_id)
    # when the partner tries to confirm it or comment on it
    assert outcome(partner, order_id, "confirm").status_code == 403
    assert partner.post(f"/orders/{order_id}/comments", {"text": "x"}).status_code == 403
    # then nothing changed
    assert snapshot(supervisor, order_id) == before


def test_integration_cannot_list_orders_or_queues(cod, api_for):
    partner = api_for(cod.partner)
    intake(partner, cod)
    assert partner.get("/projects/cod/orders").status_code == 403
    assert partner.get("/projects/cod/queues").status_code == 403


def test_a_read_scope_lets_an_integration_read_but_not_write(cod):
    # given a partner token with intake and read scopes (e.g. a reconciliation job)
    api = TokenApi(
        token_create(
            cod.partner.username, "--project", "cod", "--scope", "intake", "--scope", "read"
        )
    )
    order = intake(api, cod)
    # when it reads the order, then it may; when it edits it, then it may not
    assert api.get(f"/orders/{order['id']}").status_code == 200
    edit = api.patch(f"/orders/{order['id']}", {"version": order["version"], "delivery_note": "x"})
    assert edit.status_code == 403, edit.data


def test_a_service_accounts_token_defaults_to_intake_in_its_projects(
    two_project_partner, cod, shop
):
    # when a token is made for a service account without naming scopes
    token_create("multi-partner")
    # then it carries intake in each of its projects, and nothing else
    token = ApiToken.objects.get(user=two_project_partner)
    assert token.project_scopes() == {
        cod.project.pk: frozenset({"intake"}),
        shop.project.pk: frozenset({"intake"}),
    }


def test_a_persons_token_still_carries_their_roles(cod, api_for):
    # given an order, and an operator's token made as before
    order_id = intake(api_for(cod.partner), cod)["id"]
    api = TokenApi(token_create(cod.operator.username))
    assert ApiToken.objects.get(user=cod.operator).scopes is None
    # when the operator works with it, then it works as before
    assert api.get(f"/orders/{order_id}").status_code == 200
    assert api.get("/projects/cod/orders").data["count"] == 1
    assert api.post(f"/orders/{order_id}/calls", {"result": "answered"}).status_code == 201


@pytest.mark.parametrize(
    "args",
    [
        ("--project", "cod", "--scope", "everything"),  # unknown scope
        ("--project", "shop", "--scope", "intake"),  # no role in SHOP
        ("--project", "nope", "--scope", "intake"),  # no such project
        ("--project", "cod"),  # a project without a scope
    ],
)
def test_token_create_refuses_bad_scopes_clearly(cod, shop, args):
    with pytest.raises(CommandError):
        token_create(cod.partner.username, *args)
    assert not ApiToken.objects.filter(user=cod.partner).exists()
