"""NBO-1…5 in an interaction, through the services: the offers voiced, exclusions, lines,
lost sales."""

from __future__ import annotations

import pytest

from dozvon.core.errors import RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.offers.models import LostSale, OfferCheck, OfferResponse
from dozvon.offers.selectors import offers_for_number
from tests.offers.conftest import CORPORATE, NOTHING, NUMBER, record, written


def _refused(call) -> list[tuple[str, str]]:
    with pytest.raises(RuleViolations) as refused:
        call()
    return [(v.rule, v.field) for v in refused.value.violations]


def test_the_number_sees_its_active_offers_by_priority_in_any_format_nbo_1(nbo, now):
    found = offers_for_number(
        project=nbo.project, phone="8 (916) 123-45-67", today=now.date(), actor=nbo.operator
    )
    assert [(o.code, o.rank) for o in found.eligible] == [("INBA", 1), ("ROAM", 2)]
    assert found.excluded == ()


def test_a_voiced_offer_is_recorded_with_its_rank_and_the_number_as_it_stood_nbo_1(nbo, now):
    # when the operator voices the second offer, which fits the talk better
    interaction = record(nbo, now, offers=[{"offer": "ROAM", "response": "think"}])
    # then its rank says it was not the first, and the timeline says so too
    saved = OfferResponse.objects.get(interaction=interaction)
    assert (saved.campaign.code, saved.response, saved.rank, saved.was_first) == (
        "ROAM",
        "think",
        2,
        False,
    )
    check = OfferCheck.objects.get(interaction=interaction)
    assert check.eligible == ["INBA", "ROAM"] and check.excluded == []
    lines = TimelineEntry.objects.filter(interaction=interaction, data__offer="ROAM")
    assert lines.count() == 2
    assert not LostSale.objects.exists()


def test_an_offer_to_an_excluded_number_is_refused_and_nothing_written_nbo_4(nbo, now):
    before = written()
    assert _refused(
        lambda: record(nbo, now, phone=CORPORATE, offers=[{"offer": "ROAM", "response": "yes"}])
    ) == [("NBO-4", "offers[0].offer")]
    assert written() == before


def test_an_excluded_number_without_an_offer_is_no_lost_sale_and_is_kept_for_the_list_nbo_4(
    nbo, now
):
    interaction = record(nbo, now, phone=CORPORATE)
    check = OfferCheck.objects.get(interaction=interaction)
    assert check.eligible == []
    assert check.excluded == [
        {"code": "ROAM", "name": "Роуминг по России", "why": "tariff", "value": "Корпоративный"}
    ]
    assert not LostSale.objects.exists()


def test_a_second_line_operator_is_refused_offers_and_nothing_written_nbo_3(nbo, now):
    before = written()
    offers = [{"offer": "INBA", "response": "yes"}]
    # a second-line operator (the line of their membership) makes no offers
    refused = _refused(lambda: record(nbo, now, actor=nbo.second_line, line=None, offers=offers))
    assert refused == [("NBO-3", "offers")]
    # and a first-line operator cannot pass as second line (issue 23: the membership's line)
    assert _refused(lambda: record(nbo, now, line="second", offers=offers)) == [("X-2", "line")]
    assert written() == before


def test_a_second_line_interaction_without_offers_is_no_lost_sale_nbo_3(nbo, now):
    record(nbo, now, actor=nbo.second_line, line="second")
    assert OfferCheck.objects.count() == 1 and not LostSale.objects.exists()


def test_transferred_to_another_split_needs_no_offer_but_to_the_ivr_does_nbo_3(nbo, now):
    record(nbo, now, transferred_to="other_split")
    assert not LostSale.objects.exists()
    assert _refused(lambda: record(nbo, now, transferred_to="ivr")) == [("NBO-5", "lost_reason")]


def test_no_offer_voiced_while_one_was_eligible_is_a_lost_sale_with_its_reason_nbo_5(nbo, now):
    # refused without the reason, nothing written
    before = written()
    assert _refused(lambda: record(nbo, now)) == [("NBO-5", "lost_reason")]
    assert written() == before
    # with the reason: a lost sale naming the offers not voiced
    interaction = record(nbo, now, lost_reason="абонент прервал разговор")
    lost = LostSale.objects.get(interaction=interaction)
    assert lost.reason == "абонент прервал разговор" and lost.campaigns == ["INBA", "ROAM"]


def test_a_number_without_offers_is_recorded_without_a_reason_nbo_5(nbo, now):
    record(nbo, now, phone=NOTHING)
    assert not LostSale.objects.exists()


def test_an_unknown_or_ended_campaign_is_refused_nbo_1(nbo, now):
    offers = [{"offer": "NOPE", "response": "yes"}, {"offer": "TV", "response": "no"}]
    assert _refused(lambda: record(nbo, now, offers=offers)) == [
        ("NBO-1", "offers[0].offer"),
        ("NBO-1", "offers[1].offer"),
    ]


def test_the_offers_of_an_interaction_are_recorded_once_nbo_2(nbo, now):
    from dozvon.offers.services import offers_record

    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "no"}])
    assert _refused(
        lambda: offers_record(
            interaction_id=interaction.pk,
            offers=[{"offer": "INBA", "response": "yes"}],
            actor=nbo.operator,
            now=now,
        )
    ) == [("NBO-2", "offers")]


def test_a_project_of_another_playbook_makes_no_offers(cod, now):
    from dozvon.offers.services import nbo_interaction_record

    with pytest.raises(RuleViolations) as refused:
        nbo_interaction_record(
            project=cod.project,
            actor=cod.operator,
            phone=NUMBER,
            line="first",
            subject="x",
            comment="y",
            offers=[{"offer": "INBA", "response": "yes"}],
            now=now,
        )
    assert refused.value.violations[0].rule == "NBO-1"
