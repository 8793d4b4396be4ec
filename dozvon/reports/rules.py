"""X-11 report arithmetic, pure: date ranges, grouping keys, shares and rates, the
approval groups a playbook's data implies, and the operator KPIs. No ORM, no clock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dozvon.core.errors import Violation, violation
from dozvon.core.money import money
from dozvon.core.numbers import share  # the one share (reports call `rules.share`)

RULE = "X-11"
MAX_DAYS = 366

OPERATOR, DAY, HOUR, OPERATOR_DAY, TOTAL = "operator", "day", "hour", "operator_day", "total"
GROUP_BYS = (OPERATOR, DAY, HOUR, OPERATOR_DAY, TOTAL)
# the key fields of a row for each grouping, in column order
KEYS: dict[str, tuple[str, ...]] = {
    OPERATOR: ("operator",),
    DAY: ("day",),
    HOUR: ("hour",),
    OPERATOR_DAY: ("day", "operator"),
    TOTAL: (),
}


# --- input ---------------------------------------------------------------------------------


def parse_day(text: str) -> date:
    """A day as typed on the screen (27.11.2026, 27.11.26) or ISO (2026-11-27)."""
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass(frozen=True)
class Range:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def check_range(
    start_text: str | None,
    end_text: str | None,
    *,
    today: date,
    group_by: str | None,
    group_bys: Sequence[str],
    default_group_by: str,
    max_days: int = MAX_DAYS,
) -> tuple[Range | None, str, list[Violation]]:
    """X-11: the inclusive range of local days (today when not given; `to` defaults to
    `from`), at most `max_days` long, and a grouping the report supports. Every problem at
    once, each naming its field."""
    found: list[Violation] = []
    days: dict[str, date | None] = {}
    for field, text in (("from", start_text), ("to", end_text)):
        if text is None or not str(text).strip():
            days[field] = None
            continue
        try:
            day = parse_day(str(text))
        except ValueError:
            found.append(
                violation(RULE, field, "Not a date: %(value)s (use dd.mm.yyyy).", value=text)
            )
            days[field] = None
            continue
        if not date(2000, 1, 1) <= day <= date(2099, 12, 31):
            found.append(violation(RULE, field, "The date is out of range."))
        days[field] = day
    start = days["from"] or days["to"] or today
    end = days["to"] or days["from"] or today
    if not found:
        if end < start:
            found.append(violation(RULE, "to", "The end of the range is before its start."))
        elif (end - start).days + 1 > max_days:
            found.append(
                violation(RULE, "to", "The range is longer than %(days)s days.", days=max_days)
            )
    grouping = group_by or default_group_by
    if grouping not in group_bys:
        found.append(
            violation(
                RULE,
                "group_by",
                "This report is grouped by one of: %(allowed)s.",
                allowed=", ".join(group_bys),
            )
        )
    if found:
        return None, grouping, found
    return Range(start, end), grouping, []


# --- numbers --------------------------------------------------------------------------------


def average(total: Decimal | int, n: int) -> Decimal | None:
    """A money average to kopecks (`core.money`); None over nothing."""
    if not n:
        return None
    return money(Decimal(total) / n)


# --- approval groups ------------------------------------------------------------------------

CANCELLED_GROUP = "cancelled"


@dataclass(frozen=True)
class ApprovalGroups:
    """Which statuses count for the approval rate (COD: confirmed / (confirmed + rejected
    + call-backs)). `positive`: closed as a success; `negative`: closed as a refusal
    (invalid orders are not a customer's decision and count in neither); `callback`:
    deferred to a call-back the operator scheduled."""

    positive: frozenset[str]
    negative: frozenset[str]
    callback: frozenset[str]
    usable: bool  # an operator can reach a positive status: the rate means something

    def approval(self, positive: int, negative: int, callbacks: int) -> Decimal | None:
        return share(positive, positive + negative + callbacks)


@dataclass(frozen=True)
class StatusFact:
    code: str
    group: str
    final: bool


@dataclass(frozen=True)
class OutcomeFact:
    code: str
    status: str
    takes_callback_time: bool  # the operator picks when to call back (callback_at)
    operators: bool  # operators may save it


def approval_groups(
    *, statuses: Iterable[StatusFact], outcomes: Iterable[OutcomeFact], trash: Iterable[str]
) -> ApprovalGroups:
    """Derived from the playbook's data: positive = statuses of the closed (final) groups
    other than the cancellation group; negative = statuses of the cancellation group except
    the trash ones (the status intake gives invalid orders, COD-19); callback = the
    statuses of results that take a call-back time (COD-16, SHOP-1)."""
    statuses = list(statuses)
    outcomes = list(outcomes)
    trash = frozenset(trash)
    positive = frozenset(s.code for s in statuses if s.final and s.group != CANCELLED_GROUP)
    negative = frozenset(
        s.code for s in statuses if s.group == CANCELLED_GROUP and s.code not in trash
    )
    callback = frozenset(
        o.status for o in outcomes if o.takes_callback_time and o.status not in positive
    )
    usable = any(o.operators and o.status in positive for o in outcomes)
    return ApprovalGroups(positive, negative, callback, usable)


# --- operator KPIs --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcomes:
    """Results of one row's key, by the status they set."""

    status: str
    n: int
    amount: Decimal = Decimal(0)
    upsells: int = 0
    gifts: int = 0


def operator_kpis(
    *,
    calls: int,
    answered: int,
    talk_s: int,
    worked: int,
    outcomes: Iterable[Outcomes],
    groups: ApprovalGroups,
) -> dict[str, Any]:
    """One row of the `operators` report: calls, contacts (answered calls), talk time,
    orders worked, results, and over positive results: approval rate, average check,
    upsell share and gift units."""
    total = positive = negative = callbacks = upsells = gifts = 0
    amount = Decimal(0)
    for o in outcomes:
        total += o.n
        if o.status in groups.positive:
            positive += o.n
            amount += o.amount
            upsells += o.upsells
            gifts += o.gifts
        elif o.status in groups.negative:
            negative += o.n
        elif o.status in groups.callback:
            callbacks += o.n
    return {
        "calls": calls,
        "contacts": answered,
        "contact_rate": share(answered, calls),
        "talk_time": talk_s,
        "orders_worked": worked,
        "outcomes": total,
        "approved": positive,
        "refused": negative,
        "callbacks": callbacks,
        "approval_rate": groups.approval(positive, negative, callbacks),
        "avg_check": average(amount, positive),
        "upsell_share": share(upsells, positive),
        "gifts": gifts,
    }


# --- regrouping rows that other modules compute ---------------------------------------------


def regroup(
    rows: Iterable[Mapping[str, Any]],
    *,
    group_by: str,
    sums: Sequence[str],
    ratios: Mapping[str, tuple[str, str]] = {},  # noqa: B006 (read only)
    constants: Sequence[str] = (),
    labels: Mapping[str, str] = {},  # noqa: B006 (read only)
    extra_keys: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Rows given per day and operator, summed up to `group_by`: `sums` added, each ratio
    recomputed from its (numerator, denominator) sums, `constants` (a target) kept from
    the first row, `labels` (operator → operator_name) carried with their key. Sorted by
    key. `extra_keys` (a campaign) are kept apart within every group."""
    fields = (*KEYS[group_by], *extra_keys)
    out: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = tuple(row.get(f) for f in fields)
        acc = out.get(key)
        if acc is None:
            acc = {f: row.get(f) for f in fields}
            for label, of in labels.items():
                if of in acc:
                    acc[label] = row.get(label)
            for name in constants:
                acc[name] = row.get(name)
            for name in sums:
                acc[name] = 0
            out[key] = acc
        for name in sums:
            acc[name] += row.get(name) or 0
    result = []
    for key in sorted(out, key=sort_key):
        acc = out[key]
        for name, (num, den) in ratios.items():
            acc[name] = share(acc[num], acc[den])
        result.append(acc)
    return result


def sort_key(key: tuple) -> tuple:
    """Sort keys with None first and mixed types apart (ids, days, hours)."""
    return tuple((v is not None, str(type(v)), v if v is not None else 0) for v in key)
