"""SUB-1…4 and X-10 as pure rules, without a database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dozvon.subscriptions import rules as r

TODAY = date(2026, 11, 23)
IM = r.CollectionFacts("im", 100, Decimal("4"), Decimal("8"))


def row(**over):
    base = {
        "number": "S-1",
        "name": "Иванов Иван Иванович",
        "phone": "8 (916) 123-45-67",
        "email": "ivan@example.com",
        "collection": "im",
        "plan": "accelerated",
        "issues_total": 100,
        "issues_delivered": 60,
        "group": "green",
        "suspend_on": "31.12.2027",
    }
    return {**base, **over}


def check(raw, existing=None):
    return r.check_row(raw, collections={"im": IM}, existing=existing or {}, today=TODAY)


def rules_fields(found):
    return {(v.rule, v.field) for v in found}


# --- SUB-2 ----------------------------------------------------------------------------------


@given(st.sampled_from(r.PLANS), st.sampled_from(r.PLANS))
def test_accelerated_plan_never_returns_to_base_SUB_2(old, new):
    found = r.check_plan_change(old=old, new=new)
    assert bool(found) == (old == r.ACCELERATED and new == r.BASE)
    assert all(v.rule == "SUB-2" and v.field == "plan" for v in found)


def test_import_row_with_base_plan_for_an_accelerated_subscription_is_refused_SUB_2():
    found = check(row(plan="base", group="pink"), {"S-1": r.ExistingFacts("accelerated")})
    assert ("SUB-2", "plan") in rules_fields(found.violations) and found.row is None


def test_green_row_on_the_base_plan_is_refused_once_SUB_2():
    found = check(row(plan="base"), {"S-1": r.ExistingFacts("accelerated")})
    assert [v.rule for v in found.violations] == ["SUB-2"]


# --- SUB-1 ----------------------------------------------------------------------------------


@given(
    plan=st.sampled_from(r.PLANS),
    remaining=st.integers(0, 200),
    days=st.integers(-30, 800),
    base=st.integers(1, 8),
    extra=st.integers(0, 8),
)
def test_groups_follow_the_plan_and_whether_it_finishes_SUB_1(plan, remaining, days, base, extra):
    suspend = TODAY + timedelta(days=days)
    group = r.group_for(
        plan=plan,
        remaining=remaining,
        today=TODAY,
        suspend_on=suspend,
        base_per_month=base,
        accelerated_per_month=base + extra,
    )
    rate = base if plan == r.BASE else base + extra
    finishes = remaining <= r.capacity(today=TODAY, suspend_on=suspend, issues_per_month=rate)
    assert group == ({r.BASE: r.UNTOUCHED, r.ACCELERATED: r.GREEN}[plan] if finishes else r.PINK)
    # a derived group is always consistent with its plan
    assert not r.check_group(plan=plan, group=group)


@given(days=st.integers(0, 2000), rate=st.integers(0, 30), more=st.integers(0, 30))
def test_a_faster_plan_or_a_later_date_never_brings_fewer_issues_SUB_1(days, rate, more):
    suspend = TODAY + timedelta(days=days)
    slow = r.capacity(today=TODAY, suspend_on=suspend, issues_per_month=rate)
    assert slow <= r.capacity(today=TODAY, suspend_on=suspend, issues_per_month=rate + more)
    assert slow <= r.capacity(
        today=TODAY, suspend_on=suspend + timedelta(days=more), issues_per_month=rate
    )


@pytest.mark.parametrize(
    ("plan", "group", "ok"),
    [
        ("accelerated", "green", True),
        ("accelerated", "pink", True),
        ("base", "untouched", True),
        ("base", "pink", True),
        ("accelerated", "untouched", False),
        ("base", "green", False),
    ],
)
def test_a_group_must_match_the_plan_SUB_1(plan, group, ok):
    assert (not r.check_group(plan=plan, group=group)) == ok


def test_a_row_without_group_gets_it_from_the_collections_rates_SUB_1():
    # 40 remaining, about 6 months left: 8 a month finishes, 4 a month does not
    assert check(row(group="", suspend_on="31.05.2027")).row.group == "green"
    assert check(row(group="", plan="base", suspend_on="31.05.2027")).row.group == "pink"
    assert check(row(group="", plan="base")).row.group == "untouched"  # 13 months
    no_rates = r.CollectionFacts("im", 100)
    found = r.check_row(row(group=""), collections={"im": no_rates}, existing={}, today=TODAY)
    assert rules_fields(found.violations) == {("SUB-1", "group")}


@given(delivered=st.integers(0, 120), total=st.integers(0, 120))
def test_remaining_issues_are_the_ones_after_the_delivered(delivered, total):
    remaining = r.remaining_issues(delivered=delivered, total=total)
    assert remaining == [n for n in range(1, total + 1) if n > delivered]


# --- X-10 rows ------------------------------------------------------------------------------


def test_a_good_row_is_cleaned_with_russian_names_and_dates():
    found = check(row(plan="Ускоренный", group="Зелёная", suspend_on="2027-12-31"))
    assert not found.violations
    assert found.row.plan == "accelerated" and found.row.group == "green"
    assert found.row.suspend_on == date(2027, 12, 31)


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"collection": "xx"}, ("X-10", "collection")),
        ({"phone": "70000000000"}, ("X-4", "customer.phone")),
        ({"phone": "12345"}, ("X-4", "customer.phone")),
        ({"phone": ""}, ("X-4", "customer.phone")),
        ({"suspend_on": "31.12.2022"}, ("X-10", "suspend_on")),
        ({"suspend_on": "когда-нибудь"}, ("X-10", "suspend_on")),
        ({"issues_delivered": 101}, ("X-10", "issues_delivered")),
        ({"issues_total": 101}, ("X-10", "issues_total")),
        ({"issues_total": "abc"}, ("X-10", "issues_total")),
        ({"number": ""}, ("X-10", "number")),
        ({"name": ""}, ("X-10", "customer.name")),
        ({"email": "not-an-email"}, ("X-3", "customer.email")),
        ({"plan": "fast"}, ("X-10", "plan")),
        ({"group": "blue"}, ("input", "group")),
        ({"plan": "accelerated", "group": "untouched"}, ("SUB-1", "group")),
    ],
)
def test_a_bad_row_is_refused_naming_the_rule_and_field_X_10(over, expected):
    found = check(row(**over))
    assert expected in rules_fields(found.violations) and found.row is None


def test_a_date_in_the_past_is_refused_X_10():
    found = check(row(suspend_on=TODAY - timedelta(days=1)))
    assert rules_fields(found.violations) == {("X-10", "suspend_on")}
    assert not check(row(suspend_on=TODAY)).violations


def test_duplicate_numbers_in_a_file_are_refused_on_each_row_X_10():
    checks = r.check_rows(
        [row(), row(number="S-2"), row()], collections={"im": IM}, existing={}, today=TODAY
    )
    assert [bool(c.violations) for c in checks] == [True, False, True]
    assert rules_fields(checks[0].violations) == {("X-10", "number")}


def test_every_problem_of_a_row_is_reported_at_once():
    found = check(row(collection="xx", phone="1", suspend_on="01.01.2020"))
    assert {f for _, f in rules_fields(found.violations)} >= {
        "collection",
        "customer.phone",
        "suspend_on",
    }


@given(st.one_of(st.integers(-5, 5000), st.floats(allow_nan=False), st.text(max_size=8)))
def test_parse_int_never_raises(value):
    n = r.parse_int(value)
    assert n is None or isinstance(n, int)


# --- SUB-3 contacts -------------------------------------------------------------------------

FACTS = r.ContactFacts(status="active", delivered=88, total=100)


def test_bought_all_fills_in_every_remaining_issue_SUB_3():
    issues, found = r.check_contact(outcome="bought_all", issues=None, facts=FACTS)
    assert not found and issues == list(range(89, 101)) and len(issues) == 12


def test_bought_some_names_remaining_issues_not_bought_before_SUB_3():
    facts = r.ContactFacts(status="cancelled", delivered=88, total=100, bought=frozenset({89}))
    assert r.check_contact(outcome="bought_some", issues=[91, 90], facts=facts) == ([90, 91], [])
    for wrong in ([89], [50], [101], [], [90, 90]):
        issues, found = r.check_contact(outcome="bought_some", issues=wrong, facts=facts)
        assert issues == [] and found and all(v.rule == "SUB-3" for v in found), wrong


def test_bought_some_of_all_remaining_is_refused_in_favour_of_bought_all_SUB_3():
    _, found = r.check_contact(outcome="bought_some", issues=list(range(89, 101)), facts=FACTS)
    assert rules_fields(found) == {("SUB-3", "outcome")}


def test_outcomes_without_a_purchase_name_no_issues_SUB_3():
    for outcome in ("stayed", "will_think", "refund"):
        assert r.check_contact(outcome=outcome, issues=None, facts=FACTS) == ([], [])
        _, found = r.check_contact(outcome=outcome, issues=[90], facts=FACTS)
        assert rules_fields(found) == {("SUB-3", "issues")}


def test_a_cancelled_subscription_cannot_stay_SUB_4():
    facts = r.ContactFacts(status="cancelled", delivered=88, total=100)
    _, found = r.check_contact(outcome="stayed", issues=None, facts=facts)
    assert rules_fields(found) == {("SUB-4", "outcome")}


def test_an_unknown_outcome_is_refused_SUB_3():
    assert rules_fields(r.check_contact(outcome="maybe", issues=None, facts=FACTS)[1]) == {
        ("SUB-3", "outcome")
    }


def _purchase_as_sub_3_says(outcome, picked, delivered, total, bought):
    """SUB-3 stated plainly: the issues a purchase records, or None when it is refused. A
    purchase names distinct issues after the delivered ones, up to the total, not bought
    before; "bought all" names every one of them (or none: then all are meant), "bought
    some" names some but not all."""
    left = [n for n in range(delivered + 1, total + 1) if n not in bought]
    if not left or len(set(picked)) != len(picked) or not set(picked) <= set(left):
        return None
    if outcome == "bought_all":
        return left if sorted(picked) in ([], left) else None
    return sorted(picked) if picked and sorted(picked) != left else None


