"""COD outcomes (SPEC COD-15…19) evaluated against the shipped cod.toml, without a database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dozvon.playbooks.engine import evaluate
from tests.rules.support import NOW, call, context, outcome, pairs

pytestmark = pytest.mark.nodb

ANSWERED = (call(NOW - timedelta(minutes=5), "answered"),)
NOT_ANSWERED = (call(NOW - timedelta(minutes=1), "no_answer"),)
COMMENT = "23.11 — клиент просит перезвонить завтра после обеда"
TOMORROW = NOW + timedelta(days=1)


# --- COD-15 Confirm → buffer ----------------------------------------------------------------


def test_confirm_after_a_call_with_empty_callback_and_problem_is_accepted_cod_15():
    # given an order that was called and has neither a callback date nor a problem
    ctx = context(outcome("cod", "confirm"), {"comment": "", "problem": ""}, calls=ANSWERED)
    # when the operator confirms it
    found = evaluate(outcome("cod", "confirm"), ctx)
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize(
    ("values", "facts", "expected"),
    [
        pytest.param({}, {}, {("COD-15", "calls")}, id="no-call-made"),
        pytest.param(
            {"callback_at": TOMORROW}, {"calls": ANSWERED}, {("COD-15", "callback_at")}, id="cb"
        ),
        pytest.param(
            {"problem": "need_callback"}, {"calls": ANSWERED}, {("COD-15", "problem")}, id="prob"
        ),
        pytest.param(
            {},
            {"calls": ANSWERED, "last_outcome_at": NOW - timedelta(minutes=1)},
            {("COD-15", "calls")},
            id="call-only-before-previous-result",
        ),
        pytest.param(
            {"problem": "no_answer", "callback_at": TOMORROW},
            {},
            {("COD-15", "calls"), ("COD-15", "problem"), ("COD-15", "callback_at")},
            id="everything-at-once",
        ),
    ],
)
def test_confirm_is_refused_without_a_call_or_with_callback_or_problem_cod_15(
    values, facts, expected
):
    # given an order missing a call, or carrying a callback date or a problem
    out = outcome("cod", "confirm")
    # when it is confirmed
    found = evaluate(out, context(out, values, **facts))
    # then every broken rule is named with its field
    assert pairs(found) == expected


# --- COD-16 Callback → In work --------------------------------------------------------------


def _callback_values(**overrides):
    return {"problem": "need_callback", "callback_at": TOMORROW, "comment": COMMENT, **overrides}


def test_callback_with_problem_future_date_and_comment_is_accepted_cod_16():
    # given a reached customer who asked to be called tomorrow
    out = outcome("cod", "callback")
    # when the operator saves "call back" with date, problem and comment
    found = evaluate(out, context(out, _callback_values(), calls=ANSWERED))
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize(
    ("overrides", "facts", "expected_field"),
    [
        pytest.param({"callback_at": None}, {"calls": ANSWERED}, "callback_at", id="no-date"),
        pytest.param(
            {"callback_at": NOW - timedelta(minutes=1)},
            {"calls": ANSWERED},
            "callback_at",
            id="date-in-the-past",
        ),
        pytest.param({"callback_at": NOW}, {"calls": ANSWERED}, "callback_at", id="date-is-now"),
        pytest.param({"comment": ""}, {"calls": ANSWERED}, "comment", id="no-comment"),
        pytest.param({"comment": "   \n"}, {"calls": ANSWERED}, "comment", id="blank-comment"),
        pytest.param({"problem": ""}, {"calls": ANSWERED}, "problem", id="no-problem"),
        pytest.param({"problem": "no_answer"}, {"calls": ANSWERED}, "problem", id="wrong-problem"),
        pytest.param({}, {}, "calls", id="no-call-made"),
    ],
)
def test_callback_is_refused_without_date_comment_problem_or_call_cod_16(
    overrides, facts, expected_field
):
    # given a "call back" save with one requirement broken
    out = outcome("cod", "callback")
    # when it is evaluated
    found = evaluate(out, context(out, _callback_values(**overrides), **facts))
    # then exactly that field is refused under COD-16
    assert pairs(found) == {("COD-16", expected_field)}


def test_callback_without_date_is_refused_cod_16():
    # given a reached customer but no callback date
    out = outcome("cod", "callback")
    ctx = context(out, _callback_values(callback_at=None), calls=ANSWERED)
    # when the operator saves "call back"
    found = evaluate(out, ctx)
    # then the callback date is required
    assert [(v.rule, v.field) for v in found] == [("COD-16", "callback_at")]
    assert found[0].render()  # renders in the active language without error


def test_callback_with_nothing_filled_lists_every_violation_at_once_cod_16():
    # given an empty "call back" save without a call
    out = outcome("cod", "callback")
    # when it is evaluated
    found = evaluate(out, context(out, {}))
    # then every missing piece is reported in one refusal
    assert pairs(found) == {
        ("COD-16", "problem"),
        ("COD-16", "callback_at"),
        ("COD-16", "comment"),
        ("COD-16", "calls"),
    }


# --- COD-17 No answer -----------------------------------------------------------------------


@pytest.mark.parametrize("result", ["no_answer", "busy", "voicemail"])
def test_no_answer_after_a_failed_call_with_problem_and_comment_is_accepted_cod_17(result):
    # given the latest attempt failed
    out = outcome("cod", "no_answer")
    values = {"problem": "no_answer", "comment": "23.11 не берёт трубку"}
    ctx = context(out, values, calls=(call(NOW - timedelta(minutes=1), result),))
    # when the operator saves "no answer"
    found = evaluate(out, ctx)
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize(
    ("values", "facts", "expected"),
    [
        pytest.param(
            {"problem": "no_answer", "comment": "x"}, {}, {("COD-17", "calls")}, id="no-call"
        ),
        pytest.param(
            {"problem": "no_answer", "comment": "x"},
            {"calls": (*NOT_ANSWERED, call(NOW, "answered"))},
            {("COD-17", "calls")},
            id="latest-call-was-answered",
        ),
        pytest.param(
            {"problem": "no_answer", "comment": "x"},
            {"calls": NOT_ANSWERED, "last_outcome_at": NOW},
            {("COD-17", "calls")},
            id="failed-call-before-previous-result",
        ),
        pytest.param(
            {"problem": "", "comment": "x"},
            {"calls": NOT_ANSWERED},
            {("COD-17", "problem")},
            id="no-problem",
        ),
        pytest.param(
            {"problem": "need_callback", "comment": "x"},
            {"calls": NOT_ANSWERED},
            {("COD-17", "problem")},
            id="wrong-problem",
        ),
        pytest.param(
            {"problem": "no_answer", "comment": ""},
            {"calls": NOT_ANSWERED},
            {("COD-17", "comment")},
            id="no-comment",
        ),
    ],
)
def test_no_answer_is_refused_without_failed_call_problem_or_comment_cod_17(
    values, facts, expected
):
    # given a "no answer" save with one requirement broken
    out = outcome("cod", "no_answer")
    # when it is evaluated
    found = evaluate(out, context(out, values, **facts))
    # then that requirement is named under COD-17
    assert pairs(found) == expected


# --- COD-18 Reject --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "problem", ["changed_mind", "too_expensive", "delivery_terms", "did_not_order", "other"]
)
def test_reject_with_a_cancellation_reason_and_comment_is_accepted_cod_18(problem):
    # given a reached customer who refuses for a listed reason
    out = outcome("cod", "reject")
    ctx = context(out, {"problem": problem, "comment": "23.11 передумал"}, calls=ANSWERED)
    # when the operator saves "reject"
    found = evaluate(out, ctx)
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize(
    ("values", "facts", "expected_field"),
    [
        pytest.param({"problem": "changed_mind", "comment": "x"}, {}, "calls", id="no-call"),
        pytest.param({"problem": "", "comment": "x"}, {"calls": ANSWERED}, "problem", id="none"),
        pytest.param(
            {"problem": "need_callback", "comment": "x"},
            {"calls": ANSWERED},
            "problem",
            id="not-a-cancellation-reason",
        ),
        pytest.param(
            {"problem": "invalid_number", "comment": "x"},
            {"calls": ANSWERED},
            "problem",
            id="invalid-reason",
        ),
        pytest.param(
            {"problem": "changed_mind", "comment": ""},
            {"calls": ANSWERED},
            "comment",
            id="no-comment",
        ),
    ],
)
def test_reject_is_refused_without_reason_comment_or_call_cod_18(values, facts, expected_field):
    # given a "reject" save with one requirement broken
    out = outcome("cod", "reject")
    # when it is evaluated
    found = evaluate(out, context(out, values, **facts))
    # then that requirement is named under COD-18
    assert pairs(found) == {("COD-18", expected_field)}


# --- COD-19 Invalid -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("problem", "facts"),
    [
        pytest.param("invalid_number", {}, id="a-wrong-number-needs-no-call"),
        pytest.param("spam", {}, id="c-spam-needs-no-call"),
        pytest.param(
            "feedback", {"calls": ANSWERED, "other_orders": 1}, id="b-feedback-about-our-order"
        ),
        pytest.param("duplicate", {"other_orders": 2}, id="d-duplicate-detected-automatically"),
        pytest.param(
            "duplicate", {"calls": ANSWERED, "other_orders": 1}, id="d-customer-already-ordered"
        ),
    ],
)
def test_invalid_for_each_case_with_its_preconditions_is_accepted_cod_19(problem, facts):
    # given an order that is invalid for one of the four reasons, with what that case needs
    out = outcome("cod", "invalid")
    ctx = context(out, {"problem": problem, "comment": "обратная связь"}, **facts)
    # when it is saved as "invalid"
    found = evaluate(out, ctx)
    # then nothing is refused
    assert found == []


@pytest.mark.parametrize(
    ("problem", "facts", "expected_field"),
    [
        pytest.param("feedback", {"other_orders": 1}, "calls", id="b-feedback-needs-a-call"),
        pytest.param(
            "feedback",
            {"calls": ANSWERED, "other_orders": 0},
            "problem",
            id="b-feedback-without-our-order-is-a-reject",
        ),
        pytest.param(
            "duplicate",
            {"calls": ANSWERED, "other_orders": 0},
            "problem",
            id="d-duplicate-without-other-orders-is-a-reject",
        ),
        pytest.param("changed_mind", {"calls": ANSWERED}, "problem", id="reject-reason"),
        pytest.param("", {"calls": ANSWERED}, "problem", id="no-problem"),
    ],
)
def test_invalid_is_refused_when_its_case_is_not_met_cod_19(problem, facts, expected_field):
    # given an "invalid" save whose case requirements are not met
    out = outcome("cod", "invalid")
    ctx = context(out, {"problem": problem, "comment": "обратная связь"}, **facts)
    # when it is evaluated
    found = evaluate(out, ctx)
    # then COD-19 refuses it on that field
    assert pairs(found) == {("COD-19", expected_field)}


def test_invalid_without_comment_is_refused_cod_19():
    # given a spam order with no comment
    out = outcome("cod", "invalid")
    # when it is saved as invalid
    found = evaluate(out, context(out, {"problem": "spam", "comment": ""}))
    # then the comment is required
    assert pairs(found) == {("COD-19", "comment")}


def test_feedback_without_call_and_other_orders_reports_both_cod_19():
    # given feedback saved without a call and without any other order of the customer
    out = outcome("cod", "invalid")
    # when it is evaluated
    found = evaluate(out, context(out, {"problem": "feedback", "comment": "обратная связь"}))
    # then both preconditions are listed at once
    assert pairs(found) == {("COD-19", "calls"), ("COD-19", "problem")}
