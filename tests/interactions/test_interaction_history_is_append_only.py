"""X-6 for interactions: their timeline lines are append-only like an order's, and a line
or a call attempt belongs to exactly one subject (an order or an interaction), which the
database itself checks."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from dozvon.calls.models import CallAttempt
from dozvon.history.models import TimelineEntry
from dozvon.interactions.services import interaction_add_comment, interaction_start
from tests.interactions.conftest import KNOWN


@pytest.fixture
def interaction(cod, now):
    return interaction_start(
        project=cod.project, actor=cod.operator, phone=KNOWN, line="first", now=now
    )


def test_an_interaction_line_cannot_be_edited_or_deleted_through_the_model_x_6(
    cod, interaction, now
):
    entry = interaction_add_comment(
        interaction_id=interaction.pk, actor=cod.operator, text="Перезвонить", now=now
    )
    entry.text = "подмена"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    assert TimelineEntry.objects.get(pk=entry.pk).text == "Перезвонить"


def test_an_interaction_line_update_is_refused_by_the_database_x_6(interaction):
    # when a raw UPDATE bypasses the model layer (the trigger survived the schema change)
    with pytest.raises(DatabaseError), transaction.atomic():
        TimelineEntry.objects.filter(interaction=interaction).update(text="подмена")
    # then the history is unchanged
    assert not TimelineEntry.objects.filter(text="подмена").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger is PostgreSQL's")
def test_an_interaction_line_delete_is_refused_by_postgresql_x_6(interaction):
    with pytest.raises(DatabaseError), transaction.atomic():
        TimelineEntry.objects.filter(interaction=interaction).delete()
    assert TimelineEntry.objects.filter(interaction=interaction).exists()


@pytest.mark.parametrize("subjects", ["neither", "both"])
def test_a_timeline_line_has_exactly_one_subject_in_the_database_x_6(
    subjects, cod, interaction, now
):
    # given an order and an interaction
    order = cod.intake()
    links = {"neither": {}, "both": {"order": order, "interaction": interaction}}[subjects]
    # when a line with neither or both is inserted, then the database refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        TimelineEntry.objects.create(kind="comment", at=now, text="x", **links)
    assert not TimelineEntry.objects.filter(text="x").exists()


@pytest.mark.parametrize("subjects", ["neither", "both"])
def test_a_call_attempt_has_exactly_one_subject_in_the_database_x_8(
    subjects, cod, interaction, now
):
    order = cod.intake()
    links = {"neither": {}, "both": {"order": order, "interaction": interaction}}[subjects]
    with pytest.raises(IntegrityError), transaction.atomic():
        CallAttempt.objects.create(
            project=cod.project, started_at=now, result="busy", created_at=now, **links
        )
    assert not CallAttempt.objects.exists()
