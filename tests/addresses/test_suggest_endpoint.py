"""COD-12, SHOP-7: GET /addresses/suggest — login required; a provider that is down
answers 200 with `available: false` quickly, never 500."""

from __future__ import annotations

import time

import pytest

from tests.factories import UserFactory

URL = "/addresses/suggest"


@pytest.fixture
def operator_client(client, db):
    client.force_login(UserFactory(username="addr-operator"))
    return client


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL, {"kind": "city", "q": "Химки"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_city_suggestions_from_the_offline_provider(operator_client, settings):
    settings.ADDRESS_PROVIDER = "offline"
    response = operator_client.get(URL, {"kind": "city", "q": "химки"})
    assert response.status_code == 200
    data = response.json()
    assert data["available"] is True
    top = data["items"][0]
    assert (top["city"], top["postal_code"], top["key"]) == (
        "Химки",
        "141400",
        "Московская обл|Химки",
    )
    assert top["parts"]["region"] == "Московская обл"
    assert "place_key" not in top  # the same shape as DaData's items


def test_split_shows_every_candidate(operator_client, settings):
    settings.ADDRESS_PROVIDER = "offline"
    data = operator_client.get(URL, {"kind": "split", "q": "Ленинский 32"}).json()
    assert {"Москва", "Химки"} <= {item["city"] for item in data["items"]}


def test_an_unknown_kind_is_refused_and_long_input_is_cut(operator_client, settings):
    settings.ADDRESS_PROVIDER = "offline"
    # when a kind the endpoint does not know is asked, then it is input naming `kind`
    refused = operator_client.get(URL, {"kind": "region", "q": "x"})
    assert refused.status_code == 422
    assert [(e["rule"], e["field"]) for e in refused.json()["errors"]] == [("input", "kind")]
    # when 5000 characters are typed, then the first 200 are looked up, not refused
    response = operator_client.get(URL, {"kind": "split", "q": "Ленина 32 " * 500})
    assert response.status_code == 200
    data = response.json()
    assert data["available"] is True and data["items"]
    assert all(len(item["value"]) < 250 for item in data["items"])


@pytest.mark.parametrize("mode", ["slow", "500"])
def test_provider_down_answers_unavailable_within_a_second(
    operator_client, settings, fake_dadata, mode
):
    # given DaData configured and failing
    fake_dadata.mode = mode
    settings.ADDRESS_PROVIDER = "dadata"
    settings.DADATA_API_KEY = "test-key"
    settings.DADATA_SUGGEST_URL = fake_dadata.base_url
    started = time.monotonic()
    # when
    response = operator_client.get(URL, {"kind": "street", "q": "лен", "city": "7700000000000"})
    # then the operator types by hand
    assert time.monotonic() - started < 1.3
    assert response.status_code == 200
    data = response.json()
    assert data["items"] == [] and data["available"] is False and data["message"]
