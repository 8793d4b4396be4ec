"""DUN pure rules (SPEC DUN-1, 2, 5, 6, 7, 8), without a database: dozvon.dunning.rules.

DUN-6 measured on the tables below (RUSSIAN: 40 short operator comments, NOT_RUSSIAN: 17
Ukrainian, 6 English, 9 translit), lingua-language-detector 2.1.1 restricted to ru/uk/en,
default (high accuracy) mode, minimum relative distance 0.25, plus the plain checks of
dozvon.dunning.language (letterless, mostly-Latin, Russian-only letters, one word):
- Russian comments accepted: 40/40 = 100 % (lingua alone: 37/40 — it calls "недозвон" and
  "передумал" Ukrainian and "ok" English);
- Ukrainian / English / translit refused: 32/32 = 100 % (lingua alone also 32/32: it
  reads translit as English);
- time per call: median 18 µs, p95 37 µs, max 63 µs once loaded; the first call in a
  process loads the models: ~250 ms and ~100 MB RSS (low-accuracy mode: ~10 MB but 35/40
  Russian accepted, so not used). The one-word threshold was chosen on this table, so
  these are not an independent estimate.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from dozvon.dunning import contact_rules
from dozvon.dunning import rules as dun
from dozvon.dunning.language import comment_language
from tests.rules.support import NOW, load_raw, msk

pytestmark = pytest.mark.nodb

TODAY = NOW.date()  # Monday 23.11.2026, 12:00 Moscow time


def _file_check(name: str) -> dict:
    """A check's numbers as dun.toml declares them: the only place they are written."""
    for outcome in load_raw("dun")["outcomes"]:
        for check in outcome.get("checks", ()):
            if check["check"] == name:
                return check
    raise LookupError(name)


_POSTPONE = _file_check("postpone_rules")
POLICY = dun.PostponePolicy(
    **{
        f.name: tuple(v) if isinstance(v := _POSTPONE[f.name], list) else v
        for f in dataclasses.fields(dun.PostponePolicy)
    }
)
_DISCIPLINE = _file_check("calling_discipline")
DISCIPLINE = {
    "min_calls": _DISCIPLINE["calls"],
    "gap_hours": _DISCIPLINE["gap_hours"],
    "min_lines": _DISCIPLINE["lines"],
}


def _pairs(found):
    return {(v.rule, v.field) for v in found}


def _params(found) -> dict:
    return dict(found[0].params)


# --- DUN-1/2: week of work and bonus --------------------------------------------------------


@pytest.mark.parametrize(
    ("days_since_entry", "week"),
    [(-1, 0), (0, 1), (6, 1), (7, 2), (20, 3), (21, 4), (41, 6), (42, 7)],
)
def test_week_of_work_counts_from_the_day_of_entry_dun_1(days_since_entry, week):
    # given an order that entered the worklist some days ago
    entered = TODAY - timedelta(days=days_since_entry)
    # when its week of work is computed
    # then weeks 1–6 are the work, 7 is past it
    assert dun.work_week(entered, TODAY) == week


def test_no_bonus_after_the_six_weeks_of_work_dun_1():
    # given week 7 (the work is over) and week 6 (its last)
    # when a 25 % bonus is offered
    # then week 7 is refused citing DUN-1, week 6 accepted
    assert _pairs(dun.check_bonus(percent=25, week=7)) == {("DUN-1", "bonus_percent")}
    assert dun.check_bonus(percent=25, week=6) == []


@pytest.mark.parametrize(
    ("week", "percent", "ok"),
    [
        (1, 15, True),
        (1, 25, True),  # 25 % may be offered from the first call
        (3, 15, True),
        (4, 25, True),
        (4, 15, False),  # weeks 4–6: 25 %
        (2, 20, False),  # not a tier
        (6, 15, False),
    ],
)
def test_bonus_tier_by_week_dun_2(week, percent, ok):
    # given a week of work and the % offered
    found = dun.check_bonus(percent=percent, week=week)
    # then 15 % in weeks 1–3, 25 % in weeks 1–6; anything else refused citing DUN-2
    assert found == [] if ok else _pairs(found) == {("DUN-2", "bonus_percent")}


def test_the_week_s_default_bonus_dun_2():
    assert [dun.bonus_percent(w) for w in range(0, 8)] == [None, 15, 15, 15, 25, 25, 25, None]
    assert dun.bonus_percents_allowed(2) == [15, 25]
    assert dun.bonus_percents_allowed(5) == [25]
    assert dun.bonus_percents_allowed(7) == []


