"""One inbound-contact service owns the contact's transaction (issue 26 item 3): the
desk's form and `POST …/interactions` both call `inbound_contact`, which records the
interaction and the playbook blocks' parts together — a part refused writes nothing."""

from __future__ import annotations

import pytest

from dozvon.core.errors import RuleViolations, violation
from dozvon.interactions.desk import DeskPart
from dozvon.interactions.models import Interaction
from dozvon.interactions.services import inbound_contact, interaction_add_comment
from tests.interactions.conftest import KNOWN, written

CONTACT = {"phone": KNOWN, "line": "first", "subject": "Доставка", "comment": "Объяснил сроки"}


def test_a_contact_and_its_parts_are_written_together_in_order(cod, known_order, now):
    steps = []

    def after(interaction):
        steps.append(("after", interaction.pk))
        interaction_add_comment(
            interaction_id=interaction.pk, actor=cod.operator, text="Часть блока", now=now
        )

    interaction = inbound_contact(
        project=cod.project,
        actor=cod.operator,
        contact=CONTACT,
        parts=[DeskPart(before=lambda: steps.append(("before", None)), after=after)],
        now=now,
    )

    assert steps == [("before", None), ("after", interaction.pk)]
    assert (interaction.subject, interaction.customer_id) == ("Доставка", known_order.customer_id)
    assert interaction.timeline.filter(text="Часть блока").exists()


def test_a_part_refused_after_the_contact_leaves_nothing_written(cod, known_order, now):
    before = written()

    def refuse(interaction):
        interaction_add_comment(
            interaction_id=interaction.pk, actor=cod.operator, text="Не останется", now=now
        )
        raise RuleViolations([violation("NBO-3", "offers", "Refused.")])

    with pytest.raises(RuleViolations):
        inbound_contact(
            project=cod.project,
            actor=cod.operator,
            contact=CONTACT,
            parts=[DeskPart(after=refuse)],
            now=now,
        )

    assert written() == before
    assert not Interaction.objects.filter(subject="Доставка").exists()


def test_a_part_gives_the_interaction_its_own_arguments(cod, known_order, now):
    interaction = inbound_contact(
        project=cod.project,
        actor=cod.operator,
        contact={**CONTACT, "comment": "от формы"},
        parts=[DeskPart(interaction={"comment": "от блока"})],
        now=now,
    )
    assert interaction.comment == "от блока"