@given(
    delivered=st.integers(0, 30),
    total=st.integers(0, 30),
    bought=st.sets(st.integers(0, 31)),
    data=st.data(),
)
def test_a_purchase_is_accepted_exactly_when_it_names_new_remaining_issues_SUB_3(
    delivered, total, bought, data
):
    # given a subscription and issues picked at random, half the time among the remaining
    total = min(max(total, delivered), 30)
    facts = r.ContactFacts("active", delivered, total, frozenset(bought))
    anything = st.lists(st.integers(-1, 32), max_size=10)
    remaining = st.lists(st.sampled_from(facts.purchasable), max_size=10)
    picked = data.draw(st.one_of(anything, remaining) if facts.purchasable else anything)
    for outcome in ("bought_some", "bought_all"):
        # when the contact records that purchase
        issues, found = r.check_contact(outcome=outcome, issues=picked, facts=facts)
        # then it is accepted with exactly the issues SUB-3 allows, or refused under SUB-3
        expected = _purchase_as_sub_3_says(outcome, picked, delivered, total, bought)
        if expected is None:
            assert issues == [] and found, (outcome, picked)
            assert {v.rule for v in found} == {"SUB-3"}, (outcome, picked)
        else:
            assert (issues, found) == (expected, []), (outcome, picked)


def test_issue_numbers_from_a_form():
    assert r.numbers_of(["3, 5-7", "9"]) == [3, 5, 6, 7, 9]
    assert r.numbers_of(["x"]) == [-1]


def test_registry_outcome_columns_are_ones_and_zeros_SUB_6():
    assert r.outcome_counts({"will_think", "bought_all"}) == {
        "stayed": 0,
        "bought_some": 0,
        "bought_all": 1,
        "will_think": 1,
        "refund": 0,
    }


def test_numbers_from_spreadsheet_cells_read_as_text():
    assert r.text_of(100123.0) == "100123" and r.text_of("  IM  7 ") == "IM 7"
    found = check(
        row(number=100123.0, plan="base", group="pink"),
        {"100123": r.ExistingFacts("accelerated")},
    )
    assert [(v.rule, v.field) for v in found.violations] == [("SUB-2", "plan")]
