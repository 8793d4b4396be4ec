"""The pure rules of a reported payment (X-5, X-10), of an order taking one (DUN-1), of
idempotency by reference (X-10) and of DUN-9's attribution and share. No database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dozvon.payments.rules import (
    REFERENCE,
    PaymentFact,
    WorkFact,
    attribute,
    check_order_takes_payment,
    check_payment,
    normal_currency,
    paid_share,
    same_payment,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _check(**overrides):
    values = {
        "amount": Decimal("1234.50"),
        "currency": "RUB",
        "expected_currency": "RUB",
        "paid_at": NOW - timedelta(hours=1),
        "reference": "BANK-1",
        "now": NOW,
    }
    values.update(overrides)
    return [(v.rule, v.field) for v in check_payment(**values)]


def test_a_good_payment_breaks_no_rule():
    assert _check() == []


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1.00"), Decimal("-0.01")])
def test_an_amount_of_zero_or_less_is_refused_x_5(amount):
    assert _check(amount=amount) == [("X-5", "amount")]


@pytest.mark.parametrize(
    "amount", [Decimal("0.001"), Decimal("NaN"), Decimal("Infinity"), Decimal("1e13"), "abc"]
)
def test_an_amount_beyond_kopecks_or_the_column_or_not_a_number_is_refused_x_5(amount):
    assert _check(amount=amount) == [("X-5", "amount")]


def test_another_currency_than_the_projects_is_refused_x_5():
    assert _check(currency="USD") == [("X-5", "currency")]


def test_the_currency_defaults_to_the_projects_and_ignores_case_x_5():
    assert normal_currency(None, "UAH") == "UAH"
    assert normal_currency(" uah ", "RUB") == "UAH"


def test_a_payment_time_in_the_future_is_refused_x_10():
    assert _check(paid_at=NOW + timedelta(hours=1)) == [("X-10", "paid_at")]


def test_a_payment_time_a_few_minutes_ahead_is_a_partners_clock_drift_x_10():
    assert _check(paid_at=NOW + timedelta(minutes=4)) == []


def test_a_payment_time_without_a_time_zone_is_refused_x_10():
    assert _check(paid_at=datetime(2026, 11, 23, 8, 0)) == [("X-10", "paid_at")]


@pytest.mark.parametrize("reference", ["", "x" * (REFERENCE + 1), "ref\x07"])
def test_a_missing_overlong_or_unprintable_reference_is_refused_x_10(reference):
    assert _check(reference=reference) == [("X-10", "reference")]


def test_every_violation_is_reported_at_once():
    found = _check(
        amount=Decimal(-5), currency="EUR", paid_at=NOW + timedelta(days=1), reference=""
    )
    assert found == [
        ("X-5", "amount"),
        ("X-5", "currency"),
        ("X-10", "paid_at"),
        ("X-10", "reference"),
    ]


def test_a_playbook_without_a_paid_status_takes_no_payment_dun_1():
    found = check_order_takes_payment(paid_group=None, status_group="new", paid_before=False)
    assert [(v.rule, v.field) for v in found] == [("DUN-1", "order")]


@pytest.mark.parametrize(("group", "paid_before"), [("paid", False), ("unpaid", True)])
def test_a_paid_order_takes_no_second_payment_dun_1(group, paid_before):
    found = check_order_takes_payment(
        paid_group="paid", status_group=group, paid_before=paid_before
    )
    assert [(v.rule, v.field) for v in found] == [("DUN-1", "order")]


@pytest.mark.parametrize("group", ["unpaid", "cancelled"])
def test_an_unpaid_or_cancelled_order_takes_a_payment_dun_1(group):
    assert check_order_takes_payment(paid_group="paid", status_group=group, paid_before=False) == []


def test_the_same_reference_with_the_same_payload_is_the_same_payment_x_10():
    stored = PaymentFact(1, Decimal("10.00"), "RUB", NOW)
    in_kyiv = NOW.astimezone(ZoneInfo("Europe/Kyiv"))
    assert same_payment(stored, PaymentFact(1, Decimal("10"), "RUB", in_kyiv))


@pytest.mark.parametrize(
    "other",
    [
        PaymentFact(2, Decimal("10.00"), "RUB", NOW),
        PaymentFact(1, Decimal("10.01"), "RUB", NOW),
        PaymentFact(1, Decimal("10.00"), "UAH", NOW),
        PaymentFact(1, Decimal("10.00"), "RUB", NOW + timedelta(seconds=1)),
    ],
)
def test_the_same_reference_with_another_payload_is_not_the_same_payment_x_10(other):
    assert not same_payment(PaymentFact(1, Decimal("10.00"), "RUB", NOW), other)


# --- DUN-9 attribution --------------------------------------------------------------------


def _at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def test_the_payment_goes_to_the_last_operator_who_worked_the_order_before_it_dun_9():
    works = [
        WorkFact(_at(0), 1, "call"),
        WorkFact(_at(10), 2, "call"),
        WorkFact(_at(20), 1, "email"),
    ]
    assert attribute(works, _at(30)).operator_id == 1
    assert attribute(works, _at(15)).operator_id == 2


def test_work_after_the_payment_does_not_count_dun_9():
    works = [WorkFact(_at(0), 1, "call"), WorkFact(_at(60), 2, "outcome")]
    assert attribute(works, _at(30)).operator_id == 1


def test_a_payment_before_any_work_is_not_after_calls_dun_9():
    assert attribute([WorkFact(_at(10), 1, "call")], _at(10)) is None
    assert attribute([], _at(10)) is None


def test_of_works_at_the_same_moment_the_one_recorded_last_wins_dun_9():
    works = [WorkFact(_at(0), 1, "call"), WorkFact(_at(0), 2, "outcome")]
    assert attribute(works, _at(5)).operator_id == 2


works_st = st.lists(
    st.builds(
        WorkFact,
        at=st.integers(0, 1000).map(_at),
        operator_id=st.integers(1, 5),
        kind=st.sampled_from(["call", "outcome", "email"]),
    ),
    max_size=20,
)


@given(works=works_st, paid=st.integers(0, 1000).map(_at))
def test_attribution_is_the_latest_work_before_the_payment_dun_9(works, paid):
    chosen = attribute(works, paid)
    before = [w for w in works if w.at < paid]
    if not before:
        assert chosen is None
    else:
        assert chosen in before
        assert chosen.at == max(w.at for w in before)


@given(works=works_st, later=works_st, paid=st.integers(0, 1000).map(_at))
def test_work_recorded_after_the_payment_never_changes_who_gets_it_dun_9(works, later, paid):
    after = [w for w in later if w.at >= paid]
    assert attribute(works + after, paid) == attribute(works, paid)


@given(payments=st.integers(0, 50), worked=st.integers(0, 50))
def test_the_share_is_between_0_and_1_and_0_without_worked_orders_dun_9(payments, worked):
    share = paid_share(payments, worked)
    assert Decimal(0) <= share <= Decimal(1)
    if worked == 0:
        assert share == 0
    elif payments <= worked:
        assert abs(share - Decimal(payments) / worked) < Decimal("0.0001")
