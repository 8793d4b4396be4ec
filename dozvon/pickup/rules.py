"""PICK's rules (SPEC PICK-1…5): plain Python over values, no ORM, no clock, no I/O.

Each check returns the violations it finds (rule ID, field, message id), never raises, so
a refused report or result lists every broken rule at once (X-7). `now`/`today` are
inputs. The playbook's `[settings.pickup]` is read by `PickSettings.of`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dozvon.core.errors import Violation, violation

# PICK-1: the states a partner reports, in the order a parcel lives them
SHIPPED, ARRIVED, COLLECTED, RETURNED = "shipped", "arrived", "collected", "returned"
STATES = (SHIPPED, ARRIVED, COLLECTED, RETURNED)
# PICK-5: a parcel collected or returned is done with
FINAL_STATES = frozenset({COLLECTED, RETURNED})
# PICK-2: why a customer refuses a parcel (`refuses`' reason)
REFUSE_REASONS = ("changed_mind", "no_money", "too_long", "other")
# PICK-2: the results a call about a parcel may end with (the plug-in saves them)
WILL_COLLECT, EXTEND_STORAGE, REFUSES, WRONG_POINT = (
    "will_collect",
    "extend_storage",
    "refuses",
    "wrong_point",
)
PICK_OUTCOMES = (WILL_COLLECT, EXTEND_STORAGE, REFUSES, WRONG_POINT)
# a report's time may run ahead of ours by this much (the partner's clock)
CLOCK_SKEW = timedelta(minutes=5)
POINT_MAX = 200  # characters of a pickup point (its code or address)
TRACKING_MAX = 64


@dataclass(frozen=True)
class PickSettings:
    """The playbook's `[settings.pickup]` with SPEC's defaults."""

    rule: str = "PICK-1"
    remind_after_days: int = 2  # PICK-1
    statuses: Mapping[str, str] = field(
        default_factory=lambda: {s: s for s in STATES}
    )  # reported state → the order's status
    shipped_from: tuple[str, ...] = ()
    arrived_from: tuple[str, ...] = ()
    back_after_promise: bool = True  # PICK-2
    reminder_rule: str = "PICK-3"
    reminder_days_before: int = 2  # PICK-3
    reminder_template: str = "pickup_reminder"
    reminder_skip: tuple[str, ...] = ()
    partner_rule: str = "PICK-2"
    extend_template: str = "pickup_extend_storage"
    point_template: str = "pickup_wrong_point"

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> PickSettings:
        conf = dict(settings.get("pickup") or {})
        reminder = dict(conf.get("reminder") or {})
        partner = dict(conf.get("partner") or {})
        base = cls()
        return cls(
            rule=str(conf.get("rule") or base.rule),
            remind_after_days=int(conf.get("remind_after_days", base.remind_after_days)),
            statuses={**base.statuses, **dict(conf.get("statuses") or {})},
            shipped_from=tuple(conf.get("shipped_from") or ()),
            arrived_from=tuple(conf.get("arrived_from") or ()),
            back_after_promise=bool(conf.get("back_after_promise", True)),
            reminder_rule=str(reminder.get("rule") or base.reminder_rule),
            reminder_days_before=int(reminder.get("days_before", base.reminder_days_before)),
            reminder_template=str(reminder.get("template") or base.reminder_template),
            reminder_skip=tuple(reminder.get("skip_statuses") or ()),
            partner_rule=str(partner.get("rule") or base.partner_rule),
            extend_template=str(partner.get("extend_template") or base.extend_template),
            point_template=str(partner.get("point_template") or base.point_template),
        )


@dataclass(frozen=True)
class Report:
    """One report of the partner (PICK-1), as received."""

    state: str
    at: datetime | None
    pickup_point: str = ""
    storage_until: date | None = None
    tracking: str = ""

    @property
    def key(self) -> tuple[str, datetime | None]:
        """The idempotency key: the same (state, at) is the same report."""
        return (self.state, self.at)


@dataclass(frozen=True)
class Parcel:
    """What is known of an order's parcel when a report or a result comes."""

    state: str = ""  # the last reported state, "" before any report
    pickup_point: str = ""
    storage_until: date | None = None
    extension_asked_for: date | None = None  # PICK-2: the storage end it was asked for
    closed: bool = False  # the order is in a final status (PICK-5)


# --- PICK-1: a partner's report ------------------------------------------------------------


def check_report(report: Report, *, parcel: Parcel, now: datetime, tz: str) -> list[Violation]:
    """PICK-1: a known state at a time not in the future; an arrival names its point and
    the end of its storage, not before the arrival's day. PICK-5: nothing after a parcel
    was collected or returned."""
    found: list[Violation] = []
    if report.state not in STATES:
        found.append(
            violation("PICK-1", "state", "Choose one of: %(allowed)s.", allowed=", ".join(STATES))
        )
    if report.at is None:
        found.append(violation("PICK-1", "at", "This field is required for this result."))
    elif report.at > now + CLOCK_SKEW:
        found.append(violation("PICK-1", "at", "The time of the report is in the future."))
    if report.state == ARRIVED:
        if not report.pickup_point.strip():
            found.append(violation("PICK-1", "pickup_point", "An arrival names the pickup point."))
        if report.storage_until is None:
            found.append(
                violation("PICK-1", "storage_until", "An arrival names the day its storage ends.")
            )
        elif report.at is not None and report.storage_until < local_day(report.at, tz):
            found.append(
                violation(
                    "PICK-1",
                    "storage_until",
                    "The storage cannot end before the parcel arrived.",
                )
            )
    if len(report.pickup_point) > POINT_MAX:
        found.append(violation("input", "pickup_point", "The value is too long."))
    if len(report.tracking) > TRACKING_MAX:
        found.append(violation("input", "tracking", "The value is too long."))
    found += check_not_final(parcel, field="state")
    return found


