"""X-8: what a recorded call attempt must look like, on an order or an interaction
(`calls.rules.check_call_attempt`), without a database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dozvon.calls.rules import CLOCK_SKEW, check_call_attempt
from dozvon.core.limits import MAX_CALL_SECONDS
from tests.rules.support import NOW

pytestmark = pytest.mark.nodb

RESULTS = ("answered", "no_answer", "busy", "invalid_number", "voicemail")
OPENED = NOW - timedelta(hours=2)  # when the order arrived / the interaction began


def _check(result="answered", duration_s=60, started_at=NOW, subject="order"):
    found = check_call_attempt(
        result=result,
        results=RESULTS,
        duration_s=duration_s,
        started_at=started_at,
        now=NOW,
        not_before=OPENED,
        subject=subject,
    )
    return [(v.rule, v.field) for v in found]


@pytest.mark.parametrize("result", RESULTS)
def test_each_known_result_is_accepted_x_8(result):
    assert _check(result=result) == []


@pytest.mark.parametrize("duration_s", [0, 1, MAX_CALL_SECONDS])
def test_durations_within_range_are_accepted_x_8(duration_s):
    assert _check(duration_s=duration_s) == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"result": "hung_up"}, "result"),
        ({"result": ""}, "result"),
        ({"duration_s": -1}, "duration_s"),
        ({"duration_s": MAX_CALL_SECONDS + 1}, "duration_s"),
        ({"started_at": NOW + CLOCK_SKEW + timedelta(seconds=1)}, "started_at"),
        ({"started_at": OPENED - CLOCK_SKEW - timedelta(seconds=1)}, "started_at"),
    ],
    ids=["unknown", "empty", "negative", "too-long", "future", "before-subject"],
)
def test_a_wrong_attempt_names_its_field_x_8(values, field):
    assert _check(**values) == [("X-8", field)]


def test_clock_skew_of_a_few_minutes_is_tolerated_x_8():
    assert _check(started_at=NOW + CLOCK_SKEW) == []
    assert _check(started_at=OPENED - CLOCK_SKEW) == []


def test_every_broken_rule_is_reported_at_once_x_8():
    assert _check(result="x", duration_s=-5, started_at=NOW + timedelta(hours=1)) == [
        ("X-8", "result"),
        ("X-8", "duration_s"),
        ("X-8", "started_at"),
    ]


@pytest.mark.parametrize(
    ("subject", "message"),
    [
        ("order", "A call cannot precede the order."),
        ("interaction", "A call cannot precede the interaction."),
    ],
)
def test_a_call_before_its_subject_says_which_subject_x_8(subject, message):
    found = check_call_attempt(
        result="busy",
        results=RESULTS,
        duration_s=0,
        started_at=OPENED - timedelta(hours=1),
        now=NOW,
        not_before=OPENED,
        subject=subject,
    )
    assert [v.message for v in found] == [message]
