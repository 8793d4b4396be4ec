"""DUN-9 KPI "payments after calls": per day (project time zone) and operator, the
payments attributed to the operator, the orders the operator worked, and the share — on a
small dataset worked out by hand."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dozvon.payments.selectors import payments_after_calls, payments_after_calls_totals
from dozvon.payments.services import payment_report
from tests.factories import MembershipFactory, UserFactory
from tests.messaging.support import mail_scene
from tests.payments.support import call, dun_order

MSK = ZoneInfo("Europe/Moscow")
D1, D2 = date(2026, 11, 20), date(2026, 11, 21)


def _msk(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK)


@pytest.fixture
def scene(dun, now):
    """Orders A, B, C, D; op1 is dun-operator, op2 a second operator with a full name.

    Nov 19 23:50  op1 calls C (the day before the range)
    D1 10:00      op1 calls A        D1 12:00  op2 calls C      D1 23:30  op1 calls B
    D2 00:10      B paid 250.50 (op1 worked it last, on D1)
    D2 10:00      op2 calls A        D2 11:00  op2 emails C
    D2 12:00      D paid 500 (nobody worked it: not after calls)
    D2 15:00      A paid 1000 (op2 worked it last)
    """
    op2 = UserFactory(username="dun-op2", first_name="Ольга", last_name="Петрова")
    MembershipFactory(user=op2, project=dun.project, role="operator")
    made = _msk(date(2026, 11, 10), 12)
    a, b, c, d = (dun_order(dun, created_at=made) for _ in range(4))
    call(c, dun.operator, _msk(date(2026, 11, 19), 23, 50))
    call(a, dun.operator, _msk(D1, 10))
    call(c, op2, _msk(D1, 12), line="magna")
    call(b, dun.operator, _msk(D1, 23, 30))
    call(a, op2, _msk(D2, 10), line="magna")
    mail_scene(dun.project, c, op2, now=_msk(D2, 11))
    for order, amount, paid_at in (
        (b, "250.50", _msk(D2, 0, 10)),
        (d, "500.00", _msk(D2, 12)),
        (a, "1000.00", _msk(D2, 15)),
    ):
        payment_report(
            order_id=order.pk,
            amount=Decimal(amount),
            paid_at=paid_at,
            reference=f"REF-{order.pk}",
            actor=dun.supervisor,
            now=now,
        )
    return dun, op2


def test_payments_after_calls_per_day_and_operator_dun_9(scene, django_assert_max_num_queries):
    dun, op2 = scene

    with django_assert_max_num_queries(4):
        rows = payments_after_calls(dun.project, start=D1, end=D2)

    assert rows == [
        {
            "day": D1,
            "operator": "dun-op2",
            "operator_name": "Ольга Петрова",
            "payments": 0,
            "amount": Decimal("0.00"),
            "worked_orders": 1,
            "share": Decimal("0"),
        },
        {
            "day": D1,
            "operator": "dun-operator",
            "operator_name": "dun-operator",
            "payments": 0,
            "amount": Decimal("0.00"),
            "worked_orders": 2,
            "share": Decimal("0"),
        },
        {
            "day": D2,
            "operator": "dun-op2",
            "operator_name": "Ольга Петрова",
            "payments": 1,
            "amount": Decimal("1000.00"),
            "worked_orders": 2,
            "share": Decimal("0.5"),
        },
        {
            "day": D2,
            "operator": "dun-operator",
            "operator_name": "dun-operator",
            "payments": 1,
            "amount": Decimal("250.50"),
            "worked_orders": 0,
            "share": Decimal("0"),
        },
    ]


def test_totals_per_operator_over_the_range_dun_9(scene):
    dun, _ = scene

    totals = payments_after_calls_totals(payments_after_calls(dun.project, start=D1, end=D2))

    assert [
        (t["operator"], t["payments"], t["amount"], t["worked_orders"], t["share"]) for t in totals
    ] == [
        ("dun-op2", 1, Decimal("1000.00"), 3, Decimal("0.3333")),
        ("dun-operator", 1, Decimal("250.50"), 2, Decimal("0.5")),
    ]


def test_the_range_is_whole_days_in_the_projects_time_zone_dun_9(scene):
    dun, _ = scene

    # the day before: op1's call at 23:50 Moscow time (20:50 UTC)
    assert [
        (r["day"], r["operator"], r["worked_orders"])
        for r in payments_after_calls(dun.project, start=date(2026, 11, 19), end=date(2026, 11, 19))
    ] == [(date(2026, 11, 19), "dun-operator", 1)]
    # D2 only: B's payment at 00:10 Moscow time (21:10 UTC on D1) is D2's
    only_d2 = payments_after_calls(dun.project, start=D2, end=D2)
    assert {(r["operator"], r["payments"]) for r in only_d2} == {
        ("dun-op2", 1),
        ("dun-operator", 1),
    }


def test_another_projects_work_and_payments_are_not_counted_x_1(scene, cod):
    assert payments_after_calls(cod.project, start=D1, end=D2) == []
