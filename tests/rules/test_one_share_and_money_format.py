"""Issue 26, one concept in one place: every share (X-11 reports, NBO-5's KPI, the files'
percent cells, the charts) is `core.numbers.share`, rounded once (four places, half up);
every amount written as text goes through `core.money` (machines: "1490.00", people:
"1 490 ₽"), its digits grouped as the charts group counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from dozvon.core.money import display_money, format_money
from dozvon.core.numbers import ZERO_SHARE, grouped, percent, share
from dozvon.core.tabular import PERCENT, csv_value
from dozvon.offers import rules as offer_rules
from dozvon.reports import charts, exports
from dozvon.reports import rules as report_rules
from dozvon.reports.registry import Column
from dozvon.web.templatetags.dozvon_format import money as money_filter
from dozvon.web.templatetags.dozvon_format import percent as percent_filter

pytestmark = pytest.mark.nodb

D = Decimal


# --- shares ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (2, 3, D("0.6667")),
        (1, 3, D("0.3333")),
        (1, 32, D("0.0313")),  # 0.03125: half up (half even would give 0.0312)
        (85, 100, D("0.8500")),
        (0, 7, D("0.0000")),
        (7, 7, D("1.0000")),
    ],
)
def test_a_share_is_a_fraction_to_four_places_rounded_half_up_x_11(part, whole, expected):
    got = share(part, whole)
    assert got == expected and got.as_tuple().exponent == -4
    # the same from Decimals (sums of money) as from counts
    assert share(D(part), D(whole)) == expected


def test_a_share_over_nothing_is_empty_unless_the_caller_says_zero_x_11_nbo_5():
    # reports show an empty cell; NBO-5's KPI fields are always a number (its API schema)
    assert share(3, 0) is None and report_rules.share(3, 0) is None
    assert share(3, 0, empty=ZERO_SHARE) == ZERO_SHARE
    assert str(offer_rules.share(0, 0)) == "0.0000"


@settings(deadline=None, max_examples=300)
@given(whole=st.integers(min_value=1, max_value=10**6), data=st.data())
def test_reports_and_the_nbo_kpi_round_every_share_alike_x_11_nbo_5(whole, data):
    part = data.draw(st.integers(min_value=0, max_value=whole))
    exact = D(part) / D(whole)
    # the report's share, the KPI's and a file's percent cell are one rounding of part/whole
    assert report_rules.share(part, whole) == offer_rules.share(part, whole) == share(part, whole)
    assert abs(share(part, whole) - exact) <= D("0.00005")
    assert csv_value(PERCENT, exact) == csv_value(PERCENT, share(part, whole))


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [(D("0.66665"), 1, D("66.7")), (0.125, 0, D("13")), (D("0.85"), 1, D("85.0"))],
)
def test_a_share_reads_as_a_percentage_rounded_half_up(value, places, shown):
    assert percent(value, places) == shown


def test_a_chart_labels_shares_and_counts_as_the_tables_do_x_11():
    assert charts.fmt_percent(0.125) == "13\u00a0%"  # half up, as the share itself
    assert charts.fmt_percent(D("0.6667")) == "67\u00a0%"
    assert charts._fmt_int(1490.0) == grouped(1490) == "1\u202f490"
    assert charts._fmt_int(1234567) == "1\u202f234\u202f567"


# --- money ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "mark", "text"),
    [(D("350"), ",", "350,00"), (D("1490.5"), ",", "1490,50"), (D("12.345"), ".", "12.35")],
)
def test_money_for_machines_and_forms_has_two_decimals_and_no_grouping_x_5(value, mark, text):
    assert format_money(value, decimal_mark=mark) == text


@settings(deadline=None, max_examples=200)
@given(
    amount=st.decimals(
        min_value=D("-9999999.99"), max_value=D("9999999.99"), places=2, allow_nan=False
    )
)
def test_people_read_the_same_digits_machines_get_grouped_x_5(amount):
    machine = format_money(amount)
    shown = display_money(amount, "RUB")
    # the template filter is the same formatter
    assert money_filter(amount) == shown
    whole, cents = machine.lstrip("-").split(".")
    expected = ("-" if amount < 0 else "") + grouped(int(whole))
    if cents != "00":
        expected += "," + cents
    assert shown == expected + "\u00a0₽"


def test_the_template_filter_shows_nothing_for_no_amount():
    assert money_filter(None) == "" and money_filter("") == ""


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [(D("0.85665"), 1, "85,7\u00a0%"), (0.125, 0, "13\u00a0%"), (D("0.8500"), 0, "85\u00a0%")],
)
def test_a_template_shows_a_share_as_a_percentage_rounded_as_the_reports_do_x_11(
    value, places, shown
):
    with translation.override("ru"):
        assert percent_filter(value, places) == shown
        if places == 1:  # a report cell on the screen reads the same
            assert exports.display(Column("share", "Share", PERCENT), value) == shown
    assert percent_filter(None) == ""