@pytest.mark.parametrize(
    ("units", "percent", "bonus"),
    [(10, 15, 2), (10, 25, 3), (30, 15, 5), (4, 25, 1), (3, 15, 1), (1, 15, 1), (60, 25, 15)],
    ids=["1.5→2", "2.5→3", "4.5→5", "exact-1", "0.45→at-least-1", "0.15→1", "exact-15"],
)
def test_bonus_units_round_half_up_at_least_one_dun_2(units, percent, bonus):
    # given the order's units and the bonus %
    # then units × % rounded half up, never below 1
    assert dun.bonus_units(units, percent) == bonus


def test_an_order_without_units_has_no_bonus_units_dun_2():
    assert dun.bonus_units(0, 25) == 0


# --- DUN-5: postponement by reason ----------------------------------------------------------


def _postpone(reason, days=None, promised_on=None):
    return dun.postpone(
        reason=reason, days=days, promised_on=promised_on, today=TODAY, policy=POLICY
    )


@pytest.mark.parametrize(
    ("reason", "days", "promised_in", "due_in"),
    [
        ("promised_date", 10, 10, 10),  # processed 15.01, promised 25.01 ⇒ 10–12 days
        ("promised_date", 12, 10, 12),
        ("promised_date", None, 10, 11),
        ("promised_date", None, 0, 1),  # promised for today: back tomorrow
        ("promised_date", 14, 14, 14),
        ("will_think", 2, None, 2),
        ("will_think", 3, None, 3),
        ("will_think", 1, None, 1),  # "2–3 days (or even less)"
        ("will_think", None, None, 2),
        ("already_paid", 2, None, 2),
        ("already_paid", None, None, 3),
        ("promised", 3, None, 3),
        ("promised", None, None, 2),
        ("other", None, None, 7),  # the default
        ("other", "10", None, 10),  # days as typed in a form
        ("other", 21, None, 21),
    ],
)
def test_postponement_accepted_within_the_reason_s_bounds_dun_5(reason, days, promised_in, due_in):
    # given a reason, the days chosen (or none) and a promised date
    promised = TODAY + timedelta(days=promised_in) if promised_in is not None else None
    # when the postponement is decided
    decided = _postpone(reason, days, promised)
    # then it is due again that many days later
    assert decided.violations == ()
    assert (decided.due_on, decided.days) == (TODAY + timedelta(days=due_in), due_in)


@pytest.mark.parametrize(
    ("reason", "days", "promised_on", "field"),
    [
        ("promised_date", 9, TODAY + timedelta(days=10), "days"),
        ("promised_date", 13, TODAY + timedelta(days=10), "days"),
        ("promised_date", None, None, "promised_on"),
        ("promised_date", None, TODAY + timedelta(days=15), "promised_on"),
        ("promised_date", None, TODAY - timedelta(days=1), "promised_on"),
        ("promised_date", None, "30.11", "promised_on"),
        ("will_think", 4, None, "days"),
        ("will_think", 7, None, "days"),
        ("already_paid", 1, None, "days"),
        ("already_paid", 7, None, "days"),
        ("promised", 4, None, "days"),  # the hard rule
        ("promised", 7, None, "days"),
        ("other", 22, None, "days"),
        ("other", 0, None, "days"),
        ("other", "abc", None, "days"),
        ("", None, None, "reason"),
        ("paid_maybe", None, None, "reason"),
    ],
)
def test_postponement_refused_outside_the_reason_s_bounds_dun_5(reason, days, promised_on, field):
    # given a postponement outside its reason's bounds, or without what it needs
    decided = _postpone(reason, days, promised_on)
    # then it is refused citing DUN-5 on the field to fix, with no due date
    assert _pairs(decided.violations) == {("DUN-5", field)}
    assert decided.due_on is None


def test_promised_to_pay_is_at_most_three_days_a_hard_rule_dun_5():
    # given "promised to pay" (no date) postponed for the default week
    decided = _postpone("promised", 7)
    # then refused, and the message says the limit
    assert _pairs(decided.violations) == {("DUN-5", "days")}
    assert dict(decided.violations[0].params) == {"high": 3}


def test_already_paid_asks_for_proof_of_payment_dun_5():
    # given "already paid"
    # when postponed for 3 days
    decided = _postpone("already_paid", 3)
    # then the order is marked "proof of payment requested"; other reasons are not
    assert decided.marks == (dun.PROOF_REQUESTED,)
    assert _postpone("will_think", 3).marks == ()


def test_postponement_bounds_come_from_the_policy_dun_5():
    # given a playbook that allows a promised date only up to 7 days ahead
    policy = dataclasses.replace(POLICY, promised_date_max_ahead=7)
    decided = dun.postpone(
        reason="promised_date", promised_on=TODAY + timedelta(days=8), today=TODAY, policy=policy
    )
    # then 8 days ahead is refused, with the last allowed date
    assert _pairs(decided.violations) == {("DUN-5", "promised_on")}
    assert dict(decided.violations[0].params)["latest"] == "30.11.2026"