def check_not_final(parcel: Parcel, *, field: str, rule_id: str = "PICK-5") -> list[Violation]:
    """PICK-5: a parcel collected or returned takes no later report or result."""
    if parcel.state == COLLECTED:
        return [
            violation(
                rule_id, field, "The parcel was already collected: nothing is recorded after it."
            )
        ]
    if parcel.state == RETURNED:
        return [
            violation(
                rule_id, field, "The parcel was already returned: nothing is recorded after it."
            )
        ]
    return []


def status_after(
    report_state: str, *, status: str, settings: PickSettings, final_statuses: Iterable[str]
) -> str | None:
    """PICK-1/5: the order's status after a report, None when the report leaves it as it
    is (a repeated arrival only updates the facts). Collected and returned always close
    the order; shipped and arrived move it only from the statuses the playbook lists."""
    target = settings.statuses.get(report_state)
    if not target or target == status:
        return None
    if report_state in FINAL_STATES:
        return target if status not in set(final_statuses) else None
    allowed = settings.shipped_from if report_state == SHIPPED else settings.arrived_from
    return target if status in allowed else None


def local_day(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def day_start(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz))


def enters_worklist_at(arrived_at: datetime, *, days: int, tz: str) -> datetime:
    """PICK-1: an arrived parcel enters the worklist `days` days after arrival — at the
    start of that local day (arrived on Monday at 18:00, days 2: Wednesday 00:00; the
    call hours decide when it is called)."""
    return day_start(local_day(arrived_at, tz) + timedelta(days=max(0, days)), tz)


# --- PICK-2: the results of a call about a parcel ------------------------------------------


def check_at_point(parcel: Parcel, *, rule_id: str = "PICK-2") -> list[Violation]:
    """PICK-2: the results about a parcel need a parcel at its point (arrived); PICK-5:
    never after it was collected or returned."""
    final = check_not_final(parcel, field="code")
    if final:
        return final
    if parcel.state != ARRIVED:
        return [
            violation(
                rule_id,
                "code",
                "The parcel has not arrived at a pickup point yet; this result is for "
                "parcels waiting there.",
            )
        ]
    return []


def check_collect_on(
    collect_on: date | None, *, parcel: Parcel, today: date, rule_id: str = "PICK-2"
) -> list[Violation]:
    """PICK-2 `will_collect`: a day is required, not in the past, and on or before the day
    the parcel's storage ends."""
    if collect_on is None:
        return [violation(rule_id, "collect_on", "Say on which day the customer will collect.")]
    if collect_on < today:
        return [violation(rule_id, "collect_on", "The day cannot be in the past.")]
    if parcel.storage_until is not None and collect_on > parcel.storage_until:
        return [
            violation(
                rule_id,
                "collect_on",
                "The parcel is kept until %(until)s: the day must be on or before it; "
                "otherwise ask to extend the storage.",
                until=parcel.storage_until.strftime("%d.%m.%Y"),
            )
        ]
    return []


def check_extension(parcel: Parcel, *, rule_id: str = "PICK-2") -> list[Violation]:
    """PICK-2 `extend_storage`: the partner is asked once — not again for the same end of
    storage (a new arrival report with a later end allows asking again)."""
    if parcel.extension_asked_for is not None and (
        parcel.storage_until is None or parcel.extension_asked_for >= parcel.storage_until
    ):
        return [
            violation(
                rule_id,
                "code",
                "The partner was already asked to extend this parcel's storage; wait for "
                "the answer.",
            )
        ]
    return []


def normal_point(text: str | None) -> str:
    """A pickup point as typed: spaces collapsed."""
    return " ".join(str(text or "").split())


def check_new_point(point: str, *, parcel: Parcel, rule_id: str = "PICK-2") -> list[Violation]:
    """PICK-2 `wrong_point`: the customer names another point (required, not the one the
    parcel is at, of a sensible length)."""
    point = normal_point(point)
    if not point:
        return [violation(rule_id, "pickup_point", "Name the pickup point the customer wants.")]
    if len(point) > POINT_MAX:
        return [violation("input", "pickup_point", "The value is too long.")]
    if point.casefold() == normal_point(parcel.pickup_point).casefold():
        return [
            violation(rule_id, "pickup_point", "The parcel is already at this point; name another.")
        ]
    return []


def back_in_worklist(collect_on: date | None, *, today: date) -> bool:
    """PICK-2: a parcel the customer promised to collect comes back to the worklist the
    day after the promised day, if it is still there."""
    return collect_on is not None and today > collect_on


# --- PICK-3: one reminder two days before the storage ends ---------------------------------


def reminder_due(storage_until: date | None, *, today: date, days_before: int = 2) -> bool:
    """PICK-3: from `days_before` days before the storage ends until its last day (a
    worker that was down still reminds on the last days; never after)."""
    if storage_until is None:
        return False
    return storage_until - timedelta(days=days_before) <= today <= storage_until


# --- PICK-4: buyout ------------------------------------------------------------------------


@dataclass(frozen=True)
class Worked:
    """Who reached the customer about a parcel, and when (an answered call, a result)."""

    operator_id: int
    at: datetime


def reached_by(work: Iterable[Worked], *, since: datetime | None) -> int | None:
    """PICK-4: the parcel counts for the operator who reached the customer last after it
    arrived; None when nobody did."""
    chosen = None
    for w in work:
        if since is not None and w.at < since:
            continue
        if chosen is None or w.at >= chosen.at:
            chosen = w
    return chosen.operator_id if chosen is not None else None
