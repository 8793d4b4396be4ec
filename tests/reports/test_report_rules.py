"""X-11 report arithmetic without a database: ranges of days, shares, the approval groups
each playbook's data implies, the operator KPIs and regrouping rows other modules give."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dozvon.playbooks.definition import parse_playbook
from dozvon.playbooks.services import playbook_files
from dozvon.reports import rules
from dozvon.reports.selectors import approval_groups

pytestmark = pytest.mark.nodb

TODAY = date(2026, 11, 23)


def check(start, end, group_by=None, group_bys=rules.GROUP_BYS):
    return rules.check_range(
        start,
        end,
        today=TODAY,
        group_by=group_by,
        group_bys=group_bys,
        default_group_by="operator",
    )


def fields(found):
    return [(v.rule, v.field) for v in found]


def test_a_range_defaults_to_today_and_reads_both_day_formats_x_11():
    assert check(None, None)[0] == rules.Range(TODAY, TODAY)
    assert check("2026-11-01", "30.11.2026")[0] == rules.Range(
        date(2026, 11, 1), date(2026, 11, 30)
    )
    # one end given: a single day
    assert check("01.11.26", "")[0] == rules.Range(date(2026, 11, 1), date(2026, 11, 1))
    assert check(None, "2026-11-05")[0] == rules.Range(date(2026, 11, 5), date(2026, 11, 5))


@pytest.mark.parametrize(
    ("start", "end", "group_by", "expected"),
    [
        ("31.02.2026", None, None, [("X-11", "from")]),
        ("yesterday", "tomorrow", None, [("X-11", "from"), ("X-11", "to")]),
        ("2026-11-10", "2026-11-01", None, [("X-11", "to")]),
        ("2025-01-01", "2026-01-02", None, [("X-11", "to")]),  # 367 days
        ("1999-12-31", "2000-01-01", None, [("X-11", "from")]),
        ("2026-11-01", "2026-11-02", "week", [("X-11", "group_by")]),
        ("nope", None, "week", [("X-11", "from"), ("X-11", "group_by")]),
    ],
)
def test_a_refused_range_names_the_rule_and_every_field_x_11(start, end, group_by, expected):
    span, _, found = check(start, end, group_by)
    assert span is None
    assert fields(found) == expected


def test_a_year_of_366_days_is_accepted_x_11():
    span, _, found = check("2024-01-01", "2024-12-31")
    assert found == [] and span.days == 366


def test_a_grouping_the_report_lacks_is_refused_x_11():
    _, grouping, found = check(None, None, "hour", group_bys=("day", "total"))
    assert grouping == "hour" and fields(found) == [("X-11", "group_by")]


def test_shares_are_fractions_rounded_half_up_and_none_over_nothing_x_11():
    assert rules.share(1, 3) == Decimal("0.3333")
    assert rules.share(2, 3) == Decimal("0.6667")
    assert rules.share(1, 8) == Decimal("0.1250")
    assert rules.share(5, 0) is None
    assert rules.average(Decimal("1000.005"), 1) == Decimal("1000.01")
    assert rules.average(Decimal("10"), 0) is None


@given(part=st.integers(0, 10_000), extra=st.integers(0, 10_000))
def test_a_share_stays_between_zero_and_one_x_11(part, extra):
    value = rules.share(part, part + extra)
    assert value is None or Decimal(0) <= value <= Decimal(1)


def _pb(code):
    return parse_playbook(tomllib.loads({p.stem: p for p in playbook_files()}[code].read_text()))


def test_cod_approval_is_confirmed_over_confirmed_rejected_and_callbacks_cod_15_16_18():
    groups = approval_groups(_pb("cod"))
    assert groups.positive == {"confirmed"}
    assert groups.negative == {"rejected"}  # invalid (COD-19) is not a customer's decision
    assert groups.callback == {"callback"}
    assert groups.usable
    assert groups.approval(3, 1, 2) == Decimal("0.5000")


def test_shop_approval_is_done_over_done_and_every_cancellation_reason_shop_4_5():
    groups = approval_groups(_pb("shop"))
    assert groups.positive == {"done"}
    assert "consultation" in groups.negative and "no_answer" in groups.negative
    assert groups.callback == {"call_back"}
    assert groups.usable


def test_dun_has_no_approval_rate_operators_cannot_mark_paid_dun_9():
    groups = approval_groups(_pb("dun"))
    assert groups.positive == {"paid"}
    assert not groups.usable


def test_operator_kpis_count_only_positive_results_for_check_upsell_and_gifts_x_11():
    groups = rules.ApprovalGroups(
        frozenset({"confirmed"}), frozenset({"rejected"}), frozenset({"callback"}), True
    )
    row = rules.operator_kpis(
        calls=10,
        answered=4,
        talk_s=600,
        worked=5,
        outcomes=[
            rules.Outcomes("confirmed", 2, Decimal("3000"), 1, 2),
            rules.Outcomes("rejected", 1, Decimal("999"), 1, 5),
            rules.Outcomes("callback", 1, Decimal("500"), 0, 0),
            rules.Outcomes("invalid", 3, Decimal("0"), 0, 0),
            rules.Outcomes("no_answer", 2),
        ],
        groups=groups,
    )
    assert row == {
        "calls": 10,
        "contacts": 4,
        "contact_rate": Decimal("0.4000"),
        "talk_time": 600,
        "orders_worked": 5,
        "outcomes": 9,
        "approved": 2,
        "refused": 1,
        "callbacks": 1,
        "approval_rate": Decimal("0.5000"),
        "avg_check": Decimal("1500.00"),
        "upsell_share": Decimal("0.5000"),
        "gifts": 2,
    }


def test_regrouping_sums_counts_and_recomputes_shares_dun_9():
    rows = [
        {"day": date(2026, 11, 1), "operator": 1, "operator_name": "Анна", "payments": 1,
         "amount": Decimal("100.00"), "worked_orders": 4, "share": Decimal("0.25")},
        {"day": date(2026, 11, 2), "operator": 1, "operator_name": "Анна", "payments": 2,
         "amount": Decimal("50.50"), "worked_orders": 2, "share": Decimal("1")},
        {"day": date(2026, 11, 2), "operator": 2, "operator_name": "Борис", "payments": 0,
         "amount": Decimal("0"), "worked_orders": 3, "share": Decimal("0")},
    ]  # fmt: skip
    sums = ("payments", "amount", "worked_orders")
    ratios = {"share": ("payments", "worked_orders")}
    labels = {"operator_name": "operator"}
    by_operator = rules.regroup(rows, group_by="operator", sums=sums, ratios=ratios, labels=labels)
    assert by_operator == [
        {"operator": 1, "operator_name": "Анна", "payments": 3, "amount": Decimal("150.50"),
         "worked_orders": 6, "share": Decimal("0.5000")},
        {"operator": 2, "operator_name": "Борис", "payments": 0, "amount": 0,
         "worked_orders": 3, "share": Decimal("0.0000")},
    ]  # fmt: skip
    [total] = rules.regroup(rows, group_by="total", sums=sums, ratios=ratios)
    assert total["payments"] == 3 and total["share"] == Decimal("0.3333")
    by_day = rules.regroup(rows, group_by="day", sums=sums, ratios=ratios)
    assert [(r["day"].day, r["worked_orders"]) for r in by_day] == [(1, 4), (2, 5)]


def test_regrouping_keeps_a_campaign_apart_and_a_target_as_given_nbo_5():
    rows = [
        {"day": date(2026, 11, 1), "operator": 1, "operator_name": "А", "campaign": "x",
         "eligible": 4, "voiced": 3, "yes": 1, "target": Decimal("0.85")},
        {"day": date(2026, 11, 1), "operator": 1, "operator_name": "А", "campaign": "y",
         "eligible": 2, "voiced": 2, "yes": 2, "target": Decimal("0.85")},
        {"day": date(2026, 11, 2), "operator": 2, "operator_name": "Б", "campaign": "x",
         "eligible": 4, "voiced": 4, "yes": 0, "target": Decimal("0.85")},
    ]  # fmt: skip
    out = rules.regroup(
        rows,
        group_by="total",
        sums=("eligible", "voiced", "yes"),
        ratios={"realized_share": ("voiced", "eligible"), "yes_conversion": ("yes", "voiced")},
        constants=("target",),
        extra_keys=("campaign",),
    )
    assert [
        (r["campaign"], r["realized_share"], r["yes_conversion"], r["target"]) for r in out
    ] == [
        ("x", Decimal("0.8750"), Decimal("0.1429"), Decimal("0.85")),
        ("y", Decimal("1.0000"), Decimal("1.0000"), Decimal("0.85")),
    ]