# --- DUN-6: comments in Russian -------------------------------------------------------------

# Short comments as operators write them in the dunning work (the seed's situations).
RUSSIAN = [
    "не берет трубку",
    "не берёт трубку",
    "обещал оплатить завтра",
    "просит перезвонить в пятницу",
    "сказал что уже оплатил, попросил прислать чек",
    "не дозвонился, автоответчик",
    "номер не существует",
    "клиент думает, перезвонить через 2 дня",
    "отказался, дорого",
    "обещал оплатить 25.01",
    "прочитает письмо и подумает",
    "сбросил звонок",
    "просил не звонить",
    "занято",
    "абонент недоступен",
    "оплатит в понедельник",
    "попросил реквизиты повторно",
    "жена сказала что его нет дома",
    "перезвонить вечером после 18",
    "уже оплатил в банке",
    "денег пока нет, оплатит с зарплаты",
    "отправил письмо с бонусом 25%",
    "заказ не нужен",
    "согласился на бонус 15%",
    "не помнит про заказ",
    "говорит что ошиблись номером",
    "звонил со skype, не ответил",
    "недозвон",
    "передумал",
    "автоответчик",
    "ок",
    "ok",
    "да",
    "нет",
    "оплатил",
    "15.01",
    "25.01.2026",
    "…",
    "...",
    "+25%",
]
# Ukrainian, English, and Russian in Latin letters (translit).
NOT_RUSSIAN = [
    "не бере слухавку",
    "обіцяв сплатити завтра",
    "просить передзвонити в п'ятницю",
    "вже оплатив",
    "не відповідає",
    "номер не існує",
    "клієнт подумає",
    "відмовився, дорого",
    "перетелефонувати ввечері",
    "сказав що оплатить у понеділок",
    "немає грошей",
    "не пам'ятає про замовлення",
    "відправив лист з бонусом",
    "дружина сказала що його немає вдома",
    "абонент поза зоною досяжності",
    "зайнято",
    "передзвонити",
    "will pay tomorrow",
    "no answer",
    "customer asked to call back on friday",
    "already paid",
    "wrong number",
    "refused, too expensive",
    "ne beret trubku",
    "obeshal oplatit zavtra",
    "prosit perezvonit v pyatnicu",
    "uzhe oplatil",
    "ne dozvonilsya",
    "perezvonit vecherom",
    "otkazalsya dorogo",
    "klient dumaet",
    "skazal chto oplatit 25.01",
]


@pytest.mark.parametrize("text", RUSSIAN)
def test_a_russian_or_too_short_comment_is_accepted_dun_6(text):
    # given a comment in Russian, or one too short to tell (a date, "ок", "…")
    # when its language is checked
    # then it is accepted
    assert dun.check_comment_language(text) == []


@pytest.mark.parametrize("text", NOT_RUSSIAN)
def test_a_ukrainian_english_or_translit_comment_is_refused_dun_6(text):
    # given a comment in Ukrainian, English or Russian written in Latin letters
    # when its language is checked
    # then it is refused citing DUN-6 on the comment
    assert _pairs(dun.check_comment_language(text)) == {("DUN-6", "comment")}


def test_translit_is_refused_as_write_in_cyrillic_dun_6():
    # given Russian in Latin letters, and a Ukrainian comment
    translit = dun.check_comment_language("ne beret trubku")
    ukrainian = dun.check_comment_language("обіцяв сплатити завтра")
    # then the first asks for Cyrillic letters, the second for Russian
    assert "Cyrillic" in translit[0].message
    assert "Cyrillic" not in ukrainian[0].message
    assert comment_language("ne beret trubku") == "latin"
    assert comment_language("обіцяв сплатити завтра") == "uk"


@pytest.mark.parametrize("text", ["", None, "   ", "12", "Skype"])
def test_an_empty_or_letterless_comment_is_not_judged_dun_6(text):
    assert dun.check_comment_language(text) == []


# --- DUN-7: calling discipline --------------------------------------------------------------


def _call(hour, minute=0, line="skype", result="no_answer", day=23):
    return dun.Attempt(msk(day, hour, minute), result, line)


def _discipline(calls, *, comment_at=None, unreachable=False, now=NOW):
    return dun.check_calling_discipline(
        calls=calls,
        last_comment_at=comment_at,
        unreachable=unreachable,
        now=now,
        tz="Europe/Moscow",
        **DISCIPLINE,
    )


def test_two_calls_two_hours_apart_from_two_lines_then_a_comment_allow_acting_dun_7():
    # given two failed calls today, 09:00 from Skype and 11:30 from Magna, then a comment
    calls = [_call(9, 0, "skype"), _call(11, 30, "magna")]
    # when the operator postpones, emails or cancels
    # then it is allowed
    assert _discipline(calls, comment_at=msk(23, 11, 35)) == []


