"""Pure rules of inbound interactions (SPEC X-2, X-4, X-6; SUB, NBO-3, NBO-6), without a
database."""

from __future__ import annotations

import pytest

from dozvon.core.limits import COMMENT
from dozvon.interactions import rules as R

pytestmark = pytest.mark.nodb

LINES = ("first", "second")
DIRECTIONS = ("inbound", "outbound")
TRANSFERS = ("", "ivr", "other_split", "second_line")


def _start(phone="+79161234567", line="first", direction="inbound"):
    found = R.check_start(
        phone=phone, line=line, lines=LINES, direction=direction, directions=DIRECTIONS
    )
    return [(v.rule, v.field) for v in found]


def _finish(subject="Кредит за оффер X", comment="Подробно", transferred_to=""):
    found = R.check_finish(
        subject=subject, comment=comment, transferred_to=transferred_to, transfers=TRANSFERS
    )
    return [(v.rule, v.field) for v in found]


@pytest.mark.parametrize(
    "phone", ["+79161234567", "8 916 123-45-67", "9161234567", "+380 44 123 4567"]
)
def test_an_interaction_starts_with_any_real_number_in_any_format_x_4(phone):
    # an unknown or foreign caller is allowed: the number need not be a customer's
    assert _start(phone=phone) == []


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("", "The phone is required."),
        ("   ", "The phone is required."),
        ("anonymous", "Enter a valid phone number."),
        ("1" * 65, "Enter a valid phone number."),
        ("0611", "Enter a valid phone number."),  # a wrong digit count
        ("70000000000", "Enter a valid phone number."),  # obviously fake
    ],
)
def test_a_missing_or_unreadable_number_is_refused_x_4(phone, expected):
    found = R.check_start(
        phone=phone, line="first", lines=LINES, direction="inbound", directions=DIRECTIONS
    )
    assert [(v.rule, v.field, v.message) for v in found] == [("X-4", "phone", expected)]


def test_unknown_line_and_direction_are_named_together_x_2():
    assert _start(phone="", line="third", direction="sideways") == [
        ("X-4", "phone"),
        ("X-2", "line"),
        ("input", "direction"),
    ]


@pytest.mark.parametrize("transferred_to", TRANSFERS)
def test_a_subject_and_a_comment_finish_an_interaction_x_6(transferred_to):
    assert _finish(transferred_to=transferred_to) == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"subject": ""}, [("X-6", "subject")]),
        ({"comment": ""}, [("X-6", "comment")]),
        ({"subject": "", "comment": ""}, [("X-6", "subject"), ("X-6", "comment")]),
        ({"subject": "т" * (R.SUBJECT_MAX + 1)}, [("X-6", "subject")]),
        ({"comment": "т" * (COMMENT + 1)}, [("X-6", "comment")]),
        ({"transferred_to": "pbx"}, [("X-6", "transferred_to")]),
    ],
    ids=["no-subject", "no-comment", "neither", "long-subject", "long-comment", "bad-transfer"],
)
def test_finishing_names_every_missing_or_wrong_field_x_6(values, expected):
    assert _finish(**values) == expected


def test_the_subject_fits_its_limit_exactly_nbo_6():
    assert _finish(subject="т" * R.SUBJECT_MAX) == []


@pytest.mark.parametrize(
    ("operator_id", "actor_id", "supervising", "allowed"),
    [
        (1, 1, False, True),  # the operator who took it
        (1, 2, False, False),  # a colleague
        (1, 2, True, True),  # a supervisor corrects it
        (None, 2, False, True),  # nobody took it (started by a PBX)
    ],
)
def test_who_may_record_an_interaction_x_2(operator_id, actor_id, supervising, allowed):
    assert R.may_change(operator_id=operator_id, actor_id=actor_id, supervising=supervising) is (
        allowed
    )


def test_changes_are_old_to_new_of_the_fields_that_differ_x_6():
    old = {"subject": "A", "comment": "B", "transferred_to": ""}
    new = {"subject": "A", "comment": "C", "transferred_to": "ivr"}
    assert R.changes_of(old, new) == {"comment": ("B", "C"), "transferred_to": ("", "ivr")}


def test_text_is_kept_without_surrounding_whitespace():
    assert R.clean("  Тема \n") == "Тема"
    assert R.clean(None) == ""
