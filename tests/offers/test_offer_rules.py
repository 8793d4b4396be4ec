"""Pure NBO rules (SPEC NBO-1…6), without a database: which offers a number gets on a day,
exclusions, lines and transfers, responses that only move forward, lost sales, the KPI
and the discount policy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dozvon.offers import rules as R

pytestmark = pytest.mark.nodb

DAY = date(2026, 11, 23)
CAMPAIGNS = {
    "INBA": R.CampaignFacts("INBA", "Интернет без абонплаты", 1, date(2026, 11, 1), None),
    "ROAM": R.CampaignFacts(
        "ROAM",
        "Роуминг",
        2,
        date(2026, 11, 1),
        date(2026, 12, 31),
        excluded_tariffs=frozenset({"Корпоративный"}),
        excluded_services=frozenset({"BLOCK-ROAM"}),
    ),
    "TV": R.CampaignFacts("TV", "ТВ", 3, date(2026, 11, 1), date(2026, 11, 22)),  # ended
    "LATE": R.CampaignFacts("LATE", "Позже", 1, date(2026, 12, 1), None),  # not started
}


def _offers(*rows, day=DAY):
    return R.number_offers(campaigns=CAMPAIGNS, rows=rows, day=day)


def _rules(found):
    return [(v.rule, v.field) for v in found]


# --- NBO-1 --------------------------------------------------------------------------------


def test_a_number_gets_its_active_offers_by_priority_nbo_1():
    number = _offers(
        R.EligibilityFacts("ROAM"), R.EligibilityFacts("INBA"), R.EligibilityFacts("TV")
    )
    assert [(o.code, o.rank) for o in number.eligible] == [("INBA", 1), ("ROAM", 2)]
    assert number.excluded == ()


def test_the_numbers_own_priority_overrides_the_campaigns_nbo_1():
    number = _offers(R.EligibilityFacts("INBA", priority=5), R.EligibilityFacts("ROAM"))
    assert number.codes == ("ROAM", "INBA")
    assert number.rank_of("INBA") == 2


@pytest.mark.parametrize(
    ("day", "active"),
    [
        (date(2026, 10, 31), False),
        (date(2026, 11, 1), True),
        (date(2026, 12, 31), True),
        (date(2027, 1, 1), False),
    ],
)
def test_an_offer_runs_from_its_first_to_its_last_day_inclusive_nbo_1(day, active):
    assert CAMPAIGNS["ROAM"].active_on(day) is active


def test_unknown_and_inactive_campaigns_are_neither_offered_nor_excluded_nbo_1():
    number = _offers(R.EligibilityFacts("NOPE"), R.EligibilityFacts("LATE"))
    assert number == R.NumberOffers()


def test_a_lower_priority_offer_may_be_voiced_nbo_1():
    number = _offers(R.EligibilityFacts("INBA"), R.EligibilityFacts("ROAM"))
    found = R.check_offers(offers=[R.VoicedOffer("ROAM", "yes")], number=number, known=CAMPAIGNS)
    assert found == []


def test_an_unknown_campaign_or_one_the_number_lacks_is_refused_nbo_1():
    number = _offers(R.EligibilityFacts("INBA"))
    found = R.check_offers(
        offers=[
            R.VoicedOffer("XXX", "yes"),
            R.VoicedOffer("ROAM", "no"),
            R.VoicedOffer("TV", "no"),
        ],
        number=number,
        known=CAMPAIGNS,
    )
    assert _rules(found) == [
        ("NBO-1", "offers[0].offer"),
        ("NBO-1", "offers[1].offer"),
        ("NBO-1", "offers[2].offer"),
    ]


def test_a_response_other_than_yes_no_think_and_a_repeat_are_refused_nbo_2():
    number = _offers(R.EligibilityFacts("INBA"))
    found = R.check_offers(
        offers=[R.VoicedOffer("INBA", "maybe"), R.VoicedOffer("INBA", "yes")],
        number=number,
        known=CAMPAIGNS,
    )
    assert _rules(found) == [("NBO-2", "offers[0].response"), ("input", "offers[1].offer")]


def test_offers_of_the_wrong_shape_are_input_errors():
    voiced, found = R.parse_offers([{"offer": "INBA", "response": "YES"}, "x", {"offer": ""}])
    assert voiced == [R.VoicedOffer("INBA", "yes")]
    assert _rules(found) == [("input", "offers[1]"), ("NBO-1", "offers[2].offer")]
    assert _rules(R.parse_offers("INBA")[1]) == [("input", "offers")]


# --- NBO-4 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "why", "value"),
    [
        (R.EligibilityFacts("ROAM", tariff=" корпоративный "), "tariff", " корпоративный "),
        (R.EligibilityFacts("ROAM", services=("SMS", "block-roam")), "service", "block-roam"),
    ],
)
def test_a_number_on_an_excluded_tariff_or_service_gets_no_offer_nbo_4(row, why, value):
    number = _offers(R.EligibilityFacts("INBA"), row)
    assert number.codes == ("INBA",)
    assert number.excluded == (R.Exclusion("ROAM", "Роуминг", why, value),)
    found = R.check_offers(offers=[R.VoicedOffer("ROAM", "yes")], number=number, known=CAMPAIGNS)
    assert _rules(found) == [("NBO-4", "offers[0].offer")]


def test_an_excluded_number_is_not_a_lost_sale_nbo_4():
    number = _offers(R.EligibilityFacts("ROAM", tariff="Корпоративный"))
    assert not R.is_lost_sale(number=number, voiced=False, expected=True)


# --- NBO-3 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "operator_line", "refused"),
    [("first", 1, False), ("first", None, False), ("second", 1, True), ("first", 2, True)],
)
def test_second_line_operators_make_no_offers_nbo_3(line, operator_line, refused):
    found = R.check_may_offer(interaction_line=line, operator_line=operator_line)
    assert _rules(found) == ([("NBO-3", "offers")] if refused else [])


@pytest.mark.parametrize(
    ("line", "transferred_to", "expected"),
    [
        ("first", "", True),
        ("first", "ivr", True),  # the offer is voiced before the transfer to the IVR
        ("first", "second_line", True),
        ("first", "other_split", False),
        ("second", "", False),
    ],
)
def test_which_interactions_need_an_offer_and_count_in_reports_nbo_3(
    line, transferred_to, expected
):
    assert R.offer_expected(line=line, transferred_to=transferred_to) is expected
    assert R.in_offer_reports(line=line, transferred_to=transferred_to) is expected


# --- NBO-2 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        ("no", "yes", True),
        ("think", "yes", True),
        ("yes", "yes", True),  # no change
        ("no", "no", True),
        ("yes", "no", False),
        ("yes", "think", False),
        ("think", "no", False),
        ("no", "think", False),
    ],
)
def test_a_response_changes_only_from_no_or_think_to_yes_nbo_2(old, new, allowed):
    assert R.response_change_allowed(old, new) is allowed
    found = R.check_response_change(old=old, new=new)
    assert _rules(found) == ([] if allowed else [("NBO-2", "response")])


def test_an_unknown_new_response_is_refused_nbo_2():
    assert _rules(R.check_response_change(old="no", new="ok")) == [("NBO-2", "response")]


@settings(max_examples=300)
@given(
    first=st.sampled_from(R.RESPONSES),
    attempts=st.lists(st.sampled_from(R.RESPONSES), max_size=12),
)
def test_no_sequence_of_changes_moves_a_yes_or_reaches_a_no_nbo_2(first, attempts):
    # given a saved response and any sequence of attempted changes, applied only when
    # the rule allows them
    history = [first]
    for new in attempts:
        if not R.check_response_change(old=history[-1], new=new):
            history.append(new)
    # then nothing ever left YES, and NO was never reached by a change
    for old, new in zip(history, history[1:], strict=False):
        if old == R.YES:
            assert new == R.YES
        if new == R.NO:
            assert old == R.NO
    assert history[-1] in (first, R.YES)


# --- NBO-5 --------------------------------------------------------------------------------


def test_saved_without_an_offer_while_one_was_eligible_is_a_lost_sale_with_a_reason_nbo_5():
    number = _offers(R.EligibilityFacts("INBA"))
    assert R.is_lost_sale(number=number, voiced=False, expected=True)
    assert not R.is_lost_sale(number=number, voiced=True, expected=True)
    assert not R.is_lost_sale(number=number, voiced=False, expected=False)  # NBO-3
    assert not R.is_lost_sale(number=_offers(), voiced=False, expected=True)
    assert _rules(R.check_lost_reason(lost=True, voiced=False, reason="")) == [
        ("NBO-5", "lost_reason")
    ]
    assert R.check_lost_reason(lost=True, voiced=False, reason="абонент прервал звонок") == []
    assert _rules(R.check_lost_reason(lost=False, voiced=True, reason="x")) == [
        ("NBO-5", "lost_reason")
    ]


def _facts(eligible=("INBA", "ROAM"), voiced=(), line="first", transferred_to="", operator=1):
    return R.InteractionOfferFacts(
        DAY, operator, line, transferred_to, tuple(eligible), tuple(voiced)
    )


def test_kpi_counts_eligible_voiced_and_yes_per_operator_day_and_campaign_nbo_5():
    counts = R.kpi_counts(
        [
            _facts(voiced=[("INBA", "yes")]),
            _facts(voiced=[("ROAM", "no")]),  # a lower offer voiced: counts for it
            _facts(),  # lost: counts for the first offer
            _facts(voiced=[("INBA", "no"), ("ROAM", "yes")]),  # the accepted one
            _facts(transferred_to="other_split"),  # left out (NBO-3)
            _facts(line="second"),  # left out (NBO-3)
            _facts(eligible=()),  # excluded or nothing eligible (NBO-4)
            _facts(transferred_to="ivr", voiced=[("INBA", "think")]),
        ]
    )
    assert {k[2]: (c.eligible, c.voiced, c.yes) for k, c in counts.items()} == {
        "INBA": (3, 2, 1),
        "ROAM": (2, 2, 1),
    }


def test_shares_are_decimals_to_four_places():
    assert R.share(2, 3) == Decimal("0.6667")
    assert R.share(0, 0) == Decimal("0.0000")
    assert R.share(85, 100) == Decimal("0.85")


# --- NBO-6 --------------------------------------------------------------------------------

POLICY, PROBLEMS = R.parse_policy(
    {
        "compensation": {"operator": "300", "supervisor": "3000.00"},
        "technological": {"supervisor": 10000},
    }
)


def _adjust(**kw):
    args = {
        "category": "compensation",
        "amount": Decimal("300.00"),
        "reason": "Компенсация за сбой",
        "subject": "ФК за INBA",
        "comment": "Строки из ССВО: …",
        "role": "operator",
        "policy": POLICY,
    }
    args.update(kw)
    return _rules(R.check_adjustment(**args))


def test_an_adjustment_within_the_policy_is_accepted_nbo_6():
    assert PROBLEMS == []
    assert _adjust() == []
    assert _adjust(amount=Decimal("3000"), role="supervisor") == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"amount": Decimal("300.01")}, [("NBO-6", "amount")]),
        ({"category": "technological"}, [("NBO-6", "amount")]),  # not for operators
        ({"category": "gift"}, [("NBO-6", "category")]),
        ({"amount": Decimal("0")}, [("NBO-6", "amount")]),
        ({"reason": ""}, [("NBO-6", "reason")]),
        ({"subject": "", "comment": ""}, [("NBO-6", "subject"), ("NBO-6", "comment")]),
        ({"customer_agreed": False}, [("NBO-6", "customer_agreed")]),
    ],
)
def test_an_adjustment_over_the_limit_or_without_its_texts_is_refused_nbo_6(changes, expected):
    assert _adjust(**changes) == expected


def test_a_broken_policy_names_every_problem_nbo_6():
    _, problems = R.parse_policy({"gift": {}, "discount": {"operator": "lots"}, "compensation": 5})
    assert len(problems) == 3


@pytest.mark.parametrize(
    ("old", "new", "refused"),
    [
        ("pending", "applied", False),
        ("pending", "rejected", False),
        ("applied", "applied", False),  # the same answer again: idempotent
        ("applied", "rejected", True),
        ("rejected", "applied", True),
    ],
)
def test_the_billing_answers_a_pending_adjustment_once_nbo_6(old, new, refused):
    assert bool(R.check_decision(old=old, new=new)) is refused


def test_the_subject_line_is_appended_once_within_its_size():
    assert R.appended("Вопрос о балансе", "ФК за INBA", sep="; ", limit=200) == (
        "Вопрос о балансе; ФК за INBA"
    )
    assert (
        R.appended("Вопрос; ФК за INBA", "ФК за INBA", sep="; ", limit=200) == "Вопрос; ФК за INBA"
    )
    assert len(R.appended("x" * 199, "long", sep="; ", limit=200)) == 200


# --- loading ------------------------------------------------------------------------------


def test_a_campaign_row_is_checked_field_by_field_nbo_1():
    facts, found = R.check_campaign_row(
        {
            "code": "INBA",
            "name": "Интернет",
            "priority": "1",
            "starts_on": "01.11.2026",
            "ends_on": "",
            "excluded_tariffs": "Корпоративный; Детский",
        }
    )
    assert found == []
    assert facts.starts_on == date(2026, 11, 1) and facts.ends_on is None
    assert facts.excluded_tariffs == {"Корпоративный", "Детский"}
    _, found = R.check_campaign_row(
        {"code": "a b", "priority": 0, "starts_on": "2026-12-01", "ends_on": "2026-11-01"},
        at="[2].",
    )
    assert _rules(found) == [
        ("NBO-1", "[2].code"),
        ("NBO-1", "[2].name"),
        ("NBO-1", "[2].priority"),
        ("NBO-1", "[2].ends_on"),
    ]


def test_an_eligibility_row_needs_a_phone_and_a_known_offer_nbo_1():
    row, found = R.check_eligibility_row(
        {"phone": "8 916 123-45-67", "offer": "INBA", "services": "A, B"}, known={"INBA"}
    )
    assert found == [] and row.services == ("A", "B") and row.priority is None
    _, found = R.check_eligibility_row(
        {"phone": "12", "offer": "X", "priority": "x"}, known={"INBA"}
    )
    assert _rules(found) == [("X-4", "phone"), ("NBO-1", "offer"), ("NBO-1", "priority")]
