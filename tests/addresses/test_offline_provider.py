"""COD-12, SHOP-7: the offline provider on real towns, their postal index and region, and
an ambiguous line that it shows rather than picks."""

from __future__ import annotations

import pytest

from dozvon.addresses.offline import OfflineProvider, load

pytestmark = pytest.mark.nodb


@pytest.fixture(scope="module")
def offline():
    return OfflineProvider()


# Town → its main post office's index, region and district, as in our ru_places.csv.
REAL_TOWNS = [
    ("Москва", "101000", "г Москва", ""),
    ("Санкт-Петербург", "190000", "г Санкт-Петербург", ""),
    ("Новосибирск", "630000", "Новосибирская обл", ""),
    ("Екатеринбург", "620000", "Свердловская обл", ""),
    ("Казань", "420000", "Респ Татарстан", ""),
    ("Нижний Новгород", "603000", "Нижегородская обл", ""),
    ("Красноярск", "660000", "Красноярский край", ""),
    ("Владивосток", "690000", "Приморский край", ""),
    ("Сочи", "354000", "Краснодарский край", ""),
    ("Химки", "141400", "Московская обл", ""),
    ("Королёв", "141070", "Московская обл", ""),
    ("Балашиха", "143900", "Московская обл", ""),
    ("Подольск", "142100", "Московская обл", ""),
    ("Апрелевка", "143360", "Московская обл", "г Наро-Фоминск"),
    ("Гатчина", "188300", "Ленинградская обл", "Гатчинский р-н"),
    ("Горняк", "658420", "Алтайский край", "Локтевский р-н"),
]


@pytest.mark.parametrize(("name", "postal_code", "region", "district"), REAL_TOWNS)
def test_city_suggestion_fills_index_region_and_district(
    offline, name, postal_code, region, district
):
    # when the operator types the town's name in lower case
    found = offline.suggest_city(name.lower(), 5)
    # then it comes first, with its index, region and district
    top = found[0]
    assert (top.city, top.postal_code, top.region, top.district) == (
        name,
        postal_code,
        region,
        district,
    )
    assert top.level == "city" and top.key == f"{region}|{name}"
    assert top.kladr_id is None and top.fias_id is None  # no source of our own for them


def test_a_town_whose_index_is_not_known_comes_without_one(offline):
    # given a town of our list with no postal index
    place = next(p for p in load().places if not p.postal_code)
    # when
    (top,) = [s for s in offline.suggest_city(place.name, 20) if s.key == place.key]
    # then it is still offered, its index left for the operator, or taken from the line
    assert (top.city, top.region, top.postal_code) == (place.name, place.region, "")
    typed = offline.split(f"123456, {place.region}, г {place.name}", 5)
    assert typed[0].city == place.name and typed[0].postal_code == "123456"


def test_the_data_is_whole(offline):
    data = load()
    assert len(data.places) >= 170
    moscow_region = [p for p in data.places if p.region == "Московская обл"]
    assert len(moscow_region) >= 40
    assert all(
        p.postal_code == "" or (p.postal_code.isdigit() and len(p.postal_code) == 6)
        for p in data.places
    )
    assert all(p.population > 0 and p.type == "г" for p in data.places)
    assert len(data.by_key) == len(data.places)
    assert {s.city_key for s in data.streets} <= data.by_key.keys()


@pytest.mark.parametrize("query", ["г. Королев", "КОРОЛЁВ", "королев", "корол"])
def test_city_matching_ignores_case_yo_and_type_words(offline, query):
    assert offline.suggest_city(query, 5)[0].city == "Королёв"


def test_prefixes_of_words_match_and_bigger_towns_come_first(offline):
    assert [s.city for s in offline.suggest_city("нижний нов", 5)] == ["Нижний Новгород"]
    assert offline.suggest_city("нов", 3)[0].city == "Новосибирск"


def test_towns_of_one_name_in_two_regions_are_both_offered(offline):
    regions = {s.region for s in offline.suggest_city("Киров", 10) if s.city == "Киров"}
    assert regions == {"Кировская обл", "Калужская обл"}


def test_streets_of_the_chosen_city(offline):
    # given Khimki chosen (its key is region|name)
    khimki = offline.suggest_city("Химки", 1)[0]
    assert khimki.key == "Московская обл|Химки"
    # when
    streets = [s.street for s in offline.suggest_street(khimki.key, "лен", 10)]
    # then
    assert streets == ["Ленинградская ул", "Ленинский пр-кт"]
    assert offline.suggest_street("Химки", "ул лен", 10)[0].street == "Ленинградская ул"


def test_house_is_read_from_what_was_typed(offline):
    khimki = "Московская обл|Химки"
    found = offline.suggest_house(khimki, "Ленинский пр-кт", "32к2", 5)
    assert [(s.street, s.house, s.building, s.postal_code) for s in found] == [
        ("Ленинский пр-кт", "32", "корп 2", "141400")
    ]
    assert offline.suggest_house(khimki, "Ленинский пр-кт", "Ленина", 5) == []


def test_the_key_tells_towns_of_one_name_apart(offline):
    (kaluga_kirov,) = offline.places("Калужская обл|Киров")
    assert kaluga_kirov.region == "Калужская обл"
    assert len(offline.places("Киров")) == 2  # a bare name means every town of that name


def test_lenina_32_without_a_town_is_ambiguous_and_every_town_is_shown(offline):
    # SHOP-7: never silently picked
    found = offline.split("Ленина 32", 10)
    towns = {s.city for s in found}
    assert len(found) >= 5
    assert {"Санкт-Петербург", "Новосибирск", "Балашиха", "Подольск"} <= towns
    assert all(s.house == "32" for s in found)


def test_lenin_avenue_32_may_be_moscow_or_khimki(offline):
    # SHOP-7's example: meant in Moscow, it may resolve to Khimki; both are offered
    towns = [s.city for s in offline.split("Ленинский 32", 10)]
    assert "Москва" in towns and "Химки" in towns


def test_a_named_town_narrows_the_line_to_one_candidate(offline):
    found = offline.split("Химки Ленинский 32 корп 2 кв 17", 10)
    assert [(s.city, s.street, s.house, s.block, s.flat, s.postal_code) for s in found] == [
        ("Химки", "Ленинский пр-кт", "32", "2", "17", "141400")
    ]


def test_a_street_the_data_does_not_know_is_kept_as_typed(offline):
    # given a street not in the demo list
    found = offline.split("г. Москва, ул. Ленина, д. 32, кв. 5", 10)
    # then the town is recognised, the street carried over unverified
    assert len(found) == 1
    assert (found[0].level, found[0].city, found[0].street, found[0].flat) == (
        "city",
        "Москва",
        "ул Ленина",
        "5",
    )
    assert found[0].parts()["apartment"] == "5"


def test_a_typed_postal_code_is_kept(offline):
    # the operator's index wins over the town's main one (141400)
    assert offline.split("141402, Химки, Ленинский 32", 5)[0].postal_code == "141402"
