"""COD-12, SHOP-7: the DaData provider against a real HTTP server on 127.0.0.1 speaking
DaData's protocol; down, slow or garbled → ProviderUnavailable within the 1 s deadline."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from dozvon.addresses.choice import get_provider
from dozvon.addresses.dadata import DadataProvider
from dozvon.addresses.providers import ProviderUnavailable
from tests.addresses.fake_dadata import MOSCOW, PATH

pytestmark = pytest.mark.nodb

KEY = "test-key-0123456789abcdef"


def provider(fake, **kw) -> DadataProvider:
    return DadataProvider(api_key=KEY, base_url=fake.base_url, **kw)


def test_house_suggestions_send_the_token_and_a_dadata_body(fake_dadata):
    # when
    found = provider(fake_dadata).suggest_house("5000003000000", "50000030000012300", "32", 5)
    # then the server got DaData's request
    (got,) = fake_dadata.received
    assert got.path == PATH
    assert got.headers["Authorization"] == f"Token {KEY}"
    assert got.headers["Content-Type"] == "application/json"
    assert got.body == {
        "query": "32",
        "count": 5,
        "from_bound": {"value": "house"},
        "to_bound": {"value": "house"},
        "locations": [{"kladr_id": "50000030000012300"}],
        "restrict_value": True,
    }
    # and its answer is read into a suggestion
    (s,) = found
    assert (s.level, s.region, s.city, s.street, s.house, s.building, s.postal_code) == (
        "house",
        "Московская обл",
        "Химки",
        "Ленинский пр-кт",
        "32",
        "корп 2",
        "141402",
    )
    assert s.source == "dadata" and s.fias_id and s.key == "5000003000001230045"


def test_city_and_street_requests(fake_dadata):
    # given
    fake_dadata.suggestions = [MOSCOW]
    dadata = provider(fake_dadata)
    # when
    (moscow,) = dadata.suggest_city("моск", 10)
    dadata.suggest_street(moscow.key, "тверс", 50)
    dadata.suggest_street("г. Химки", "лен", 3)
    # then
    city, street, by_name = (r.body for r in fake_dadata.received)
    assert city == {
        "query": "моск",
        "count": 10,
        "from_bound": {"value": "city"},
        "to_bound": {"value": "settlement"},
    }
    assert street["locations"] == [{"kladr_id": "7700000000000"}]
    assert street["from_bound"] == street["to_bound"] == {"value": "street"}
    assert street["count"] == 20 and street["restrict_value"] is True  # DaData's maximum
    assert by_name["locations"] == [{"city": "Химки"}, {"settlement": "Химки"}]
    assert (moscow.level, moscow.city, moscow.region, moscow.postal_code) == (
        "city",
        "Москва",
        "г Москва",
        "101000",
    )


def test_a_house_on_a_street_typed_by_hand_is_searched_in_the_town(fake_dadata):
    provider(fake_dadata).suggest_house("Химки", "Ленинский пр-кт", "32", 5)
    body = fake_dadata.received[0].body
    assert body["query"] == "Ленинский пр-кт 32"
    assert body["locations"] == [{"city": "Химки"}, {"settlement": "Химки"}]


def test_split_returns_every_candidate_and_keeps_the_typed_flat(fake_dadata):
    # given DaData knows the house but lists no flats in it
    fake_dadata.suggestions = [MOSCOW | {}, _khimki_without_block()]
    # when
    found = provider(fake_dadata).split("Ленинский 32 корп 2 кв 17", 10)
    # then the query went as typed, and the flat and block typed are not lost
    assert fake_dadata.received[0].body == {"query": "Ленинский 32 корп 2 кв 17", "count": 10}
    assert len(found) == 2
    khimki = found[1]
    assert (khimki.house, khimki.block, khimki.flat) == ("32", "2", "17")
    assert khimki.value.endswith("д 32, корп 2, кв 17")


def _khimki_without_block():
    from tests.addresses.fake_dadata import KHIMKI_HOUSE

    data = KHIMKI_HOUSE["data"] | {"block": None, "block_type": None}
    return KHIMKI_HOUSE | {"data": data}


@pytest.mark.parametrize("mode", ["500", "slow", "trickle", "garbage"])
def test_a_failing_or_slow_server_makes_the_provider_unavailable_within_the_deadline(
    fake_dadata, mode
):
    # given
    fake_dadata.mode = mode
    started = time.monotonic()
    # when / then
    with pytest.raises(ProviderUnavailable) as caught:
        provider(fake_dadata).suggest_city("моск", 5)
    assert time.monotonic() - started < 1.2
    assert KEY not in str(caught.value)


def test_nothing_listening_is_unavailable_at_once():
    dadata = DadataProvider(api_key=KEY, base_url="http://127.0.0.1:9/suggestions/api/4_1/rs")
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable):
        dadata.suggest_city("моск", 5)
    assert time.monotonic() - started < 1.2


def test_after_a_failure_calls_fail_at_once_for_the_cooloff(fake_dadata):
    # given one slow answer
    fake_dadata.mode = "slow"
    dadata = provider(fake_dadata, cooloff=30)
    with pytest.raises(ProviderUnavailable):
        dadata.suggest_city("моск", 5)
    # when asked again, even by a new provider object
    fake_dadata.mode = "ok"
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable):
        provider(fake_dadata, cooloff=30).suggest_city("моск", 5)
    # then it did not wait and did not call
    assert time.monotonic() - started < 0.1
    assert len(fake_dadata.received) == 1


def test_an_empty_query_asks_nothing(fake_dadata):
    assert provider(fake_dadata).suggest_city("   ", 5) == []
    assert fake_dadata.received == []


def test_the_key_is_not_in_the_repr_and_plain_http_only_to_loopback():
    assert KEY not in repr(DadataProvider(api_key=KEY))
    with pytest.raises(ImproperlyConfigured):
        DadataProvider(api_key=KEY, base_url="http://dadata.example/suggestions/api/4_1/rs")


def test_settings_choose_the_provider(settings):
    settings.ADDRESS_PROVIDER = "offline"
    assert get_provider().name == "offline"
    settings.ADDRESS_PROVIDER = "dadata"
    settings.DADATA_API_KEY = KEY
    settings.DADATA_SUGGEST_URL = "https://dadata.example/api"
    chosen = get_provider()
    assert (chosen.name, chosen.base_url) == ("dadata", "https://dadata.example/api")
    settings.DADATA_API_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        get_provider()
    settings.ADDRESS_PROVIDER = "yandex"
    with pytest.raises(ImproperlyConfigured):
        get_provider()
