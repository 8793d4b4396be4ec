"""Issue 26 item 3: each DUN policy number is declared once, in dun.toml. The checks have
no Python copy of them (no defaults), so a file that leaves one out is refused when it
is loaded — never run with a number nobody wrote down."""

from __future__ import annotations

import copy
import inspect

import pytest

from dozvon.dunning import checks
from dozvon.playbooks.definition import PlaybookError, parse_playbook
from tests.rules.support import load_raw

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize("check", sorted(checks.CHECKS))
def test_dun_checks_declare_no_number_of_their_own(check):
    params = inspect.signature(checks.CHECKS[check]).parameters.values()
    assert [p.name for p in params if p.default is not p.empty] == []


@pytest.mark.parametrize(
    ("check", "number"),
    [
        ("calling_discipline", "calls"),  # DUN-7
        ("calling_discipline", "gap_hours"),
        ("postpone_rules", "default_days"),  # DUN-5
        ("postpone_rules", "due_hour"),
    ],
)
def test_a_dun_file_without_a_policy_number_is_refused_at_load(check, number):
    raw = copy.deepcopy(load_raw("dun"))
    for outcome in raw["outcomes"]:
        for declared in outcome.get("checks", ()):
            if declared["check"] == check:
                del declared[number]
    with pytest.raises(PlaybookError) as refused:
        parse_playbook(raw)
    assert any(f"check {check} needs the parameter {number!r}" in p for p in refused.value.problems)


def test_the_shipped_dun_file_declares_every_number():
    assert parse_playbook(load_raw("dun")).code == "dun"
