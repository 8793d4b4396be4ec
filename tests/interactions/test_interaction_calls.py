"""X-8 on inbound work: a call attempt made on an interaction, with the rules of an
order's call."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dozvon.audit.models import AuditEntry
from dozvon.calls.models import CallAttempt
from dozvon.core.errors import RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.interactions.services import interaction_call_record, interaction_start
from dozvon.orders.services import Event
from tests.interactions.conftest import KNOWN, written


@pytest.fixture
def interaction(cod, now):
    return interaction_start(
        project=cod.project, actor=cod.operator, phone=KNOWN, line="first", now=now
    )


def test_a_call_attempt_on_an_interaction_is_recorded_in_its_history_x_8(cod, interaction, now):
    # when the operator calls the caller back after the line dropped
    at = now + timedelta(minutes=10)
    call = interaction_call_record(
        interaction_id=interaction.pk,
        actor=cod.operator,
        result="answered",
        started_at=at - timedelta(minutes=1),
        duration_s=42,
        now=at,
    )
    # then the attempt belongs to the interaction, not to an order
    stored = CallAttempt.objects.get(pk=call.pk)
    assert (stored.interaction_id, stored.order_id, stored.project_id) == (
        interaction.pk,
        None,
        cod.project.pk,
    )
    assert (stored.result, stored.duration_s, stored.operator) == ("answered", 42, cod.operator)
    # … with a call line in the interaction's history and an audit row
    line = TimelineEntry.objects.filter(interaction=interaction, kind="call").get()
    assert line.data["call"] == call.pk and line.data["duration_s"] == 42
    audit = AuditEntry.objects.get(action=Event.INTERACTION_CALL)
    assert (audit.target_type, audit.target_id) == ("interaction", str(interaction.pk))
    assert list(interaction.calls.all()) == [stored]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"result": "hung_up"}, "result"),
        ({"result": "busy", "duration_s": -1}, "duration_s"),
        ({"result": "busy", "started_at_shift": timedelta(hours=1)}, "started_at"),
        ({"result": "busy", "started_at_shift": -timedelta(hours=1)}, "started_at"),
    ],
    ids=["unknown-result", "negative-duration", "in-the-future", "before-the-interaction"],
)
def test_a_wrong_call_attempt_is_refused_and_writes_nothing_x_8(
    kwargs, field, cod, interaction, now
):
    # given a call attempt that breaks one X-8 rule
    kwargs = dict(kwargs)
    shift = kwargs.pop("started_at_shift", None)
    if shift is not None:
        kwargs["started_at"] = now + shift
    before = written()
    # when it is recorded, then it is refused naming the field, and nothing is written
    with pytest.raises(RuleViolations) as refused:
        interaction_call_record(
            interaction_id=interaction.pk, actor=cod.operator, now=now, **kwargs
        )
    assert [(v.rule, v.field) for v in refused.value.violations] == [("X-8", field)]
    assert written() == before
