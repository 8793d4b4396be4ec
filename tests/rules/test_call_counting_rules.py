"""Call-counting rule functions (SPEC X-8, COD-15…17, SHOP-5) called directly, with
property tests against brute-force definitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dozvon.playbooks import rules as R
from dozvon.playbooks.rules import CallFact, OutcomeContext
from tests.rules.support import MSK, NOW, TZ, call, calls, msk, playbook

pytestmark = pytest.mark.nodb


def ctx_of(history=(), **facts) -> OutcomeContext:
    return OutcomeContext(
        now=NOW, tz=TZ, outcome="no_answer", rule="SHOP-5", values={}, calls=history, **facts
    )


# --- facts derived from the call history ---------------------------------------------------


@pytest.mark.parametrize(
    ("result", "failed"),
    [
        ("no_answer", True),
        ("busy", True),
        ("voicemail", True),
        ("invalid_number", True),
        ("answered", False),
    ],
)
def test_only_unanswered_attempts_count_as_failed_x_8(result, failed):
    # given one attempt with a result
    # when asked whether it failed
    # then every non-answered result is a failure
    assert CallFact(NOW, result).failed is failed


def test_calls_since_outcome_keeps_calls_from_the_previous_result_on_x_8():
    # given calls before and at/after the previous result
    history = calls(msk(23, 9), msk(23, 10), msk(23, 11))
    ctx = ctx_of(history, last_outcome_at=msk(23, 10))
    # when asking which calls belong to this save
    # then those at or after the previous result remain
    assert ctx.calls_since_outcome == history[1:]
    assert ctx_of(history).calls_since_outcome == history


def test_failed_since_conversation_starts_after_the_last_answered_call_shop_5():
    # given failures, a conversation, more failures, a second conversation, more failures
    history = (
        call(msk(20, 9)),
        call(msk(20, 10), "answered"),
        call(msk(21, 9)),
        call(msk(21, 10), "answered"),
        call(msk(22, 9), "busy"),
        call(msk(22, 10)),
    )
    ctx = ctx_of(history)
    # when looking for the failures that count
    # then only those after the last conversation count
    assert ctx.had_conversation
    assert ctx.failed_since_conversation == history[4:]


@pytest.mark.parametrize(
    ("history", "last_outcome_at", "ok"),
    [
        (calls(msk(23, 11)), None, True),
        ((call(msk(23, 10)), call(msk(23, 11), "answered")), None, False),
        ((call(msk(23, 10), "answered"), call(msk(23, 11), "busy")), None, True),
        (calls(msk(23, 11)), msk(23, 11, 30), False),
        ((), None, False),
    ],
    ids=["failed", "latest-answered", "latest-busy", "before-previous-result", "none"],
)
def test_requires_failed_call_looks_at_the_latest_attempt_of_this_save_cod_17(
    history, last_outcome_at, ok
):
    # given a call history and the time of the previous result
    ctx = ctx_of(history, last_outcome_at=last_outcome_at)
    # when the failed-call rule runs
    found = R.requires_failed_call(ctx, rule_id="COD-17")
    # then it passes only when the latest attempt since the previous result failed
    assert (found == []) is ok
    assert all((v.rule, v.field) == ("COD-17", "calls") for v in found)


# --- min_calls_within (SHOP-5 "No answer" without conversation) ----------------------------


@pytest.mark.parametrize(
    ("params", "moments", "ok"),
    [
        ({"calls": 2, "hours": 1}, (msk(23, 9), msk(23, 10)), True),
        ({"calls": 2, "hours": 1}, (msk(23, 9), msk(23, 10, 1)), False),
        ({"calls": 4, "hours": 5}, (msk(23, 9), msk(23, 10), msk(23, 11)), False),
        ({"calls": 1, "hours": 0.5}, (msk(23, 9),), True),
    ],
)
def test_min_calls_within_takes_its_thresholds_from_the_playbook_shop_5(params, moments, ok):
    # given failed calls and thresholds set in the playbook file
    ctx = ctx_of(calls(*moments))
    # when the rule runs with those parameters
    found = R.min_calls_within(ctx, rule_id="SHOP-5", **params)
    # then the thresholds decide
    assert (found == []) is ok


def test_min_calls_within_ignores_answered_calls_shop_5():
    # given two failures and one answered call in the same hour
    history = (call(msk(23, 9)), call(msk(23, 9, 30), "answered"), call(msk(23, 10)))
    # when the rule runs
    found = R.min_calls_within(ctx_of(history), rule_id="SHOP-5", calls=3, hours=5)
    # then the answered call is not a failed attempt
    assert [(v.rule, v.field) for v in found] == [("SHOP-5", "calls")]


def _brute_min_calls(moments: list[datetime], need: int, hours: float) -> bool:
    """Some local day has `need` calls whose first and last are at most `hours` apart."""
    local = sorted(m.astimezone(MSK) for m in moments)
    span = timedelta(hours=hours)
    for group in combinations(local, need):
        if group[0].date() == group[-1].date() and group[-1] - group[0] <= span:
            return True
    return False


# Moments over three Moscow days, at minute resolution, in UTC.
START = datetime(2026, 11, 21, 21, 0, tzinfo=UTC)  # 22 Nov 00:00 in Moscow
moment_st = st.integers(min_value=0, max_value=3 * 24 * 60 - 1).map(
    lambda m: START + timedelta(minutes=m)
)


@settings(max_examples=300, deadline=None)
@given(
    moments=st.lists(moment_st, max_size=8),
    need=st.integers(min_value=1, max_value=4),
    hours=st.sampled_from([0.5, 1, 2, 5, 8]),
)
def test_min_calls_within_accepts_iff_some_window_of_one_day_holds_enough_calls_shop_5(
    moments, need, hours
):
    # given any failed calls over three days (in any order) and any thresholds
    ctx = ctx_of(calls(*moments))
    # when the rule runs
    found = R.min_calls_within(ctx, rule_id="SHOP-5", calls=need, hours=hours)
    # then it accepts exactly when a brute-force search over all windows finds enough calls
    assert (found == []) is _brute_min_calls(moments, need, hours)


# --- calls_on_consecutive_days (SHOP-5 "No answer" after a conversation) -------------------


def _brute_spaced(day_moments: list[datetime], gap: timedelta) -> int:
    """Largest subset of one day's calls with every two neighbours at least `gap` apart."""
    ordered = sorted(day_moments)
    for size in range(len(ordered), 0, -1):
        for group in combinations(ordered, size):
            if all(b - a >= gap for a, b in zip(group, group[1:], strict=False)):
                return size
    return 0


