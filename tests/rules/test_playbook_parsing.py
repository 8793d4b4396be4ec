"""Playbook files parsed into definitions (SPEC X-7: statuses, required fields and checks are
data); a broken file is refused with every problem listed at once."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from dozvon.playbooks import rules as R
from dozvon.playbooks.definition import (
    OUTCOME_FIELDS,
    Names,
    PlaybookError,
    parse_playbook,
)
from dozvon.playbooks.engine import evaluate
from tests.rules.support import context, load_raw, playbook

pytestmark = pytest.mark.nodb

SPEC_ID = re.compile(r"^(COD|SHOP|X)-\d+$")


def _name(word: str) -> dict[str, str]:
    return {"ru": f"{word} ru", "uk": f"{word} uk", "en": word}


def minimal() -> dict[str, Any]:
    """The smallest valid playbook: one group, two statuses, one queue, one outcome."""
    return {
        "code": "mini",
        "version": 2,
        "name": _name("Mini"),
        "groups": [{"code": "g", "name": _name("Group")}],
        "statuses": [
            {"code": "new", "group": "g", "initial": True, "name": _name("New")},
            {"code": "done", "group": "g", "name": _name("Done")},
        ],
        "problems": [{"code": "p", "name": _name("Problem")}],
        "queues": [{"code": "q", "bucket": "b", "name": _name("Queue")}],
        "outcomes": [
            {
                "code": "finish",
                "status": "done",
                "rule": "X-7",
                "name": _name("Finish"),
                "requires": ["comment"],
                "problems": ["p"],
                "checks": [{"check": "requires_call_made"}],
                "routes": [{"bucket": "b", "due": "now"}],
            }
        ],
    }


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(PlaybookError) as caught:
        parse_playbook(data)
    return caught.value.problems


# --- the shipped playbooks ------------------------------------------------------------------


@pytest.mark.parametrize("code", ["cod", "shop"])
def test_shipped_playbooks_parse_with_one_initial_status_x_7(code):
    # given a shipped playbook file
    # when it is parsed
    pb = playbook(code)
    # then it has its code, one initial status "new", and every outcome cites a SPEC ID
    assert pb.code == code
    assert pb.version >= 1
    assert pb.initial_status.code == "new"
    assert all(SPEC_ID.match(o.rule) for o in pb.outcomes.values())
    assert all(SPEC_ID.match(c.rule) for o in pb.outcomes.values() for c in o.checks)


def test_cod_playbook_has_the_six_tabs_and_five_results_cod_1_to_6_cod_15_to_19():
    # given the COD playbook
    pb = playbook("cod")
    # when its queues and outcomes are listed
    # then they are the SPEC's tabs and results, in order, each with its rule
    assert [q.code for q in pb.queues] == [
        "new",
        "quick_recall",
        "in_work",
        "no_answer_today",
        "no_answer_yesterday",
        "no_answer_day_before",
        "no_answer_earlier",
    ]
    assert {code: o.rule for code, o in pb.outcomes.items()} == {
        "confirm": "COD-15",
        "callback": "COD-16",
        "no_answer": "COD-17",
        "reject": "COD-18",
        "invalid": "COD-19",
    }


def test_shop_outcomes_are_its_statuses_in_their_groups_shop_1_to_5():
    # given the SHOP playbook
    pb = playbook("shop")
    # when outcomes are compared with statuses
    # then every non-initial status has an outcome of the same code, in the SPEC's group
    assert set(pb.outcomes) == set(pb.statuses) - {"new"}
    assert all(o.status == o.code for o in pb.outcomes.values())
    groups = {code: s.group for code, s in pb.statuses.items()}
    assert {groups[c] for c in ("awaiting_prepayment", "call_back")} == {"negotiation"}
    assert groups["hand_to_courier"] == "picking"
    assert {groups[c] for c in ("handed_to_delivery", "pickup", "taken_by_courier")} == {"delivery"}
    assert groups["done"] == "done"
    cancelled = {
        "no_answer",
        "out_of_stock",
        "bought_elsewhere",
        "delivery_not_suitable",
        "price_not_suitable",
        "not_profitable",
        "discontinued",
        "consultation",
        "cancelled",
        "needs_showroom",
    }
    assert {c for c, g in groups.items() if g == "cancelled"} == cancelled


def test_delivery_department_may_save_only_delivery_results_shop_3_x_2():
    # given the SHOP outcomes
    pb = playbook("shop")
    # when looking at who may save each
    # then the delivery department may save only "taken by courier" and "done"
    assert {c for c, o in pb.outcomes.items() if "delivery" in o.roles} == {
        "taken_by_courier",
        "done",
    }


@pytest.mark.parametrize("code", ["cod", "shop"])
def test_every_name_has_russian_ukrainian_and_english_x_7(code):
    # given a shipped playbook
    pb = playbook(code)
    names = [
        pb.names,
        *pb.groups.values(),
        *(s.names for s in pb.statuses.values()),
        *pb.problems.values(),
        *(o.names for o in pb.outcomes.values()),
        *(q.names for q in pb.queues),
    ]
    # when the names are read
    # then none is a placeholder and each language is filled
    assert all(n.ru and n.uk and n.en and "?" not in (n.ru, n.uk, n.en) for n in names)


# --- a minimal playbook ---------------------------------------------------------------------


def test_minimal_playbook_parses_into_frozen_definitions_x_7():
    # given a minimal valid playbook
    # when it is parsed
    pb = parse_playbook(minimal())
    # then every part is there
    finish = pb.outcomes["finish"]
    assert (pb.code, pb.version, pb.initial_status.code) == ("mini", 2, "new")
    assert (finish.requires, finish.problems, finish.roles) == (
        ("comment",),
        ("p",),
        ("operator", "supervisor"),
    )
    assert finish.checks[0].rule == "X-7"  # a check inherits its outcome's rule
    assert pb.queues[0].take == "list" and pb.queues[0].created == "any"


def test_check_parameters_and_conditions_come_from_the_file_x_7():
    # given a check with its own rule, parameters and a problem condition
    data = minimal()
    data["outcomes"][0]["checks"] = [
        {"check": "max_goods_total", "rule": "SHOP-5", "amount": "2000", "when_problem": ["p"]}
    ]
    # when it is parsed
    check = parse_playbook(data).outcomes["finish"].checks[0]
    # then the parameters, rule and condition are kept apart
    assert check.params == {"amount": "2000"}
    assert (check.rule, check.when_problem, check.when_conversation) == ("SHOP-5", ("p",), None)
    assert check.as_dict() == {
        "check": "max_goods_total",
        "rule": "SHOP-5",
        "amount": "2000",
        "when_problem": ["p"],
    }


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ru", "Новый"),
        ("uk", "Новий"),
        ("en", "New"),
        ("en-GB", "New"),
        ("de", "Новый"),
        (None, "Новый"),
    ],
)
def test_names_fall_back_to_russian_for_unknown_languages_x_7(lang, expected):
    # given a status name in three languages
    names = Names("Новый", "Новий", "New")
    # when it is shown in a language
    # then unknown languages fall back to Russian, the operators' default
    assert names.get(lang) == expected


# --- refusals: every problem at once --------------------------------------------------------


def _with(mutate) -> dict[str, Any]:
    data = copy.deepcopy(minimal())
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(
            lambda d: d["outcomes"][0].update(checks=[{"check": "nope"}]),
            "outcome finish: unknown check 'nope'",
            id="unknown-check",
        ),
        pytest.param(
            lambda d: d["outcomes"][0].update(status="archived"),
            "outcome finish: unknown status 'archived'",
            id="unknown-status",
        ),
        pytest.param(
            lambda d: d["statuses"][1].update(initial=True),
            "exactly one status must be initial",
            id="two-initial-statuses",
        ),
        pytest.param(
            lambda d: d["statuses"][0].update(initial=False),
            "exactly one status must be initial",
            id="no-initial-status",
        ),
        pytest.param(
            lambda d: d["statuses"][1].pop("name"),
            "status done: name needs ru, uk and en",
            id="status-without-name",
        ),
        pytest.param(
            lambda d: d["outcomes"][0]["name"].pop("uk"),
            "outcome finish: name needs ru, uk and en",
            id="outcome-without-ukrainian",
        ),
        pytest.param(
            lambda d: d["groups"][0].update(name={"ru": "Группа", "uk": "", "en": "Group"}),
            "group g: name needs ru, uk and en",
            id="group-with-empty-name",
        ),
        pytest.param(
            lambda d: d["queues"][0].pop("name"),
            "queue q: name needs ru, uk and en",
            id="queue-without-name",
        ),
        pytest.param(
            lambda d: d["problems"][0].update(name="Проблема"),
            "problem p: name needs ru, uk and en",
            id="problem-name-not-a-table",
        ),
        pytest.param(
            lambda d: d.pop("name"),
            "playbook: name needs ru, uk and en",
            id="playbook-without-name",
        ),
        pytest.param(lambda d: d.pop("code"), "code is missing", id="no-code"),
        pytest.param(
            lambda d: d["statuses"][1].update(group="limbo"),
            "status done: unknown group 'limbo'",
            id="unknown-group",
        ),
        pytest.param(
            lambda d: d["outcomes"][0].update(problems=["ghost"]),
            "outcome finish: unknown problem 'ghost'",
            id="unknown-problem",
        ),
        pytest.param(
            lambda d: d["outcomes"][0].update(requires=["shoe_size"]),
            "outcome finish: unknown field 'shoe_size' in requires",
            id="unknown-required-field",
        ),
        pytest.param(
            lambda d: d["outcomes"][0].update(forbids=["shoe_size"]),
            "outcome finish: unknown field 'shoe_size' in forbids",
            id="unknown-forbidden-field",
        ),
        pytest.param(
            lambda d: d["outcomes"][0].update(roles=["janitor"]),
            "outcome finish: unknown role 'janitor'",
            id="unknown-role",
        ),
        pytest.param(
            lambda d: d["outcomes"][0].update(rule=""),
            "outcome finish: rule (SPEC ID) is missing",
            id="no-rule-id",
        ),
        pytest.param(
            lambda d: d["outcomes"][0].update(routes=[{"bucket": "elsewhere"}]),
            "outcome finish: no queue holds bucket 'elsewhere'",
            id="route-to-missing-bucket",
        ),
        pytest.param(
            lambda d: d["queues"][0].update(take="random"),
            "queue q: take must be one of",
            id="bad-take",
        ),
        pytest.param(
            lambda d: d["queues"][0].update(created="tomorrow"),
            "queue q: created must be one of",
            id="bad-created",
        ),
        pytest.param(
            lambda d: d["queues"][0].update(bucket=""),
            "queue q: bucket is missing",
            id="queue-without-bucket",
        ),
    ],
)
def test_a_broken_playbook_is_refused_naming_the_problem_x_7(mutate, expected):
    # given a minimal playbook with one mistake
    data = _with(mutate)
    # when it is parsed
    problems = _problems(data)
    # then PlaybookError names the mistake
    assert any(p.startswith(expected) for p in problems), problems


def test_a_playbook_with_many_mistakes_lists_every_problem_at_once_x_7():
    # given a playbook with an unknown check, an unknown status, missing names and two
    # initial statuses
    data = minimal()
    data["outcomes"][0].update(checks=[{"check": "nope"}], status="archived")
    data["statuses"][1].update(initial=True)
    data["statuses"][1].pop("name")
    data["outcomes"][0].pop("name")
    # when it is parsed
    with pytest.raises(PlaybookError) as caught:
        parse_playbook(data)
    # then one error lists all of them, and its message joins them
    problems = caught.value.problems
    for expected in [
        "outcome finish: unknown check 'nope'",
        "outcome finish: unknown status 'archived'",
        "exactly one status must be initial",
        "status done: name needs ru, uk and en",
        "outcome finish: name needs ru, uk and en",
    ]:
        assert expected in problems
    assert str(caught.value) == "; ".join(problems)
    assert isinstance(caught.value, ValueError)


def test_a_route_with_an_unknown_key_is_refused_as_a_playbook_problem_x_7():
    # given a route with a typo in a key ("after_minute" for "after_minutes")
    data = _with(lambda d: d["outcomes"][0].update(routes=[{"bucket": "b", "after_minute": 2}]))
    # when it is parsed
    problems = _problems(data)
    # then it is reported with the other problems, not raised as a TypeError
    assert any("after_minute" in p for p in problems), problems


def test_a_check_parameter_the_rule_does_not_take_is_refused_when_parsing_x_7():
    # given a check whose parameter is misspelt ("hour" for "hours")
    data = _with(
        lambda d: d["outcomes"][0].update(checks=[{"check": "min_calls_within", "hour": 5}])
    )
    # when it is parsed
    # then the file is refused up front, before any save can trip over it
    problems = _problems(data)
    assert any("hour" in p for p in problems), problems


# --- field names the files may use -------------------------------------------------------


@pytest.mark.parametrize("code", ["cod", "shop"])
def test_shipped_files_only_use_known_fields_x_7(code):
    # given a shipped playbook file as raw data
    raw = load_raw(code)
    # when its required and forbidden fields are collected
    used = {f for o in raw["outcomes"] for key in ("requires", "forbids") for f in o.get(key, [])}
    # then each is an outcome field the service loads
    assert used <= OUTCOME_FIELDS


def test_checks_of_a_parsed_minimal_playbook_run_through_evaluate_x_7():
    # given the minimal playbook's outcome and an empty save
    out = parse_playbook(minimal()).outcomes["finish"]
    # when it is evaluated
    found = evaluate(out, context(out, {}))
    # then required field, allowed problem and the named check all report under X-7
    assert {(v.rule, v.field) for v in found} == {
        ("X-7", "comment"),
        ("X-7", "problem"),
        ("X-7", "calls"),
    }
    assert set(R.REGISTRY) >= {c.name for c in out.checks}
