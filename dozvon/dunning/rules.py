"""DUN pure rules (SPEC DUN-1, 2, 5, 6, 7, 8): values in, violations out. No ORM, no
clock: `today`/`now` and the time zone are parameters; bounds are parameters with the
SPEC's values as defaults, so a playbook's check can pass its own (policy is data).
Messages are English message ids, translated at the edge (`Violation.render`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from dozvon.core.errors import Violation, violation
from dozvon.dunning.language import LATIN, comment_language

# DUN-2's bonus units: the figure every bonus email shows, the engine's (issue 26)
from dozvon.messaging.bonus import bonus_units as bonus_units

# --- DUN-1/2: the week of work and the bonus ----------------------------------------------

WORK_WEEKS = 6
# (last week of the tier, bonus %): 15 % in weeks 1–3, 25 % in weeks 4–6
BONUS_TIERS: tuple[tuple[int, int], ...] = ((3, 15), (6, 25))


def work_week(entered_on: date, today: date) -> int:
    """DUN-1: the week of work, 1 from the day the order entered the worklist; 0 before
    that, above `WORK_WEEKS` once its time is over."""
    days = (today - entered_on).days
    return days // 7 + 1 if days >= 0 else 0


def bonus_percent(week: int, tiers: Sequence[Sequence[int]] = BONUS_TIERS) -> int | None:
    """DUN-2: the week's bonus %, None outside the weeks of work."""
    if week < 1:
        return None
    return next((percent for last, percent in tiers if week <= last), None)


def bonus_percents_allowed(week: int, tiers: Sequence[Sequence[int]] = BONUS_TIERS) -> list[int]:
    """DUN-2: the week's % or a higher tier's (25 % may be offered from the first call)."""
    current = bonus_percent(week, tiers)
    if current is None:
        return []
    return sorted({p for _, p in tiers if p >= current})


def check_bonus(
    *,
    percent: int | Decimal,
    week: int,
    tiers: Sequence[Sequence[int]] = BONUS_TIERS,
    rule_id: str = "DUN-2",
) -> list[Violation]:
    """DUN-1/2: a bonus offer of `percent` in week `week` of the work."""
    allowed = bonus_percents_allowed(week, tiers)
    if not allowed:
        return [
            violation(
                "DUN-1",
                "bonus_percent",
                "A bonus is offered only during the %(weeks)s weeks of work; this is week "
                "%(week)s.",
                weeks=tiers[-1][0],
                week=week,
            )
        ]
    if percent not in allowed:
        return [
            violation(
                rule_id,
                "bonus_percent",
                "In week %(week)s of the work the bonus is one of: %(allowed)s %%.",
                week=week,
                allowed=", ".join(map(str, allowed)),
            )
        ]
    return []


# --- DUN-5: postponement by reason --------------------------------------------------------

PROMISED_DATE, WILL_THINK, ALREADY_PAID, PROMISED, OTHER = (
    "promised_date",
    "will_think",
    "already_paid",
    "promised",
    "other",
)
POSTPONE_REASONS = (PROMISED_DATE, WILL_THINK, ALREADY_PAID, PROMISED, OTHER)
PROOF_REQUESTED = "proof_requested"


@dataclass(frozen=True)
class PostponePolicy:
    """DUN-5's bounds in days, as dun.toml's `postpone_rules` check declares them (the
    seed's numbers are there, not here)."""

    default_days: int  # "other": the default
    other_max_days: int  # "a postponement of a few weeks" after a refusal
    will_think_days: tuple[int, int]  # "2–3 (or even less)"
    already_paid_days: tuple[int, int]  # and ask for proof of payment
    promised_max_days: int  # the hard rule
    promised_date_max_ahead: int
    # the postponement ends this many days after the promised date, low to high
    # (processed 15.01, promised 25.01 ⇒ 10–12 days)
    promised_date_after: tuple[int, int]


@dataclass(frozen=True)
class Postponement:
    """The decision: due again on `due_on` after `days`, with marks to set (already paid
    ⇒ proof of payment requested); or the violations."""

    due_on: date | None
    days: int | None
    marks: tuple[str, ...] = ()
    violations: tuple[Violation, ...] = ()


