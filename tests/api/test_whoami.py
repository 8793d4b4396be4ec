"""X-13: `GET /api/v1/whoami` tells a partner whose token it holds and what it may do; it is
also the framework floor of `make bench` (issue 18), so it reads nothing but the token."""

from __future__ import annotations

import pytest
from django.test import Client

from dozvon.accounts.models import ApiToken
from dozvon.accounts.services import token_create
from tests.conftest import NOW


def _client(token: str | None) -> Client:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client(**headers)


def test_whoami_names_the_person_with_an_unrestricted_token_in_one_query_X_13(
    cod, django_assert_num_queries
):
    client = _client(token_create(user=cod.operator, now=NOW))
    client.get("/api/v1/whoami")  # the first use also stamps the token's last use
    with django_assert_num_queries(1):
        response = client.get("/api/v1/whoami")
    assert response.status_code == 200
    assert response.json() == {"user": cod.operator.username, "scopes": None}


def test_whoami_lists_a_limited_tokens_scopes_by_project_slug_X_13(
    cod, shop, django_assert_num_queries
):
    from tests.factories import MembershipFactory

    MembershipFactory(user=cod.partner, project=shop.project, role="integration")
    token = token_create(
        user=cod.partner,
        scopes={cod.project: ["intake", "changes"], shop.project: ["intake"]},
        now=NOW,
    )
    client = _client(token)
    client.get("/api/v1/whoami")
    with django_assert_num_queries(2):  # the token, then the projects' slugs
        response = client.get("/api/v1/whoami")
    assert response.status_code == 200
    assert response.json() == {
        "user": cod.partner.username,
        "scopes": {cod.project.slug: ["changes", "intake"], shop.project.slug: ["intake"]},
    }


def test_whoami_leaves_out_an_inactive_project_X_13(cod):
    token = token_create(user=cod.partner, now=NOW)  # a service account: intake in cod
    cod.project.is_active = False
    cod.project.save(update_fields=["is_active"])
    response = _client(token).get("/api/v1/whoami")
    assert response.status_code == 200
    assert response.json() == {"user": cod.partner.username, "scopes": {}}


@pytest.mark.parametrize("token", [None, "dz_not-a-token"])
def test_whoami_without_a_valid_token_is_401_X_13(cod, token):
    response = _client(token).get("/api/v1/whoami")
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


def test_whoami_with_a_revoked_token_is_401_X_13(cod):
    token = token_create(user=cod.operator, now=NOW)
    ApiToken.objects.filter(user=cod.operator).update(revoked=True)
    assert _client(token).get("/api/v1/whoami").status_code == 401


def test_whoami_is_documented_in_the_openapi_document(cod):
    schema = _client(None).get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/whoami"]["get"]
    assert {"200", "401"} <= set(operation["responses"])


pytestmark = pytest.mark.django_db
