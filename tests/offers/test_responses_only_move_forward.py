"""NBO-2: a saved response changes only from NO or THINK to YES — in the service and in
the database itself; the timeline keeps both."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dozvon.core.errors import NotFound, RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.offers.models import OfferResponse
from dozvon.offers.services import offer_response_change
from tests.offers.conftest import record, written

DB_REFUSALS = (IntegrityError, InternalError)


def _voiced(nbo, now, response):
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": response}])
    return interaction, OfferResponse.objects.get(interaction=interaction)


@pytest.mark.parametrize("old", ["no", "think"])
def test_a_refusal_or_a_maybe_becomes_yes_and_the_timeline_keeps_both_nbo_2(nbo, now, old):
    interaction, saved = _voiced(nbo, now, old)
    changed, did = offer_response_change(
        interaction_id=interaction.pk, offer="INBA", response="yes", actor=nbo.operator, now=now
    )
    assert did and changed.response == "yes" and changed.changed_by == nbo.operator
    lines = list(
        TimelineEntry.objects.filter(interaction=interaction, data__offer="INBA").order_by("id")
    )
    assert [line.data.get("response") or line.data.get("to") for line in lines] == [old, "yes"]
    # the same YES again changes nothing
    before = written()
    _, did = offer_response_change(
        interaction_id=interaction.pk, offer="INBA", response="yes", actor=nbo.operator, now=now
    )
    assert not did and written() == before


@pytest.mark.parametrize(
    ("old", "new"), [("yes", "no"), ("yes", "think"), ("think", "no"), ("no", "think")]
)
def test_any_other_change_is_refused_naming_nbo_2_and_nothing_changes(nbo, now, old, new):
    interaction, saved = _voiced(nbo, now, old)
    before = written()
    with pytest.raises(RuleViolations) as refused:
        offer_response_change(
            interaction_id=interaction.pk, offer="INBA", response=new, actor=nbo.operator, now=now
        )
    assert [(v.rule, v.field) for v in refused.value.violations] == [("NBO-2", "response")]
    saved.refresh_from_db()
    assert saved.response == old and written() == before


def test_an_offer_not_voiced_in_the_interaction_is_not_found(nbo, now):
    interaction, _ = _voiced(nbo, now, "no")
    with pytest.raises(NotFound):
        offer_response_change(
            interaction_id=interaction.pk, offer="ROAM", response="yes", actor=nbo.operator, now=now
        )


def test_a_second_line_operator_cannot_tick_yes_nbo_3(nbo, now):
    interaction, _ = _voiced(nbo, now, "no")
    with pytest.raises(RuleViolations) as refused:
        offer_response_change(
            interaction_id=interaction.pk,
            offer="INBA",
            response="yes",
            actor=nbo.second_line,
            now=now,
        )
    assert refused.value.violations[0].rule == "NBO-3"


@pytest.mark.parametrize(("old", "new"), [("yes", "no"), ("yes", "think"), ("think", "no")])
def test_the_database_refuses_a_backward_change_made_around_the_service_nbo_2(nbo, now, old, new):
    _, saved = _voiced(nbo, now, old)
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        OfferResponse.objects.filter(pk=saved.pk).update(response=new)
    saved.refresh_from_db()
    assert saved.response == old


def test_the_database_allows_exactly_no_or_think_to_yes_nbo_2(nbo, now):
    _, saved = _voiced(nbo, now, "think")
    OfferResponse.objects.filter(pk=saved.pk).update(response="yes")
    saved.refresh_from_db()
    assert saved.response == "yes"


def test_a_response_is_never_deleted_nbo_2(nbo, now):
    _, saved = _voiced(nbo, now, "yes")
    with pytest.raises(RuntimeError):
        saved.delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DB_REFUSALS), transaction.atomic():
            OfferResponse.objects.filter(pk=saved.pk).delete()
    assert OfferResponse.objects.filter(pk=saved.pk).exists()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=st.sampled_from(["yes", "no", "think"]),
    attempts=st.lists(st.sampled_from(["yes", "no", "think"]), max_size=6),
    around_the_service=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_no_sequence_of_changes_in_the_database_moves_a_yes_or_reaches_a_no_nbo_2(
    nbo, now, first, attempts, around_the_service
):
    # given a saved response and changes tried through the service or straight in SQL
    interaction, saved = _voiced(nbo, now, first)
    history = [first]
    for new, raw in zip(attempts, around_the_service, strict=False):
        try:
            with transaction.atomic():
                if raw:
                    OfferResponse.objects.filter(pk=saved.pk).update(response=new)
                else:
                    offer_response_change(
                        interaction_id=interaction.pk,
                        offer="INBA",
                        response=new,
                        actor=nbo.operator,
                        now=now,
                    )
        except (RuleViolations, *DB_REFUSALS):
            pass
        saved.refresh_from_db()
        history.append(saved.response)
    # then the stored response never left YES and never became NO by a change
    for old, new in zip(history, history[1:], strict=False):
        assert old == new or (old in ("no", "think") and new == "yes"), history
