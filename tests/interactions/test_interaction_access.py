"""X-1/X-2: an interaction is seen and worked only inside its project."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dozvon.core.errors import NotFound
from dozvon.interactions import selectors
from dozvon.interactions.services import (
    interaction_add_comment,
    interaction_call_record,
    interaction_finish,
    interaction_start,
)
from tests.interactions.conftest import KNOWN, written


def test_an_operator_of_another_project_gets_not_found_x_1(cod, shop, known_order, now):
    # given an interaction of the COD project
    interaction = interaction_start(
        project=cod.project, actor=cod.operator, phone=KNOWN, line="first", now=now
    )
    before = written()
    stranger = shop.operator
    # when an operator of the shop project reads or works it
    attempts = [
        lambda: selectors.interaction_get(interaction_id=interaction.pk, actor=stranger),
        lambda: selectors.interactions_of_customer(customer=known_order.customer, actor=stranger),
        lambda: interaction_add_comment(
            interaction_id=interaction.pk, actor=stranger, text="чужой", now=now
        ),
        lambda: interaction_call_record(
            interaction_id=interaction.pk, actor=stranger, result="answered", now=now
        ),
        lambda: interaction_finish(
            interaction_id=interaction.pk,
            actor=stranger,
            subject="Тема",
            comment="Текст",
            version=None,
            now=now,
        ),
        lambda: interaction_start(
            project=cod.project, actor=stranger, phone=KNOWN, line="first", now=now
        ),
    ]
    # then each is "not found" and nothing was written
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    assert written() == before


def test_a_customer_of_another_project_cannot_be_attached(cod, shop, now):
    theirs = shop.intake(phone="+79035550000").customer
    with pytest.raises(NotFound):
        interaction_start(
            project=cod.project,
            actor=cod.operator,
            phone="+79035550000",
            line="first",
            customer=theirs,
            now=now,
        )


def test_the_desk_finds_earlier_interactions_by_customer_and_by_phone(cod, known_order, now):
    # given two interactions of a known caller and one of an unknown one
    first = interaction_start(
        project=cod.project, actor=cod.operator, phone=KNOWN, line="first", now=now
    )
    second = interaction_start(
        project=cod.project,
        actor=cod.operator,
        phone="89161234567",
        line="first",
        now=now + timedelta(hours=1),
    )
    interaction_start(
        project=cod.project, actor=cod.operator, phone="+79035550000", line="first", now=now
    )
    # then the customer's and the number's lists show the two, newest first
    mine = selectors.interactions_of_customer(customer=known_order.customer, actor=cod.operator)
    assert list(mine) == [second, first]
    by_phone = selectors.interactions_of_phone(
        project=cod.project, phone="+7 916 123 45 67", actor=cod.supervisor
    )
    assert list(by_phone) == [second, first]
    got = selectors.interaction_get(interaction_id=first.pk, actor=cod.supervisor)
    assert got.customer == known_order.customer