def _brute_consecutive(moments, days: int, need: int, gap_hours: float) -> bool:
    local = [m.astimezone(MSK) for m in moments]
    by_day: dict = {}
    for m in local:
        by_day.setdefault(m.date(), []).append(m)
    good = {d for d, ms in by_day.items() if _brute_spaced(ms, timedelta(hours=gap_hours)) >= need}
    return any(all(d + timedelta(days=k) in good for k in range(days)) for d in good)


@settings(max_examples=300, deadline=None)
@given(
    moments=st.lists(moment_st, max_size=9),
    need=st.integers(min_value=1, max_value=3),
    gap_hours=st.sampled_from([0.5, 1, 3]),
    days=st.integers(min_value=1, max_value=3),
)
def test_consecutive_days_rule_matches_a_brute_force_definition_shop_5(
    moments, need, gap_hours, days
):
    # given an earlier conversation and any failed calls after it
    history = (call(START - timedelta(days=1), "answered"), *calls(*moments))
    ctx = ctx_of(history)
    # when the consecutive-days rule runs
    found = R.calls_on_consecutive_days(
        ctx, rule_id="SHOP-5", days=days, calls=need, min_gap_hours=gap_hours
    )
    # then it accepts exactly when some run of `days` consecutive days each has `need`
    # calls at least `gap_hours` apart
    assert (found == []) is _brute_consecutive(moments, days, need, gap_hours)


def test_consecutive_days_across_a_month_boundary_count_as_consecutive_shop_5():
    # given qualifying days on 30 November and 1 December
    moments = [datetime(2026, 11, 30, h, tzinfo=MSK) for h in (10, 11, 12)]
    moments += [datetime(2026, 12, 1, h, tzinfo=MSK) for h in (10, 11, 12)]
    history = (call(msk(29, 10), "answered"), *calls(*moments))
    # when the rule runs
    found = R.calls_on_consecutive_days(ctx_of(history), rule_id="SHOP-5")
    # then the two days are consecutive
    assert found == []


# --- the registry behind the playbook files ------------------------------------------------


def test_every_check_named_in_the_shipped_playbooks_is_registered_x_7():
    # given both shipped playbooks
    names = {
        c.name
        for code in ("cod", "shop")
        for o in playbook(code).outcomes.values()
        for c in o.checks
    }
    # when the names are looked up
    # then every one is a registered rule function
    assert names <= set(R.REGISTRY)
    assert {"min_calls_within", "calls_on_consecutive_days", "requires_call_made"} <= names


@pytest.mark.parametrize(
    ("value", "blank"),
    [(None, True), ("", True), ("  ", True), ([], True), ({}, True), (0, False), ("x", False)],
)
def test_blank_means_none_empty_or_whitespace_x_7(value, blank):
    # given a field value
    # when asked whether it is blank
    # then only missing, empty or whitespace values are blank (0 is a value)
    assert R.is_blank(value) is blank
