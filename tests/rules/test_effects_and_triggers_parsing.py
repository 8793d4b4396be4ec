"""Effects and triggers are playbook data (issue 11; X-6 automatic actions, DUN-1, DUN-4,
DUN-8): outcomes declare effects, playbooks declare triggers; a broken declaration is
refused with every problem at once, like the rest of the file."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

import pytest

from dozvon.playbooks.automation_def import (
    CATCH_UP_DAYS,
    EffectDef,
    TriggerDef,
    age_window,
    waited,
)
from dozvon.playbooks.definition import PlaybookError, parse_playbook
from tests.rules.support import MSK, TZ, playbook

pytestmark = pytest.mark.nodb


def _name(word: str) -> dict[str, str]:
    return {"ru": f"{word} ru", "uk": f"{word} uk", "en": word}


def dun() -> dict[str, Any]:
    """A small DUN-like playbook: pending bank transfers, a worklist, three triggers."""
    return {
        "code": "dun",
        "name": _name("Dunning"),
        "settings": {"payment": {"methods": ["bank_transfer", "card"]}},
        "groups": [{"code": "open", "name": _name("Open")}],
        "statuses": [
            {"code": "pending", "group": "open", "initial": True, "name": _name("Pending")},
            {"code": "cancelled", "group": "open", "name": _name("Cancelled")},
        ],
        "queues": [{"code": "worklist", "bucket": "worklist", "name": _name("Worklist")}],
        "outcomes": [
            {
                "code": "already_paid",
                "status": "pending",
                "rule": "DUN-5",
                "name": _name("Already paid"),
                "effects": [
                    {"effect": "mark", "flag": "proof_requested"},
                    {"effect": "set_due", "days": 3},
                    {"effect": "send_message", "template": "proof_request"},
                ],
            }
        ],
        "triggers": [
            {
                "code": "enter_worklist",
                "rule": "DUN-1",
                "when": "age",
                "after_days": 7,
                "status": "pending",
                "payment_method": ["bank_transfer"],
                "effects": [{"effect": "route", "bucket": "worklist"}],
            },
            {
                "code": "leave_worklist",
                "rule": "DUN-1",
                "when": "age",
                "since": "trigger:enter_worklist",
                "after_weeks": 6,
                "bucket": ["worklist"],
                "effects": [{"effect": "route", "bucket": ""}],
            },
            {
                "code": "too_many_contacts",
                "rule": "DUN-8",
                "when": "count",
                "count": ["calls", "messages"],
                "more_than": 7,
                "bucket": "worklist",
                "enabled": False,
                "effects": [
                    {"effect": "send_message", "template": "final_bonus_25"},
                    {"effect": "cancel", "status": "cancelled"},
                ],
            },
        ],
    }


def _problems(mutate) -> list[str]:
    data = copy.deepcopy(dun())
    mutate(data)
    with pytest.raises(PlaybookError) as caught:
        parse_playbook(data)
    return caught.value.problems


def _trigger(index: int, **changes):
    return lambda d: d["triggers"][index].update(changes)


def _drop(index: int, key: str):
    return lambda d: d["triggers"][index].pop(key)


def _effects(effects):
    return lambda d: d["outcomes"][0].update(effects=effects)


# --- what a declaration parses into ---------------------------------------------------------


def test_outcome_effects_parse_in_their_order_dun_5():
    # given an outcome declaring three effects
    # when the playbook is parsed
    effects = parse_playbook(dun()).outcomes["already_paid"].effects
    # then they are frozen definitions, in the file's order
    assert effects == (
        EffectDef("mark", flag="proof_requested"),
        EffectDef("set_due", days=3),
        EffectDef("send_message", template="proof_request"),
    )
    assert effects[1].delay == timedelta(days=3)
    assert [e.as_dict() for e in effects] == [
        {"effect": "mark", "flag": "proof_requested"},
        {"effect": "set_due", "days": 3},
        {"effect": "send_message", "template": "proof_request"},
    ]


def test_triggers_parse_with_filters_thresholds_and_switch_dun_1_dun_8():
    # given the three triggers of the DUN-like playbook
    # when it is parsed
    enter, leave, contacts = parse_playbook(dun()).triggers
    # then each keeps its rule, filters, threshold and effects; weeks are days
    assert (enter.code, enter.rule, enter.when, enter.after_days) == (
        "enter_worklist",
        "DUN-1",
        "age",
        7,
    )
    assert (enter.status, enter.payment_method, enter.since_trigger) == (
        ("pending",),
        ("bank_transfer",),
        "",
    )
    assert (leave.after_days, leave.since_trigger, leave.bucket) == (
        42,
        "enter_worklist",
        ("worklist",),
    )
    assert leave.effects == (EffectDef("route", bucket=""),)
    assert (contacts.count, contacts.more_than, contacts.enabled) == (
        ("calls", "messages"),
        7,
        False,
    )
    assert enter.enabled and enter.catch_up_days == CATCH_UP_DAYS


@pytest.mark.parametrize("code", ["cod", "shop"])
def test_shipped_playbooks_declare_no_triggers_and_parse_x_7(code):
    # given a shipped playbook (SHOP-1's "call back in 2 days" is a route, not an effect)
    pb = playbook(code)
    # then it declares no triggers and no effects: nothing runs behind the operators' back
    assert pb.triggers == ()
    assert all(o.effects == () for o in pb.outcomes.values())


def test_shop_call_back_in_two_days_stays_a_route_shop_1():
    route = playbook("shop").outcomes["call_back"].routes[0]
    assert (route.bucket, route.due, route.callback_default_days) == ("call_back", "callback_at", 2)


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(
            _effects([{"effect": "teleport"}]),
            "outcome already_paid: unknown effect 'teleport'",
            id="unknown-effect",
        ),
        pytest.param(
            _effects([{"effect": "mark", "flag": "x", "colour": "red"}]),
            "outcome already_paid: effect mark has no parameter(s) ['colour']",
            id="effect-unknown-parameter",
        ),
        pytest.param(
            _effects([{"effect": "send_message"}]),
            "outcome already_paid: effect send_message needs a template",
            id="message-without-template",
        ),
        pytest.param(
            _effects([{"effect": "set_due", "days": 2, "hours": 3}]),
            "outcome already_paid: effect set_due needs days or hours",
            id="due-days-and-hours",
        ),
        pytest.param(
            _effects([{"effect": "set_due"}]),
            "outcome already_paid: effect set_due needs days or hours",
            id="due-neither",
        ),
        pytest.param(
            _effects([{"effect": "set_due", "days": 0}]),
            "outcome already_paid: effect set_due days must be a whole number above 0",
            id="due-zero-days",
        ),
        pytest.param(
            _effects([{"effect": "set_due", "hours": -1}]),
            "outcome already_paid: effect set_due hours must be a number above 0",
            id="due-negative-hours",
        ),
        pytest.param(
            _effects([{"effect": "route", "bucket": "elsewhere"}]),
            "outcome already_paid: effect route names bucket 'elsewhere' no queue holds",
            id="route-unknown-bucket",
        ),
        pytest.param(
            _effects([{"effect": "route"}]),
            "outcome already_paid: effect route needs a bucket",
            id="route-without-bucket",
        ),
        pytest.param(
            _effects([{"effect": "set_status", "status": "archived"}]),
            "outcome already_paid: effect set_status names unknown status 'archived'",
            id="status-unknown",
        ),
        pytest.param(
            _effects([{"effect": "cancel"}]),
            "outcome already_paid: effect cancel names unknown status None",
            id="cancel-without-status",
        ),
        pytest.param(
            _effects([{"effect": "mark", "flag": "Proof Requested"}]),
            "outcome already_paid: effect mark needs a flag in lower case",
            id="mark-bad-flag",
        ),
        pytest.param(
            _effects({"effect": "mark", "flag": "x"}),
            "outcome already_paid: effects must be a list of tables",
            id="effects-not-a-list",
        ),
        pytest.param(
            _trigger(0, when="sometimes"),
            "trigger enter_worklist: when must be one of ['age', 'count']",
            id="unknown-when",
        ),
        pytest.param(
            _drop(0, "rule"),
            "trigger enter_worklist: rule (SPEC ID) is missing",
            id="no-rule",
        ),
        pytest.param(
            _drop(0, "effects"),
            "trigger enter_worklist: effects are missing",
            id="no-effects",
        ),
        pytest.param(
            _trigger(0, effects=[{"effect": "route", "bucket": "nowhere"}]),
            "trigger enter_worklist: effect route names bucket 'nowhere' no queue holds",
            id="trigger-effect-unknown-bucket",
        ),
        pytest.param(
            _trigger(0, after_weeks=1),
            "trigger enter_worklist: an age trigger needs after_days or after_weeks (one)",
            id="days-and-weeks",
        ),
        pytest.param(
            _drop(0, "after_days"),
            "trigger enter_worklist: an age trigger needs after_days or after_weeks (one)",
            id="no-threshold",
        ),
        pytest.param(
            _trigger(0, after_days=-7),
            "trigger enter_worklist: after_days must be a whole number above 0",
            id="negative-days",
        ),
        pytest.param(
            _trigger(1, since="trigger:ghost"),
            "trigger leave_worklist: since must be 'created' or 'trigger:<another trigger>'",
            id="since-unknown-trigger",
        ),
        pytest.param(
            _trigger(1, since="trigger:leave_worklist"),
            "trigger leave_worklist: since must be 'created' or 'trigger:<another trigger>'",
            id="since-itself",
        ),
        pytest.param(
            _trigger(1, since="updated_at"),
            "trigger leave_worklist: since must be 'created' or 'trigger:<another trigger>'",
            id="since-unknown-moment",
        ),
        pytest.param(
            _trigger(0, more_than=3),
            "trigger enter_worklist: more_than is for count triggers",
            id="age-with-count-key",
        ),
        pytest.param(
            _trigger(2, count=["emails_opened"]),
            "trigger too_many_contacts: count must list some of",
            id="unknown-count",
        ),
        pytest.param(
            _trigger(2, more_than=-1),
            "trigger too_many_contacts: more_than must be a whole number, 0 or above",
            id="negative-more-than",
        ),
        pytest.param(
            _trigger(2, bucket=[]),
            "trigger too_many_contacts: a count trigger needs a status or bucket filter",
            id="count-over-whole-project",
        ),
        pytest.param(
            _trigger(2, after_days=3),
            "trigger too_many_contacts: after_days is for age triggers",
            id="count-with-age-key",
        ),
        pytest.param(
            _trigger(0, status=["paid"]),
            "trigger enter_worklist: unknown status 'paid'",
            id="unknown-status-filter",
        ),
        pytest.param(
            _trigger(1, bucket="archive"),
            "trigger leave_worklist: unknown bucket 'archive'",
            id="unknown-bucket-filter",
        ),
        pytest.param(
            _trigger(0, payment_method="cash"),
            "trigger enter_worklist: unknown payment_method 'cash'",
            id="unknown-payment-method",
        ),
        pytest.param(
            _trigger(0, status=7),
            "trigger enter_worklist: status must be a code or a list of codes",
            id="filter-not-codes",
        ),
        pytest.param(
            _trigger(0, after_dayz=7),
            "trigger enter_worklist: unknown keys ['after_dayz']",
            id="unknown-key",
        ),
        pytest.param(
            _trigger(0, enabled="yes"),
            "trigger enter_worklist: enabled must be true or false",
            id="enabled-not-bool",
        ),
        pytest.param(
            _trigger(0, catch_up_days=0),
            "trigger enter_worklist: catch_up_days must be a whole number above 0",
            id="no-catch-up",
        ),
        pytest.param(
            _trigger(1, code="enter_worklist", since="created"),
            "trigger enter_worklist: code used twice",
            id="duplicate-code",
        ),
        pytest.param(
            _trigger(0, code="Enter Worklist"),
            "trigger Enter Worklist: code must be lower case letters, digits and _",
            id="bad-code",
        ),
        pytest.param(
            lambda d: d.update(triggers={"code": "x"}),
            "triggers must be a list of tables",
            id="triggers-not-a-list",
        ),
    ],
)
def test_a_broken_effect_or_trigger_is_refused_naming_the_problem_x_7(mutate, expected):
    # given the DUN-like playbook with one mistake
    # when it is parsed
    problems = _problems(mutate)
    # then PlaybookError names the mistake
    assert any(p.startswith(expected) for p in problems), problems


def test_every_effect_and_trigger_problem_is_listed_at_once_x_7():
    # given mistakes in an outcome's effects and in two triggers
    def mutate(d):
        d["outcomes"][0]["effects"] = [{"effect": "teleport"}, {"effect": "set_due"}]
        d["triggers"][0]["when"] = "sometimes"
        d["triggers"][2]["count"] = ["likes"]
        d["statuses"][1]["group"] = "limbo"  # and one elsewhere in the file

    # when it is parsed
    problems = _problems(mutate)
    # then one refusal lists all of them
    for expected in [
        "outcome already_paid: unknown effect 'teleport'",
        "outcome already_paid: effect set_due needs days or hours",
        "trigger enter_worklist: when must be one of",
        "trigger too_many_contacts: count must list some of",
        "status cancelled: unknown group 'limbo'",
    ]:
        assert any(p.startswith(expected) for p in problems), (expected, problems)


# --- the pure helpers the engine runs over --------------------------------------------------


def _seven_days() -> TriggerDef:
    return parse_playbook(dun()).triggers[0]


@pytest.mark.parametrize(
    ("now", "due"),
    [
        pytest.param(datetime(2026, 1, 7, 23, 59, tzinfo=MSK), False, id="7th-23:59-msk"),
        pytest.param(datetime(2026, 1, 8, 0, 0, tzinfo=MSK), True, id="8th-00:00-msk"),
        # 8th 00:10 in Moscow is still the 7th in UTC: the project's calendar counts
        pytest.param(datetime(2026, 1, 8, 0, 10, tzinfo=MSK), True, id="8th-00:10-msk"),
    ],
)
def test_seven_calendar_days_are_counted_in_the_project_time_zone_dun_1(now, due):
    # given an order created late on the 1st, Moscow time
    created = datetime(2026, 1, 1, 23, 50, tzinfo=MSK)
    # when the seven-day trigger asks whether it waited long enough
    # then it has from midnight of the 8th, local time, less than 6 days 1 hour later
    assert waited(_seven_days(), created, now=now, tz=TZ) is due


def test_the_window_reaches_catch_up_days_back_and_no_further_dun_1():
    # given the seven-day trigger on the 30th
    since, until = age_window(_seven_days(), now=datetime(2026, 1, 30, 12, tzinfo=MSK), tz=TZ)
    # then it covers the 23rd and the CATCH_UP_DAYS days before, from local midnights
    assert until == datetime(2026, 1, 24, tzinfo=MSK)
    assert since == datetime(2026, 1, 23, tzinfo=MSK) - timedelta(days=CATCH_UP_DAYS)


def test_filters_and_counts_of_a_trigger_dun_8():
    trigger = parse_playbook(dun()).triggers[2]
    assert trigger.matches(status="pending", bucket="worklist", payment_method="card")
    assert not trigger.matches(status="pending", bucket="", payment_method="card")
    assert trigger.counted({"calls": 5, "failed_calls": 5, "messages": 3}) == 8
