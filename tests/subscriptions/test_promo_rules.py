"""SUB-5 as pure rules: no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dozvon.core.money import line_total
from dozvon.subscriptions import promo_rules as pr

PROMO = pr.PromoFacts(
    active=True,
    valid_until=date(2026, 12, 31),
    discount_amount=Decimal("447.00"),
    product_ids=frozenset({1, 2, 3}),
)


def item(pk, product, price="999.00", amount="0"):
    return pr.ItemFacts(pk, product, Decimal(price), Decimal(amount))


def test_code_is_compared_trimmed_and_in_upper_case_SUB_5():
    assert pr.normalize_code("  sub 447 ") == "SUB447"
    assert [v.rule for v in pr.check_code_text("   ")] == ["SUB-5"]


def test_code_is_usable_through_its_last_day_SUB_5():
    assert pr.check_usable(PROMO, today=date(2026, 12, 31)) == []


def test_code_expired_after_its_end_date_is_refused_on_code_SUB_5():
    found = pr.check_usable(PROMO, today=date(2027, 1, 1))
    assert [(v.rule, v.field) for v in found] == [("SUB-5", "code")]


def test_unknown_or_inactive_code_is_refused_on_code_SUB_5():
    off = pr.PromoFacts(False, PROMO.valid_until, PROMO.discount_amount, PROMO.product_ids)
    for promo in (None, off):
        found = pr.check_usable(promo, today=date(2026, 1, 1))
        assert [(v.rule, v.field) for v in found] == [("SUB-5", "code")]


def test_fixed_discount_goes_to_every_issue_of_the_collection_only_SUB_5():
    amounts, found = pr.discounts(PROMO, [item(10, 1), item(11, 2), item(12, 99)])
    assert found == []
    assert amounts == {10: Decimal("447.00"), 11: Decimal("447.00")}
    assert line_total(Decimal("999.00"), 1, Decimal(0), amounts[10]) == Decimal("552.00")


def test_code_on_another_collections_product_is_refused_SUB_5():
    amounts, found = pr.discounts(PROMO, [item(10, 77)])
    assert amounts == {}
    assert [(v.rule, v.field) for v in found] == [("SUB-5", "code")]


def test_applying_again_changes_nothing_SUB_5():
    amounts, found = pr.discounts(PROMO, [item(10, 1, amount="447.00")])
    assert (amounts, found) == ({}, [])


def test_refusals_never_repeat_the_code_text_SUB_5():
    found = pr.plan(None, [item(1, 1)], today=date(2026, 1, 1))[1]
    found += pr.check_usable(PROMO, today=date(2030, 1, 1))
    assert all("447" not in v.render() for v in found)


@given(
    price=st.decimals(min_value=0, max_value=100000, places=2),
    amount=st.decimals(min_value=0, max_value=100000, places=2),
    quantity=st.integers(min_value=1, max_value=1000),
    percent=st.decimals(min_value=0, max_value=100, places=2),
)
def test_fixed_discount_never_makes_a_price_negative_SUB_5(price, amount, quantity, percent):
    off = pr.unit_discount(price, amount)
    assert Decimal(0) <= off <= price
    assert (
        Decimal(0)
        <= line_total(price, quantity, percent, amount)
        <= line_total(price, quantity, Decimal(0))
    )
