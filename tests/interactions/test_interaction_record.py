"""SUB/NBO inbound work: an interaction has its own history (X-6) and audit (X-12), kept
apart from the caller's orders, and is recorded with a subject and a comment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dozvon.audit.models import AuditEntry
from dozvon.core.errors import Conflict, Forbidden, RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.interactions import selectors
from dozvon.interactions.services import (
    interaction_add_comment,
    interaction_finish,
    interaction_start,
)
from dozvon.orders.services import Event, Line, record
from tests.factories import MembershipFactory
from tests.interactions.conftest import KNOWN, written


def _start(world, phone=KNOWN, now=None, **kw):
    return interaction_start(
        project=world.project, actor=world.operator, phone=phone, line="first", now=now, **kw
    )


def test_an_operator_records_an_interaction_with_its_own_timeline_and_audit_x_6_x_12(
    cod, known_order, now
):
    # given a known customer phoning in (the number typed in another format)
    # when the operator takes the call, comments and finishes it
    started = _start(cod, phone="8 (916) 123-45-67", now=now)
    interaction_add_comment(
        interaction_id=started.pk, actor=cod.operator, text="Спрашивает про доставку", now=now
    )
    later = now + timedelta(minutes=4)
    done = interaction_finish(
        interaction_id=started.pk,
        actor=cod.operator,
        subject="Доставка выпуска 12",
        comment="Объяснил сроки, клиент доволен",
        transferred_to="",
        version=started.version,
        now=later,
    )

    # then the interaction knows its caller, operator and how it ended
    assert done.customer_id == known_order.customer_id
    assert done.phone == KNOWN and done.operator == cod.operator
    assert (done.ended_at, done.subject, done.version) == (later, "Доставка выпуска 12", 2)
    # … its history is its own, oldest first, and the order's history did not grow
    lines = list(selectors.interaction_timeline(done))
    assert [(e.kind, e.order_id) for e in lines] == [("auto", None)] + [("comment", None)] * 2
    assert lines[1].text == "Спрашивает про доставку" and lines[1].actor == cod.operator
    assert lines[2].data == {"subject": "Доставка выпуска 12", "transferred_to": ""}
    assert not TimelineEntry.objects.filter(order=known_order, at__gte=now, kind="comment")
    # … and every step is audited against the interaction, in its project
    audit = AuditEntry.objects.filter(target_type="interaction", target_id=str(done.pk))
    assert sorted(audit.values_list("action", flat=True)) == sorted(
        [Event.INTERACTION_STARTED, Event.INTERACTION_COMMENTED, Event.INTERACTION_RECORDED]
    )
    assert {row.project_id for row in audit} == {cod.project.pk}
    assert {row.actor_id for row in audit} == {cod.operator.pk}


def test_an_unknown_caller_is_recorded_without_a_customer(cod, now):
    interaction = _start(cod, phone="+7 903 111-22-33", now=now)
    assert interaction.customer is None
    assert interaction.phone == "+79031112233"
    assert interaction.direction == "inbound" and interaction.line == "first"


def test_finishing_without_subject_and_comment_is_refused_and_writes_nothing_x_6(cod, now):
    # given an interaction in progress
    interaction = _start(cod, now=now)
    before = written()
    # when the operator finishes it with blank subject and comment
    with pytest.raises(RuleViolations) as refused:
        interaction_finish(
            interaction_id=interaction.pk,
            actor=cod.operator,
            subject="  ",
            comment="",
            transferred_to="",
            version=interaction.version,
            now=now,
        )
    # then both fields are named under X-6, and nothing was written
    assert {(v.rule, v.field) for v in refused.value.violations} == {
        ("X-6", "subject"),
        ("X-6", "comment"),
    }
    assert written() == before
    interaction.refresh_from_db()
    assert (interaction.ended_at, interaction.subject, interaction.version) == (None, "", 1)


def test_a_stale_version_is_a_conflict(cod, now):
    interaction = _start(cod, now=now)
    before = written()
    with pytest.raises(Conflict):
        interaction_finish(
            interaction_id=interaction.pk,
            actor=cod.operator,
            subject="Тема",
            comment="Комментарий",
            version=interaction.version + 1,
            now=now,
        )
    assert written() == before


def test_finishing_again_corrects_it_as_old_to_new_lines_x_6(cod, now):
    # given a recorded interaction
    interaction = _start(cod, now=now)
    first = interaction_finish(
        interaction_id=interaction.pk,
        actor=cod.operator,
        subject="Тема",
        comment="Комментарий",
        version=1,
        now=now,
    )
    # when its transfer is corrected
    second = interaction_finish(
        interaction_id=interaction.pk,
        actor=cod.operator,
        subject="Тема",
        comment="Комментарий",
        transferred_to="ivr",
        version=first.version,
        now=now + timedelta(minutes=1),
    )
    # then one edit line says old → new and the end time stays
    edit = TimelineEntry.objects.filter(interaction=interaction, kind="edit").get()
    assert edit.data == {"field": "transferred_to", "old": "", "new": "ivr"}
    assert (second.ended_at, second.version, second.transferred_to) == (now, 3, "ivr")
    assert AuditEntry.objects.filter(action=Event.INTERACTION_EDITED).count() == 1


def test_only_its_operator_or_a_supervisor_records_an_interaction_x_2(cod, now):
    # given an interaction taken by one operator, and a colleague on the same project
    interaction = _start(cod, now=now)
    colleague = MembershipFactory(project=cod.project, role="operator").user
    values = {"subject": "Тема", "comment": "Комментарий", "version": 1, "now": now}
    # when the colleague finishes it, it is refused; the supervisor may
    with pytest.raises(Forbidden):
        interaction_finish(interaction_id=interaction.pk, actor=colleague, **values)
    done = interaction_finish(interaction_id=interaction.pk, actor=cod.supervisor, **values)
    assert done.ended_at == now


def test_record_takes_exactly_one_subject(cod, known_order, now):
    interaction = _start(cod, now=now)
    with pytest.raises(TypeError):
        record(Event.COMMENTED, actor=cod.operator, now=now, text="x")
    with pytest.raises(TypeError):
        record(
            Event.COMMENTED,
            order=known_order,
            interaction=interaction,
            actor=cod.operator,
            now=now,
            text="x",
        )


@pytest.mark.parametrize("subject", ["order", "interaction"])
def test_record_writes_lines_and_audit_in_two_statements_and_a_feed_row_for_orders(
    subject, cod, known_order, now
):
    # given an order and an interaction loaded as the services lock them
    target = {"order": known_order, "interaction": _start(cod, now=now)}[subject]
    lines = [Line("a", {"field": "a"}), Line("b", {"field": "b"}), Line("c", {"field": "c"})]
    # when three lines and the audit row are recorded
    with CaptureQueriesContext(connection) as ctx:
        record(Event.EDITED, actor=cod.operator, now=now, lines=lines, **{subject: target})
    # then one insert of the lines and one of the audit row, and for an order one row of
    # the partners' changes feed and one read of its webhook endpoints (an edit is a
    # partner change; interactions are not)
    assert len(ctx.captured_queries) == (4 if subject == "order" else 2)
    audit = AuditEntry.objects.latest("id")
    assert (audit.target_type, audit.target_id) == (subject, str(target.pk))