def _days(value) -> int | None | str:
    """The number of days as typed: None when empty, "bad" when not a whole number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "bad"
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else "bad"


def _day(value) -> date | None | str:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return "bad"


def _bounds(reason: str, ahead: int | None, p: PostponePolicy) -> tuple[int, int, int]:
    """(lowest, highest, default) days for a reason; `ahead` = days to a promised date."""
    if reason == PROMISED_DATE and ahead is not None:
        low, high = ahead + p.promised_date_after[0], ahead + p.promised_date_after[1]
        low = max(low, 1)
        return low, max(high, low), max(low, ahead + sum(p.promised_date_after) // 2)
    if reason == WILL_THINK:
        return p.will_think_days[0], p.will_think_days[1], min(2, p.will_think_days[1])
    if reason == ALREADY_PAID:
        return p.already_paid_days[0], p.already_paid_days[1], p.already_paid_days[1]
    if reason == PROMISED:
        return 1, p.promised_max_days, min(2, p.promised_max_days)
    return 1, p.other_max_days, p.default_days


def postpone(
    *,
    reason: str,
    days=None,
    promised_on=None,
    today: date,
    policy: PostponePolicy,
    rule_id: str = "DUN-5",
) -> Postponement:
    """DUN-5: until when an order is postponed for `reason`, with `days` as chosen (the
    reason's default when empty) and the promised date for `promised_date`."""
    found: list[Violation] = []
    if not reason:
        found.append(violation(rule_id, "reason", "Choose why the order is postponed."))
    elif reason not in POSTPONE_REASONS:
        found.append(violation(rule_id, "reason", "Unknown reason %(code)s.", code=reason))
    chosen, promised, ahead = _days(days), _day(promised_on), None
    if chosen == "bad" or (isinstance(chosen, int) and chosen < 1):
        found.append(violation(rule_id, "days", "Give a whole number of days, 1 or more."))
    if reason == PROMISED_DATE:
        if promised is None:
            found.append(
                violation(rule_id, "promised_on", "Give the date the customer promised to pay.")
            )
        elif promised == "bad":
            found.append(violation(rule_id, "promised_on", "Give a date."))
        elif promised < today:
            found.append(violation(rule_id, "promised_on", "The promised date has passed."))
        elif (promised - today).days > policy.promised_date_max_ahead:
            latest = today + timedelta(days=policy.promised_date_max_ahead)
            found.append(
                violation(
                    rule_id,
                    "promised_on",
                    "The promised date must be within %(max)s days (by %(latest)s).",
                    max=policy.promised_date_max_ahead,
                    latest=f"{latest:%d.%m.%Y}",
                )
            )
        else:
            ahead = (promised - today).days
    if found:
        return Postponement(None, None, violations=tuple(found))
    low, high, default = _bounds(reason, ahead, policy)
    chosen = default if chosen is None else chosen
    if not low <= chosen <= high:
        found.append(_out_of_bounds(reason, rule_id, low, high, promised))
        return Postponement(None, None, violations=tuple(found))
    marks = (PROOF_REQUESTED,) if reason == ALREADY_PAID else ()
    return Postponement(today + timedelta(days=chosen), chosen, marks)


def _out_of_bounds(reason: str, rule_id: str, low: int, high: int, promised) -> Violation:
    if reason == PROMISED:
        return violation(
            rule_id,
            "days",
            "Promised to pay: postpone for at most %(high)s days (a hard rule).",
            high=high,
        )
    if reason == PROMISED_DATE:
        return violation(
            rule_id,
            "days",
            "Postpone until about the promised date %(date)s: %(low)s–%(high)s days.",
            date=f"{promised:%d.%m.%Y}",
            low=low,
            high=high,
        )
    return violation(
        rule_id, "days", "For this reason postpone for %(low)s–%(high)s days.", low=low, high=high
    )


# --- DUN-6: comments in Russian -------------------------------------------------------------


def check_comment_language(
    text: str | None, *, rule_id: str = "DUN-6", field: str = "comment"
) -> list[Violation]:
    """DUN-6: a comment in Ukrainian, English or Russian in Latin letters is refused; a
    Russian one, or one too short to tell ("ок", a date, digits), is allowed. `field` is
    the input's name where it is typed (an outcome's `comment`, a comment's `text`)."""
    found = comment_language(text or "")
    if found == LATIN:
        return [violation(rule_id, field, "Write the comment in Russian, in Cyrillic letters.")]
    if found in ("uk", "en"):
        return [violation(rule_id, field, "Write the comment in Russian.")]
    return []


# --- DUN-7: calling discipline ----------------------------------------------------------------

ANSWERED = "answered"


@dataclass(frozen=True)
class Attempt:
    """One call attempt: when it started, its result, the caller line it was made from."""

    at: datetime
    result: str
    line: str = ""


def _spaced_pair(calls: Sequence[Attempt], gap: timedelta, lines: int) -> bool:
    """Two calls `gap` apart or more, from different caller lines when `lines` ≥ 2."""
    return any(
        later.at - earlier.at >= gap
        and (lines < 2 or (earlier.line and later.line and earlier.line != later.line))
        for i, earlier in enumerate(calls)
        for later in calls[i + 1 :]
    )


def check_calling_discipline(
    *,
    calls: Sequence[Attempt],
    last_comment_at: datetime | None,
    unreachable: bool,
    now: datetime,
    tz: str,
    min_calls: int,
    gap_hours: float,
    min_lines: int,
    rule_id: str = "DUN-7",
) -> list[Violation]:
    """DUN-7, before an email, a postponement or a cancel. Not reached today: at least
    `min_calls` attempts today, two of them `gap_hours` apart from different caller lines,
    and a comment after the last one. Reached today: a comment after that conversation,
    no more calls. A number marked unreachable: emails at once, no calls (DUN-8)."""
    if unreachable:
        return []
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    todays = sorted((c for c in calls if c.at.astimezone(zone).date() == today), key=_at)
    talks = [c for c in todays if c.result == ANSWERED]
    if talks:
        talk = talks[-1]
        if last_comment_at is None or last_comment_at < talk.at:
            return [
                violation(
                    rule_id,
                    "comment",
                    "Write the comment about today's conversation at %(time)s first.",
                    time=f"{talk.at.astimezone(zone):%H:%M}",
                )
            ]
        return []
    gap = timedelta(hours=gap_hours)
    if not _spaced_pair(todays, gap, min_lines):
        return [_missing_calls(todays, gap, min_calls, gap_hours, min_lines, rule_id, zone)]
    if len(todays) < min_calls:
        return [
            violation(
                rule_id,
                "calls",
                "Call at least %(calls)s times today; so far %(count)s.",
                calls=min_calls,
                count=len(todays),
            )
        ]
    if last_comment_at is None or last_comment_at < todays[-1].at:
        return [
            violation(
                rule_id,
                "comment",
                "Write a comment after today's last call (%(time)s) first.",
                time=f"{todays[-1].at.astimezone(zone):%H:%M}",
            )
        ]
    return []


def _at(call: Attempt) -> datetime:
    return call.at


def _missing_calls(todays, gap, min_calls, gap_hours, min_lines, rule_id, zone) -> Violation:
    """What is missing, said so that the operator knows the next call to make."""
    lined = [c for c in todays if c.line]
    if not todays or (min_lines >= 2 and not lined):
        return violation(
            rule_id,
            "calls",
            "Call at least %(calls)s times today, %(hours)s hours apart, from %(lines)s "
            "different caller lines; calls with a line so far today: %(count)s.",
            calls=min_calls,
            hours=gap_hours,
            lines=min_lines,
            count=len(lined),
        )
    first = (lined or todays)[0]
    when = f"{(first.at + gap).astimezone(zone):%H:%M}"
    if min_lines >= 2:
        return violation(
            rule_id,
            "calls",
            "One more call is needed from a caller line other than %(line)s at %(time)s or "
            "later (calls today: %(count)s).",
            line=first.line,
            time=when,
            count=len(todays),
        )
    return violation(
        rule_id,
        "calls",
        "One more call is needed at %(time)s or later (calls today: %(count)s).",
        time=when,
        count=len(todays),
    )
