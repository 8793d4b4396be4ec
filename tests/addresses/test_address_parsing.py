"""COD-12, SHOP-7: a free-text address line read into its parts, without a provider."""

from __future__ import annotations

import pytest

from dozvon.addresses.parsing import House, parse_house, parse_line

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "г. Москва, ул. Ленина, д. 32, кв. 5",
            {"city": "Москва", "street_type": "ул", "street": "Ленина", "house": "32", "flat": "5"},
        ),
        # STACK-NOTES: a common parser reads корпус=32 here and loses the house
        (
            "Ленина 32 корп 2 кв 17",
            {"loose": ("Ленина",), "house": "32", "block_type": "корп", "block": "2", "flat": "17"},
        ),
        (
            "ул. Ленина 32 корп 2 кв 17",
            {"street": "Ленина", "house": "32", "block": "2", "flat": "17"},
        ),
        ("Ленина д32 кв17", {"loose": ("Ленина",), "house": "32", "flat": "17"}),
        ("Ленинский 32к2", {"house": "32", "block_type": "корп", "block": "2"}),
        ("Тверская ул, д 7 стр 1", {"street": "Тверская", "house": "7", "block_type": "стр"}),
        ("ул. 8 Марта, д. 5", {"street": "8 Марта", "house": "5"}),
        ("8 Марта 5", {"loose": ("8 Марта",), "house": "5"}),  # "8" belongs to the street
        (
            "Московская обл., г. Химки, Ленинский пр-т, д.32/2, кв.17",
            {"region": "Московская", "city": "Химки", "street_type": "пр-кт", "house": "32/2"},
        ),
        ("101000, г Москва, Тверская 1", {"postal_code": "101000", "city": "Москва"}),
        ("ГОРОД МОСКВА УЛИЦА ЛЕНИНА ДОМ 32", {"city": "МОСКВА", "street": "ЛЕНИНА", "house": "32"}),
        ("Ленина 32 17", {"house": "32", "flat": "", "unparsed": ("17",)}),  # not guessed
    ],
)
def test_line_parts_are_labelled_by_their_markers(line, expected):
    # when
    parsed = parse_line(line)
    # then
    assert {k: getattr(parsed, k) for k in expected} == expected


def test_block_and_building_of_one_house_are_both_kept():
    assert parse_line("Ленинский 32к2с1").block == "2 стр 1"


@pytest.mark.parametrize(
    ("text", "house"),
    [
        ("32", House("32")),
        ("32А", House("32а")),
        ("д. 32 корп. 2", House("32", "корп", "2")),
        ("32 стр 1", House("32", "стр", "1")),
        ("Ленина", None),
        ("", None),
    ],
)
def test_house_numbers(text, house):
    assert parse_house(text) == house
