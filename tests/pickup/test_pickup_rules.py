"""PICK's pure rules (dozvon.pickup.rules), no database: reports (PICK-1), results about
a parcel (PICK-2), the reminder (PICK-3), who a parcel counts for (PICK-4), finality
(PICK-5), and pick.toml as the engine parses it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from dozvon.pickup import rules
from dozvon.pickup.rules import Parcel, PickSettings, Report
from tests.rules.support import playbook

TZ = "Europe/Moscow"
MSK = ZoneInfo(TZ)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=MSK)
TODAY = NOW.date()
AT_POINT = Parcel(state="arrived", pickup_point="ПВЗ на Ленина", storage_until=date(2026, 11, 30))


def fields(found):
    return {(v.rule, v.field) for v in found}


# --- PICK-1: reports ------------------------------------------------------------------------


def test_pick1_an_arrival_names_its_point_and_storage_end():
    found = rules.check_report(
        Report("arrived", NOW - timedelta(hours=1)), parcel=Parcel(), now=NOW, tz=TZ
    )
    assert fields(found) == {("PICK-1", "pickup_point"), ("PICK-1", "storage_until")}


def test_pick1_a_complete_arrival_is_accepted():
    report = Report("arrived", NOW, "ПВЗ", date(2026, 11, 30), "RP1")
    assert rules.check_report(report, parcel=Parcel(state="shipped"), now=NOW, tz=TZ) == []


def test_pick1_unknown_state_no_time_and_future_time_are_refused_together():
    found = rules.check_report(Report("lost", None), parcel=Parcel(), now=NOW, tz=TZ)
    assert fields(found) == {("PICK-1", "state"), ("PICK-1", "at")}
    later = rules.check_report(
        Report("shipped", NOW + timedelta(hours=1)), parcel=Parcel(), now=NOW, tz=TZ
    )
    assert fields(later) == {("PICK-1", "at")}


def test_pick1_storage_cannot_end_before_the_arrival_day():
    report = Report("arrived", NOW, "ПВЗ", TODAY - timedelta(days=1))
    assert fields(rules.check_report(report, parcel=Parcel(), now=NOW, tz=TZ)) == {
        ("PICK-1", "storage_until")
    }


@given(st.sampled_from(rules.STATES), st.sampled_from(sorted(rules.FINAL_STATES)))
def test_pick5_nothing_is_reported_after_collected_or_returned(state, final):
    report = Report(state, NOW, "ПВЗ", TODAY + timedelta(days=3))
    found = rules.check_report(report, parcel=Parcel(state=final), now=NOW, tz=TZ)
    assert ("PICK-5", "state") in fields(found)


@given(st.integers(min_value=0, max_value=10), st.integers(min_value=0, max_value=23 * 60))
def test_pick1_the_worklist_starts_on_the_local_day_remind_after_days_later(days, minute):
    arrived = datetime(2026, 11, 20, tzinfo=MSK) + timedelta(minutes=minute)
    enters = rules.enters_worklist_at(arrived, days=days, tz=TZ)
    assert enters.astimezone(MSK).date() == date(2026, 11, 20) + timedelta(days=days)
    assert (enters.astimezone(MSK).hour, enters.astimezone(MSK).minute) == (0, 0)
    assert enters >= arrived or days == 0


def test_pick1_status_moves_only_from_the_listed_statuses_and_final_always_closes():
    conf = PickSettings.of(playbook("pick").settings)
    final = {"collected", "returned"}
    assert rules.status_after("arrived", status="shipped", settings=conf, final_statuses=final) == (
        "arrived"
    )
    # a repeated arrival (a storage extended) keeps the customer's promise
    assert (
        rules.status_after("arrived", status="will_collect", settings=conf, final_statuses=final)
        is None
    )
    assert (
        rules.status_after("collected", status="will_collect", settings=conf, final_statuses=final)
        == "collected"
    )
    assert (
        rules.status_after("returned", status="collected", settings=conf, final_statuses=final)
        is None
    )


def test_pick1_the_playbook_says_remind_after_two_days_by_default():
    assert PickSettings.of(playbook("pick").settings).remind_after_days == 2
    assert PickSettings.of({}).remind_after_days == 2


# --- PICK-2: results about a parcel -----------------------------------------------------------


def test_pick2_will_collect_needs_a_day():
    assert fields(rules.check_collect_on(None, parcel=AT_POINT, today=TODAY)) == {
        ("PICK-2", "collect_on")
    }


@given(st.integers(min_value=-30, max_value=30))
def test_pick2_will_collect_day_is_between_today_and_the_storage_end(offset):
    day = TODAY + timedelta(days=offset)
    found = rules.check_collect_on(day, parcel=AT_POINT, today=TODAY)
    allowed = TODAY <= day <= AT_POINT.storage_until
    assert (found == []) == allowed
    if not allowed:
        assert fields(found) == {("PICK-2", "collect_on")}


def test_pick2_the_partner_is_asked_to_extend_once_per_storage_end():
    assert rules.check_extension(AT_POINT) == []
    asked = Parcel(**{**AT_POINT.__dict__, "extension_asked_for": AT_POINT.storage_until})
    assert fields(rules.check_extension(asked)) == {("PICK-2", "code")}
    # the partner extended it: a new storage end may be asked about again
    extended = Parcel(**{**asked.__dict__, "storage_until": date(2026, 12, 7)})
    assert rules.check_extension(extended) == []


def test_pick2_another_point_is_required_and_must_differ():
    assert fields(rules.check_new_point("  ", parcel=AT_POINT)) == {("PICK-2", "pickup_point")}
    assert fields(rules.check_new_point("пвз  на ленина", parcel=AT_POINT)) == {
        ("PICK-2", "pickup_point")
    }
    assert rules.check_new_point("Почта 101000", parcel=AT_POINT) == []


def test_pick2_results_need_an_arrived_parcel_and_pick5_none_after_it_is_done():
    assert rules.check_at_point(AT_POINT) == []
    assert fields(rules.check_at_point(Parcel(state="shipped"))) == {("PICK-2", "code")}
    assert fields(rules.check_at_point(Parcel(state="collected"))) == {("PICK-5", "code")}


@given(st.integers(min_value=-5, max_value=5))
def test_pick2_a_missed_promise_comes_back_the_day_after(offset):
    promised = TODAY + timedelta(days=offset)
    assert rules.back_in_worklist(promised, today=TODAY) == (promised < TODAY)
    assert rules.back_in_worklist(None, today=TODAY) is False


# --- PICK-3: the reminder ---------------------------------------------------------------------


@given(st.integers(min_value=-10, max_value=10))
def test_pick3_reminder_is_due_from_two_days_before_the_storage_end_until_it(offset):
    until = TODAY + timedelta(days=offset)
    assert rules.reminder_due(until, today=TODAY, days_before=2) == (0 <= offset <= 2)


# --- PICK-4: who a parcel counts for ----------------------------------------------------------


def test_pick4_a_parcel_counts_for_the_last_operator_who_reached_the_customer_after_arrival():
    arrived = NOW - timedelta(days=2)
    work = [
        rules.Worked(1, arrived - timedelta(hours=1)),  # before the arrival: not about it
        rules.Worked(2, arrived + timedelta(hours=1)),
        rules.Worked(3, arrived + timedelta(hours=5)),
    ]
    assert rules.reached_by(work, since=arrived) == 3
    assert rules.reached_by(work[:1], since=arrived) is None
    assert rules.reached_by([], since=arrived) is None


# --- pick.toml as data ------------------------------------------------------------------------


def test_pick_playbook_parses_with_the_api_names():
    pb = playbook("pick")
    assert pb.plugin == "pickup"
    assert {"will_collect", "extend_storage", "refuses", "wrong_point"} <= set(pb.outcomes)
    assert [q.code for q in pb.queues][0] == "pickup"
    assert {s.code for s in pb.statuses.values() if s.final} == {"collected", "returned"}
    refuses = pb.outcomes["refuses"]
    (choice,) = [c for c in refuses.checks if c.name == "required_choice"]
    assert tuple(choice.params["allowed"]) == rules.REFUSE_REASONS
    # every result about a parcel goes through the parcel's facts (PICK-2/5)
    for code in rules.PICK_OUTCOMES:
        assert "parcel_at_point" in {c.name for c in pb.outcomes[code].checks}
