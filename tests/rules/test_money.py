"""Money, order lines and totals (SPEC X-5, COD-11, COD-14)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dozvon.core.money import format_money, line_total, money
from dozvon.orders.rules import MAX_QUANTITY, LineFact, ProductFact, check_item, totals

pytestmark = pytest.mark.nodb

D = Decimal


# --- money ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.005", D("1.01")),
        ("1.004", D("1.00")),
        ("2.675", D("2.68")),
        ("-0.005", D("-0.01")),
        (1990, D("1990.00")),
        ("1e3", D("1000.00")),
        (D("0.1") + D("0.2"), D("0.30")),
    ],
)
def test_money_is_rounded_half_up_to_kopecks_x_5(value, expected):
    # given an amount
    # when it is made money
    result = money(value)
    # then it has two decimal places, rounded half up as cash registers do
    assert result == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize("value", ["abc", "", None, "Infinity", "-Infinity", "NaN", "sNaN"])
def test_money_refuses_what_is_not_an_amount_x_5(value):
    # given something that is not a finite amount
    # when it is made money
    # then ValueError says so
    with pytest.raises(ValueError, match="not a money amount"):
        money(value)


@pytest.mark.parametrize(
    ("value", "text"), [(D("1990"), "1990.00"), (D("0.5"), "0.50"), (D("12.345"), "12.35")]
)
def test_money_is_formatted_with_two_decimals_cod_14(value, text):
    # given an amount in the closing script
    # when it is formatted
    # then it has exactly two decimals
    assert format_money(value) == text


@pytest.mark.parametrize(
    ("price", "quantity", "discount", "expected"),
    [
        (D("1000"), 1, D("0"), D("1000.00")),
        (D("1000"), 3, D("10"), D("2700.00")),
        (D("1990"), 2, D("100"), D("0.00")),  # a gift
        (D("99.99"), 3, D("33.33"), D("199.99")),  # 299.97 × 0.6667 = 199.98999…
        (D("0.01"), 1, D("50"), D("0.01")),  # half a kopeck rounds up
    ],
    ids=["plain", "discount", "gift", "odd-discount", "half-kopeck"],
)
def test_line_total_is_price_times_quantity_less_discount_x_5_cod_11(
    price, quantity, discount, expected
):
    # given an order line
    # when its total is computed
    # then it is price × quantity less the discount, in kopecks
    assert line_total(price, quantity, discount) == expected


def test_gift_line_costs_nothing_x_5():
    # given a gift: 100 % discount
    # when its total is computed
    # then it is zero
    assert line_total(D("4990"), 2, D("100")) == D("0.00")


def test_totals_are_goods_plus_delivery_x_5_cod_14():
    # given two lines, one a gift, and delivery
    lines = [LineFact(D("1990"), 2, D("10")), LineFact(D("500"), 1, D("100"))]
    # when totals are computed
    goods, grand = totals(lines, D("350"))
    # then goods are the line totals and the grand total adds delivery
    assert (goods, grand) == (D("3582.00"), D("3932.00"))


def test_totals_of_no_lines_are_just_delivery_x_5():
    # given an order without lines
    # when totals are computed
    # then goods are zero and the grand total is the delivery cost
    assert totals([], D("300")) == (D("0.00"), D("300.00"))


prices = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False)
discounts = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
lines_st = st.lists(
    st.builds(LineFact, prices, st.integers(min_value=1, max_value=MAX_QUANTITY), discounts),
    max_size=10,
)


@settings(deadline=None)
@given(lines=lines_st, delivery=prices)
def test_totals_equal_the_sum_of_line_totals_plus_delivery_x_5(lines, delivery):
    # given any lines with discounts 0–100 % and any delivery cost
    # when totals are computed
    goods, grand = totals(lines, delivery)
    # then goods are the sum of line totals and grand = goods + delivery, never negative,
    # and never more than the undiscounted price
    assert goods == sum(
        (line_total(ln.unit_price, ln.quantity, ln.discount_percent) for ln in lines), D(0)
    )
    assert grand == goods + money(delivery)
    assert D(0) <= goods <= money(sum((ln.unit_price * ln.quantity for ln in lines), D(0)))


# --- order lines (check_item) ---------------------------------------------------------------

PRODUCTS = {
    "DRILL": ProductFact("DRILL", D("4990"), max_discount_percent=D("15")),
    "GIFT": ProductFact("GIFT", D("500"), max_discount_percent=D("100")),
    "OLD": ProductFact("OLD", D("100"), max_discount_percent=D("0"), active=False),
}


def _check(**overrides):
    args = {
        "index": 0,
        "sku": "DRILL",
        "quantity": 1,
        "discount_percent": D("0"),
        "price": None,
        "products": PRODUCTS,
        "cap_discount": True,
        **overrides,
    }
    return {(v.rule, v.field) for v in check_item(**args)}


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"quantity": MAX_QUANTITY},
        {"discount_percent": D("15")},
        {"discount_percent": None},
        {"sku": "GIFT", "discount_percent": D("100")},
        {"discount_percent": D("50"), "cap_discount": False},
        {"price": D("0")},
    ],
    ids=["plain", "max-quantity", "at-cap", "no-discount", "gift", "uncapped", "free"],
)
def test_a_sane_order_line_is_accepted_x_5_cod_11(overrides):
    # given a known product, sane quantity and a discount within the script
    # when the line is checked
    # then nothing is refused
    assert _check(**overrides) == set()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"sku": "NOPE"}, {("X-5", "items[0].sku")}),
        ({"sku": "OLD"}, {("X-5", "items[0].sku")}),
        ({"quantity": 0}, {("X-5", "items[0].quantity")}),
        ({"quantity": MAX_QUANTITY + 1}, {("X-5", "items[0].quantity")}),
        ({"price": D("-1")}, {("X-5", "items[0].price")}),
        ({"discount_percent": D("-1")}, {("X-5", "items[0].discount_percent")}),
        ({"discount_percent": D("100.01")}, {("X-5", "items[0].discount_percent")}),
        (
            {"discount_percent": D("16"), "cap_rule": "COD-11"},
            {("COD-11", "items[0].discount_percent")},
        ),
        ({"discount_percent": D("16")}, {("X-5", "items[0].discount_percent")}),
        (
            {"index": 3, "sku": "NOPE", "quantity": 0},
            {("X-5", "items[3].sku"), ("X-5", "items[3].quantity")},
        ),
        ({"index": None, "sku": "NOPE"}, {("X-5", "sku")}),
        ({"sku": "NOPE", "rule": "X-10"}, {("X-10", "items[0].sku")}),
    ],
    ids=[
        "unknown-sku",
        "inactive",
        "zero-qty",
        "huge-qty",
        "negative-price",
        "negative-discount",
        "over-100",
        "over-script-cap",
        "over-cap-callers-rule",
        "all-at-once",
        "no-index",
        "callers-rule",
    ],
)
def test_a_bad_order_line_is_refused_naming_the_field_x_5_cod_11(overrides, expected):
    # given a line with an unknown product, bad quantity, price or discount
    # when it is checked
    # then each problem names its rule and the line's field
    assert _check(**overrides) == expected
