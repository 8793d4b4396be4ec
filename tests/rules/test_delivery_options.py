"""Delivery options from a project's rate tables (SPEC COD-13, SHOP-7): which methods an
address has, at what cost and terms, in what order, and which one is not offered."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dozvon.delivery.rules import (
    Address,
    MethodFact,
    RateFact,
    delivery_options,
    option_for,
    place_key,
)

pytestmark = pytest.mark.nodb

D = Decimal
COURIER = MethodFact("courier", "courier", sort_order=10, name_ru="Курьер", name_en="Courier")
POST = MethodFact("russian_post", "post", "not_with_courier", 20, name_ru="Почта России")
PICKUP = MethodFact("pickup", "pickup", sort_order=5, name_ru="Пункт выдачи")
METHODS = (POST, PICKUP, COURIER)  # deliberately not in the order they are shown
RATES = (
    RateFact("courier", D("350"), 1, 2, city="Москва", free_from=D("5000")),
    RateFact("courier", D("450"), 1, 3, region="Московская область"),
    RateFact("russian_post", D("390"), 5, 14),
    RateFact("russian_post", D("290"), 3, 7, city="Москва"),
    RateFact("pickup", D("199"), 2, 3, city="Москва"),
)
MOSCOW = Address(region="Москва", city="Москва")
FAR_TOWN = Address(region="Магаданская область", city="Сусуман")


def options(address, goods_total="1000", methods=METHODS, rates=RATES):
    return delivery_options(
        address=address, goods_total=D(goods_total), methods=methods, rates=rates
    )


def test_moscow_lists_courier_first_and_marks_post_do_not_offer_cod_13():
    # given courier, pickup and Post all delivering to Moscow
    # when the options for a Moscow address are listed
    found = options(MOSCOW)
    # then courier is first, Post is last and marked "do not offer" with the rule
    assert [o.code for o in found] == ["courier", "pickup", "russian_post"]
    post = found[-1]
    assert (post.do_not_offer, post.rule) == (True, "COD-13")
    assert post.reason
    assert not any(o.do_not_offer for o in found[:-1])


def test_a_far_away_town_gets_post_only_and_post_is_offered_cod_13():
    # given no courier or pickup in Magadan region
    found = options(FAR_TOWN)
    # then Post is the one option, at the "anywhere" rate, and may be offered
    assert [(o.code, o.cost, o.days_min, o.days_max) for o in found] == [
        ("russian_post", D("390.00"), 5, 14)
    ]
    assert found[0].do_not_offer is False and found[0].rule == ""


def test_post_is_offered_where_only_pickup_competes_cod_13():
    # given an address with Post and pickup but no courier
    rates = (*RATES, RateFact("pickup", D("249"), 2, 4, city="Казань"))
    found = options(Address(region="Республика Татарстан", city="Казань"), rates=rates)
    # then nothing is marked: the "not with courier" policy needs a courier
    assert [o.code for o in found] == ["pickup", "russian_post"]
    assert not any(o.do_not_offer for o in found)


@pytest.mark.parametrize(
    ("address", "cost", "days"),
    [
        (MOSCOW, D("350.00"), (1, 2)),  # the city row beats the region row
        (Address(region="Московская область", city="Химки"), D("450.00"), (1, 3)),
        (Address(region="Московская обл.", city="г. Химки"), D("450.00"), (1, 3)),
    ],
)
def test_the_most_specific_rate_wins_city_over_region_over_anywhere_cod_13(address, cost, days):
    courier = option_for(options(address), "courier")
    assert courier is not None
    assert (courier.cost, (courier.days_min, courier.days_max)) == (cost, days)


def test_post_in_moscow_uses_the_city_rate_not_anywhere_cod_13():
    post = option_for(options(MOSCOW), "russian_post")
    assert (post.cost, post.days_min, post.days_max) == (D("290.00"), 3, 7)


def test_a_rate_naming_region_and_city_beats_one_naming_the_city_only_cod_13():
    # given two towns called "Королёв" — a rate for the one in Moscow region
    rates = (
        RateFact("courier", D("600"), 2, 3, city="Королёв"),
        RateFact("courier", D("400"), 1, 2, region="Московская область", city="Королев"),
    )
    near = options(Address("Московская область", "Королёв"), methods=(COURIER,), rates=rates)
    other = options(Address("Другая область", "Королёв"), methods=(COURIER,), rates=rates)
    assert near[0].cost == D("400.00")
    assert other[0].cost == D("600.00")


@pytest.mark.parametrize(
    ("goods_total", "cost", "free"),
    [("4999.99", D("350.00"), False), ("5000", D("0.00"), True), ("12000", D("0.00"), True)],
)
def test_delivery_is_free_from_the_rates_threshold_cod_13(goods_total, cost, free):
    courier = option_for(options(MOSCOW, goods_total=goods_total), "courier")
    assert (courier.cost, courier.free) == (cost, free)


def test_a_method_without_a_matching_rate_is_not_an_option_cod_13():
    found = options(Address(region="Ленинградская область", city="Выборг"))
    assert option_for(found, "courier") is None
    assert option_for(found, "pickup") is None
    assert option_for(found, "nonexistent") is None


def test_an_address_without_a_city_is_matched_by_its_region_as_a_federal_city_cod_13():
    found = options(Address(region="г. Москва", city=""))
    assert found[0].code == "courier" and found[0].cost == D("350.00")


def test_shop_list_is_ordered_couriers_first_then_by_sort_order_shop_7():
    # given SHOP-7's list: within MKAD, outside MKAD, pickup, other
    methods = (
        MethodFact("other", "other", sort_order=40),
        MethodFact("pickup", "pickup", sort_order=30),
        MethodFact("outside_mkad", "courier", sort_order=20),
        MethodFact("within_mkad", "courier", sort_order=10),
    )
    rates = (
        RateFact("within_mkad", D("500"), 1, 1, city="Москва"),
        RateFact("outside_mkad", D("900"), 1, 2, region="Московская область"),
        RateFact("pickup", D("0"), 0, 1, city="Москва"),
        RateFact("other", D("1500"), 3, 10),
    )
    found = options(MOSCOW, methods=methods, rates=rates)
    assert [o.code for o in found] == ["within_mkad", "pickup", "other"]
    assert not any(o.do_not_offer for o in found)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("г. Москва", "москва"),
        ("Московская обл.", "московская область"),
        ("  КОРОЛЁВ ", "королев"),
        ("Респ Татарстан", "республика татарстан"),
        ("*", "*"),
        ("", ""),
    ],
)
def test_place_names_compare_without_case_yo_and_abbreviations(typed, key):
    assert place_key(typed) == key


def test_option_names_follow_the_language_with_russian_as_fallback():
    courier = option_for(options(MOSCOW), "courier")
    assert courier.name("en") == "Courier"
    assert courier.name("uk-ua") == "Курьер"
    assert courier.name(None) == "Курьер"