def test_no_call_today_is_refused_dun_7():
    # given calls only yesterday
    calls = [_call(9, day=22), _call(15, line="magna", day=22)]
    # then acting today is refused: calls are missing
    found = _discipline(calls, comment_at=msk(23, 11))
    assert _pairs(found) == {("DUN-7", "calls")}
    assert _params(found)["count"] == 0


def test_one_call_asks_for_one_more_from_another_line_after_two_hours_dun_7():
    # given one failed call at 12:20 from Skype (now 14:00)
    found = _discipline([_call(12, 20, "skype")], comment_at=msk(23, 12, 25), now=msk(23, 14))
    # then refused: one more call from another line at 14:20 or later
    assert _pairs(found) == {("DUN-7", "calls")}
    assert _params(found) == {"line": "skype", "time": "14:20", "count": 1}


def test_two_calls_from_the_same_line_are_refused_dun_7():
    calls = [_call(9, 0, "skype"), _call(11, 30, "skype")]
    found = _discipline(calls, comment_at=msk(23, 11, 35))
    assert _pairs(found) == {("DUN-7", "calls")}
    assert _params(found)["line"] == "skype"


def test_two_calls_less_than_two_hours_apart_are_refused_dun_7():
    calls = [_call(10, 0, "skype"), _call(11, 0, "magna")]
    found = _discipline(calls, comment_at=msk(23, 11, 5))
    assert _pairs(found) == {("DUN-7", "calls")}
    assert _params(found)["time"] == "12:00"


def test_calls_without_a_caller_line_do_not_count_as_different_numbers_dun_7():
    calls = [_call(9, 0, ""), _call(11, 30, "")]
    assert _pairs(_discipline(calls, comment_at=msk(23, 11, 35))) == {("DUN-7", "calls")}


def test_calls_without_a_comment_after_them_are_refused_dun_7():
    # given the calls were made, but the latest comment is older than the last call
    calls = [_call(9, 0, "skype"), _call(11, 30, "magna")]
    found = _discipline(calls, comment_at=msk(23, 10, 0))
    # then the comment is missing
    assert _pairs(found) == {("DUN-7", "comment")}
    assert _params(found) == {"time": "11:30"}
    assert _pairs(_discipline(calls)) == {("DUN-7", "comment")}


def test_after_today_s_conversation_the_operator_acts_after_its_comment_dun_7():
    # given one call today, answered at 10:00, and a comment at 10:05
    calls = [_call(10, 0, "skype", result="answered")]
    # then no more calls are needed
    assert _discipline(calls, comment_at=msk(23, 10, 5)) == []


def test_after_today_s_conversation_a_comment_is_required_dun_7():
    # given today's conversation at 10:00 and the latest comment from before it
    calls = [_call(9, 0, "magna"), _call(10, 0, "skype", result="answered")]
    found = _discipline(calls, comment_at=msk(23, 9, 5))
    # then refused until the conversation is commented
    assert _pairs(found) == {("DUN-7", "comment")}
    assert _params(found) == {"time": "10:00"}


def test_an_unreachable_number_gets_emails_at_once_dun_7_dun_8():
    # given a number marked unreachable and no calls today
    # then acting (an email) is allowed; without the mark it is refused
    assert _discipline([], unreachable=True) == []
    assert _pairs(_discipline([])) == {("DUN-7", "calls")}


def test_calling_discipline_thresholds_are_parameters_dun_7():
    # given a playbook asking for three calls today
    calls = [_call(9, 0, "skype"), _call(11, 30, "magna")]
    found = dun.check_calling_discipline(
        calls=calls,
        last_comment_at=msk(23, 11, 35),
        unreachable=False,
        now=NOW,
        tz="Europe/Moscow",
        **{**DISCIPLINE, "min_calls": 3},
    )
    assert _pairs(found) == {("DUN-7", "calls")}
    assert _params(found) == {"calls": 3, "count": 2}


# --- DUN-8: exhausted -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("emails", "calls", "exhausted"),
    [(0, 7, False), (3, 4, False), (4, 4, True), (8, 0, True), (2, 9, True)],
)
def test_more_than_seven_emails_and_calls_is_exhausted_dun_8(emails, calls, exhausted):
    # given the emails sent and the call attempts made
    # then more than 7 in all is exhausted
    assert contact_rules.contacts_exhausted(emails=emails, calls=calls) is exhausted
    found = contact_rules.check_exhausted(emails=emails, calls=calls)
    assert found == [] if exhausted else _pairs(found) == {("DUN-8", "reason")}


def test_the_worklist_s_first_week_starts_on_entry_day_dun_1():
    # given an order that entered on Monday 16.11 and today Monday 23.11
    # then it is in its second week
    assert dun.work_week(date(2026, 11, 16), TODAY) == 2
