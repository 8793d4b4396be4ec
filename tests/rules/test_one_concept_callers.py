"""Issue 26, one concept in one place, at the places that wrote their own: the SUB import
checks a phone as every entry point does, DUN-9's paid share is the one share (half up,
and capped at 100 % in the regrouped totals as in the per-day rows), NBO-6 reads an
amount through `core.money` (1e30 is no amount, not a crash) and names its limit as
people read money, and the report screen's percent cell is the template filter's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dozvon.core.limits import PHONE_INPUT
from dozvon.core.money import display_money
from dozvon.core.numbers import ZERO_SHARE, share
from dozvon.customers.rules import check_phone
from dozvon.offers import rules as offer_rules
from dozvon.payments.rules import paid_share
from dozvon.reports import exports, registry
from dozvon.reports.registry import DECIMAL, INT, PERCENT, Column, register_from_rows
from dozvon.reports.rules import DAY, OPERATOR_DAY, TOTAL
from dozvon.subscriptions import rules as sub_rules
from dozvon.web.templatetags.dozvon_format import percent as percent_filter

pytestmark = pytest.mark.nodb

D = Decimal

# --- the SUB import's phone ------------------------------------------------------------


def _sub_row(phone):
    raw = {
        "number": "S-1",
        "name": "Иванов Иван Иванович",
        "phone": phone,
        "collection": "im",
        "plan": "base",
        "issues_total": 10,
        "issues_delivered": 1,
        "suspend_on": "31.12.2027",
    }
    found = sub_rules.check_row(
        raw,
        collections={"im": sub_rules.CollectionFacts("im", 100)},
        existing={},
        today=date(2026, 11, 23),
    )
    return [(v.rule, v.field, v.message) for v in found.violations if v.field == "customer.phone"]


@pytest.mark.parametrize(
    "phone",
    ["", "   ", "0611", "70000000000", "9" * (PHONE_INPUT + 1), "8 (916) 123-45-67"],
    ids=["empty", "blank", "short", "fake", "too-long", "good"],
)
def test_the_sub_import_refuses_a_phone_as_every_entry_point_does_x_4(phone):
    expected = [(v.rule, v.field, v.message) for v in check_phone(phone, field="customer.phone")]
    assert _sub_row(phone) == expected


# --- DUN-9: the paid share ------------------------------------------------------------------


def test_the_paid_share_rounds_half_up_like_every_share_dun_9():
    # 1 / 32 = 0.03125: half even gave 0.0312
    assert paid_share(1, 32) == share(1, 32) == D("0.0313")
    assert str(paid_share(0, 0)) == str(ZERO_SHARE) == "0.0000"
    assert str(paid_share(5, 3)) == "1.0000"  # more payments than orders worked: capped


@given(payments=st.integers(0, 500), worked=st.integers(1, 500))
def test_the_paid_share_is_the_share_of_the_payments_up_to_the_orders_worked_dun_9(
    payments, worked
):
    assert paid_share(payments, worked) == share(min(payments, worked), worked)


@pytest.fixture
def capped_report():
    rows = [
        # a day with more payments than orders worked (they followed earlier work)
        {"day": date(2026, 11, 22), "operator": 7, "operator_name": "Анна",
         "payments": 3, "amount": D("300.00"), "worked_orders": 1},
        {"day": date(2026, 11, 23), "operator": 7, "operator_name": "Анна",
         "payments": 0, "amount": D("0.00"), "worked_orders": 1},
    ]  # fmt: skip
    before = dict(registry.REPORTS)
    report = register_from_rows(
        name="capped_share_stand_in",
        title="Payments after calls",
        rule="DUN-9",
        source=lambda project, *, start, end: rows,
        columns=[
            Column("payments", "Payments", INT),
            Column("amount", "Amount", DECIMAL),
            Column("worked_orders", "Orders worked", INT),
            Column("share", "Paid of worked", PERCENT),
        ],
        sums=("payments", "amount", "worked_orders"),
        ratios={"share": ("payments", "worked_orders")},
        capped=("share",),
    )
    yield report
    registry.REPORTS.clear()
    registry.REPORTS.update(before)


def test_a_capped_share_never_shows_over_100_percent_in_any_grouping_dun_9(capped_report):
    start, end = date(2026, 11, 22), date(2026, 11, 23)
    (total,) = capped_report.rows(None, start, end, TOTAL)
    # 3 payments for 2 orders worked: 100 %, not 150 %, as `paid_share` says of the sums
    assert (total["payments"], total["worked_orders"]) == (3, 2)
    assert total["share"] == paid_share(3, 2) == D("1.0000")
    days = capped_report.rows(None, start, end, DAY)
    assert [r["share"] for r in days] == [D("1.0000"), D("0.0000")]
    cells = capped_report.rows(None, start, end, OPERATOR_DAY)
    assert [r["share"] for r in cells] == [paid_share(3, 1), paid_share(0, 1)]


def test_a_capped_name_must_be_one_of_the_ratios():
    with pytest.raises(ValueError, match="capped"):
        register_from_rows(
            name="capped_share_bad",
            title="x",
            rule="DUN-9",
            source=lambda project, *, start, end: [],
            columns=[Column("share", "Share", PERCENT)],
            sums=(),
            ratios={"share": ("payments", "worked_orders")},
            capped=("paid",),
        )
    assert "capped_share_bad" not in registry.REPORTS


# --- NBO-6: amounts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("150,00", D("150.00")),
        (" 150.005 ", D("150.01")),  # half up, as cash registers round
        (150, D("150.00")),
        ("1e30", None),  # was an uncaught InvalidOperation (a 500)
        ("-1e40", None),
        ("NaN", None),
        ("Infinity", None),
        ("", None),
        ("сто", None),
        (True, None),
        (None, None),
    ],
)
def test_an_amount_as_typed_is_money_or_nothing_nbo_6(typed, amount):
    assert offer_rules.as_amount(typed) == amount


def test_a_policy_with_an_impossible_amount_is_a_problem_not_a_crash_nbo_6():
    policy, problems = offer_rules.parse_policy({"discount": {"operator": "1e30"}})
    assert policy.limit("discount", "operator") is None
    assert problems == ["discount.operator: not an amount: '1e30'"]


def test_the_policy_limit_is_named_as_people_read_money_nbo_6():
    policy = offer_rules.DiscountPolicy({"discount": {"operator": D("1500.00")}})
    found = offer_rules.check_adjustment(
        category="discount",
        amount=D("2000"),
        reason="Сбой связи",
        subject="credit",
        comment="Начислено",
        role="operator",
        policy=policy,
        currency="RUB",
    )
    (over,) = [v for v in found if v.field == "amount"]
    assert dict(over.params) == {"limit": display_money(D("1500"), "RUB")}
    with translation.override("en"):
        assert over.render() == (
            "Over the discount policy's limit of 1\u202f500\u00a0₽ for your role."
        )


# --- the report screen's percent cell -------------------------------------------------


@pytest.mark.parametrize("value", [D("0.6667"), D("0.1225"), D("0.85"), D("1.0000"), 0.125])
def test_the_report_screen_shows_a_share_as_the_percent_filter_does_x_11(value):
    column = Column("share", "Share", PERCENT)
    with translation.override("ru"):
        assert exports.display(column, value) == percent_filter(value, 1)
    with translation.override("en"):
        assert exports.display(column, D("0.1225")) == "12.3\u00a0%"  # 12.25: half up


def test_the_api_writes_report_money_as_machines_read_it_x_11():
    column = Column("amount", "Amount", DECIMAL)
    assert exports.json_value(column, D("1490")) == "1490.00"
    assert exports.json_value(column, D("0.005")) == "0.01"
