"""Playbook rules: plain functions over frozen facts, no ORM, no clock, no I/O.

Each rule returns the violations it finds (never raises), so a refused save can list
every broken rule at once (X-7). `now` is an input. Rule functions are looked up by the
name a playbook file gives them; parameters come from the file too (policy is data).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from dozvon.core.errors import Violation, violation

FAILED_RESULTS = frozenset({"no_answer", "busy", "voicemail", "invalid_number"})


@dataclass(frozen=True)
class CallFact:
    at: datetime
    result: str
    line: str = ""  # the caller line it was made from (DUN-7), "" when not recorded

    @property
    def failed(self) -> bool:
        return self.result in FAILED_RESULTS


@dataclass(frozen=True)
class OutcomeContext:
    """Everything an outcome's rules may look at, loaded by the service beforehand."""

    now: datetime
    tz: str
    outcome: str
    rule: str
    values: Mapping[str, Any]
    status: str = ""
    calls: tuple[CallFact, ...] = ()
    last_outcome_at: datetime | None = None
    items_count: int = 0
    goods_total: Decimal = Decimal("0")
    other_orders: int = 0
    status_history: tuple[str, ...] = field(default=())
    last_comment_at: datetime | None = None  # the latest operator comment before this save
    marks: frozenset[str] = frozenset()  # the order's marks (automation `mark`), DUN-5/8
    customer_email: str = ""  # where an email would go (DUN-8: "emails only")
    # what the playbook's plug-in knows of the order that the engine does not (issue 26),
    # loaded by the outcome's checks' fact loaders (`register_check(..., facts=)`); read
    # by the plug-in's own checks, by the names its loader gives them
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def problem(self) -> str:
        return str(self.values.get("problem") or "")

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.tz))

    @property
    def calls_since_outcome(self) -> tuple[CallFact, ...]:
        if self.last_outcome_at is None:
            return self.calls
        return tuple(c for c in self.calls if c.at >= self.last_outcome_at)

    @property
    def had_conversation(self) -> bool:
        return any(c.result == "answered" for c in self.calls)

    @property
    def failed_since_conversation(self) -> tuple[CallFact, ...]:
        answered = [c.at for c in self.calls if c.result == "answered"]
        since = max(answered) if answered else None
        return tuple(c for c in self.calls if c.failed and (since is None or c.at > since))


RuleFn = Callable[..., list[Violation]]
REGISTRY: dict[str, RuleFn] = {}


def rule(fn: RuleFn) -> RuleFn:
    REGISTRY[fn.__name__] = fn
    return fn


# Facts the service loads only for outcomes with a check that reads them (a query that
# other outcomes do not pay for): check name → fact names (a plug-in's check declares
# its own through `register_check`).
ON_DEMAND: dict[str, frozenset[str]] = {}

# A plug-in's facts about an order (issue 26: what its own models keep), loaded by the
# outcome service for an outcome citing one of its checks: the locked order → a mapping
# of plain values, put in `OutcomeContext.facts`.
FactLoader = Callable[[Any], Mapping[str, Any]]
# check name → the loader of the facts it reads (`register_check(..., facts=)`)
FACT_LOADERS: dict[str, FactLoader] = {}


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict, set)):
        return len(value) == 0
    return False


# --- field rules: which fields an outcome requires, forbids, which problems ---------


def required_fields(ctx: OutcomeContext, fields: Iterable[str]) -> list[Violation]:
    return [
        violation(ctx.rule, name, "This field is required for this result.")
        for name in fields
        if is_blank(ctx.values.get(name))
    ]


def forbidden_fields(ctx: OutcomeContext, fields: Iterable[str]) -> list[Violation]:
    return [
        violation(ctx.rule, name, "This field must be empty for this result.")
        for name in fields
        if not is_blank(ctx.values.get(name))
    ]


def allowed_problems(ctx: OutcomeContext, problems: tuple[str, ...]) -> list[Violation]:
    if not problems:
        return []
    if ctx.problem not in problems:
        return [
            violation(
                ctx.rule,
                "problem",
                "Choose one of the problems allowed for this result: %(allowed)s.",
                allowed=", ".join(problems),
            )
        ]
    return []


# --- call rules (X-8, COD-15…19, SHOP-5) -------------------------------------------------


@rule
def requires_call_made(ctx: OutcomeContext, *, rule_id: str) -> list[Violation]:
    """COD-15…19: a call was made (recorded since the previous result)."""
    if ctx.calls_since_outcome:
        return []
    return [violation(rule_id, "calls", "Record a call attempt before saving this result.")]


@rule
def requires_failed_call(ctx: OutcomeContext, *, rule_id: str) -> list[Violation]:
    """COD-17: "no answer" needs the latest attempt since the previous result to have failed."""
    recent = ctx.calls_since_outcome
    if recent and recent[-1].failed:
        return []
    return [
        violation(
            rule_id,
            "calls",
            "Record the failed call attempt (no answer, busy, voicemail) before saving.",
        )
    ]


def _best_window(times: list[datetime], hours: float) -> int:
    """Most calls inside any window of `hours` (two-pointer over sorted times)."""
    best, start = 0, 0
    span = timedelta(hours=hours)
    for end in range(len(times)):
        while times[end] - times[start] > span:
            start += 1
        best = max(best, end - start + 1)
    return best


@rule
def min_calls_within(
    ctx: OutcomeContext, *, rule_id: str, calls: int = 3, hours: float = 5
) -> list[Violation]:
    """SHOP-5 "No answer": at least `calls` failed calls within `hours` hours in one day."""
    by_day: dict[date, list[datetime]] = defaultdict(list)
    for c in ctx.failed_since_conversation:
        local = ctx.local(c.at)
        by_day[local.date()].append(local)
    best = max((_best_window(sorted(ts), hours) for ts in by_day.values()), default=0)
    if best >= calls:
        return []
    return [
        violation(
            rule_id,
            "calls",
            "At least %(calls)s failed calls within %(hours)s hours of one day are required; "
            "so far %(best)s.",
            calls=calls,
            hours=hours,
            best=best,
        )
    ]


def _spaced_calls(times: list[datetime], gap: timedelta) -> int:
    """Most calls of one day that can be picked at least `gap` apart (greedy is optimal)."""
    count, last = 0, None
    for t in sorted(times):
        if last is None or t - last >= gap:
            count, last = count + 1, t
    return count


@rule
def calls_on_consecutive_days(
    ctx: OutcomeContext,
    *,
    rule_id: str,
    days: int = 2,
    calls: int = 3,
    min_gap_hours: float = 1,
) -> list[Violation]:
    """SHOP-5 "No answer" after an earlier conversation: `days` consecutive days, each with
    at least `calls` failed calls at least `min_gap_hours` apart."""
    by_day: dict[date, list[datetime]] = defaultdict(list)
    for c in ctx.failed_since_conversation:
        local = ctx.local(c.at)
        by_day[local.date()].append(local)
    gap = timedelta(hours=min_gap_hours)
    good = sorted(d for d, ts in by_day.items() if _spaced_calls(ts, gap) >= calls)
    run, best = 0, 0
    for i, d in enumerate(good):
        run = run + 1 if i and d - good[i - 1] == timedelta(days=1) else 1
        best = max(best, run)
    if best >= days:
        return []
    return [
        violation(
            rule_id,
            "calls",
            "After an earlier conversation, %(days)s consecutive days with at least %(calls)s "
            "calls %(gap)s h apart are required; so far %(best)s.",
            days=days,
            calls=calls,
            gap=min_gap_hours,
            best=best,
        )
    ]


# --- value rules --------------------------------------------------------------------------


@rule
def requires_future(ctx: OutcomeContext, *, rule_id: str, field: str) -> list[Violation]:
    """COD-16: the callback date-time lies in the future."""
    value = ctx.values.get(field)
    if isinstance(value, datetime) and value <= ctx.now:
        return [violation(rule_id, field, "The date and time must be in the future.")]
    return []


@rule
def forbidden_after_status(
    ctx: OutcomeContext, *, rule_id: str, statuses: list[str], suggest: str = ""
) -> list[Violation]:
    """SHOP-5: "No answer" is forbidden while calling back after a substantive talk."""
    if ctx.status in statuses:
        return [
            violation(
                rule_id,
                "code",
                "Not allowed for an order in status “%(status)s”; use “%(suggest)s”.",
                status=ctx.status,
                suggest=suggest,
            )
        ]
    return []


@rule
def requires_items(ctx: OutcomeContext, *, rule_id: str) -> list[Violation]:
    """SHOP-5 "Out of stock", "Needs showroom": only with order items filled."""
    if ctx.items_count > 0:
        return []
    return [violation(rule_id, "items", "Add the order items first.")]


@rule
def max_goods_total(ctx: OutcomeContext, *, rule_id: str, amount: str) -> list[Violation]:
    """SHOP-5 "Not profitable" for a small order: goods total under `amount`."""
    if ctx.goods_total < Decimal(str(amount)):
        return []
    return [
        violation(
            rule_id,
            "problem",
            "Only for orders under %(amount)s; otherwise give the wrong-price reason.",
            amount=amount,
        )
    ]


@rule
def requires_region_in(ctx: OutcomeContext, *, rule_id: str, places: list[str]) -> list[Violation]:
    """SHOP-2 "Hand to courier service": only for delivery to the places the playbook
    lists (Moscow and Moscow region), matched in the address's region or city."""
    address = ctx.values.get("delivery_address") or {}
    where = " ".join(str(address.get(k, "")) for k in ("region", "city")).lower()
    if any(place.lower() in where for place in places):
        return []
    return [
        violation(
            rule_id,
            "delivery_address",
            "Only for delivery within Moscow and Moscow region; other regions go straight "
            "to “Handed to delivery”.",
        )
    ]


@rule
def min_time_window(
    ctx: OutcomeContext, *, rule_id: str, hours: float = 3, approval_field: str = ""
) -> list[Violation]:
    """SHOP-7: a delivery window of at least `hours`, shorter only with approval."""
    start, end = ctx.values.get("delivery_time_from"), ctx.values.get("delivery_time_to")
    if start is None or end is None:
        return []
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes >= hours * 60 or (approval_field and ctx.values.get(approval_field)):
        return []
    return [
        violation(
            rule_id,
            "delivery_time_to",
            "The delivery window must be at least %(hours)s hours unless the delivery "
            "department approved a shorter one.",
            hours=hours,
        )
    ]


@rule
def requires_other_orders(ctx: OutcomeContext, *, rule_id: str) -> list[Violation]:
    """COD-19 b/d: "ours"/"already ordered" only when the customer's other orders show it."""
    if ctx.other_orders > 0:
        return []
    return [
        violation(
            rule_id,
            "problem",
            "The customer has no other orders in this project; save as a rejection instead.",
        )
    ]


@rule
def value_in(
    ctx: OutcomeContext, *, rule_id: str, field: str, allowed: list[str]
) -> list[Violation]:
    """A field restricted to a list of codes (e.g. SHOP-1 payment by invoice or online)."""
    value = ctx.values.get(field)
    if is_blank(value) or value in allowed:
        return []
    return [
        violation(
            rule_id, field, "Choose one of: %(allowed)s.", allowed=", ".join(map(str, allowed))
        )
    ]


@rule
def required_choice(
    ctx: OutcomeContext, *, rule_id: str, field: str, allowed: list[str]
) -> list[Violation]:
    """An outcome input that must be one of a list (DUN-4: a cancel's reason)."""
    if is_blank(ctx.values.get(field)):
        return [violation(rule_id, field, "This field is required for this result.")]
    return value_in(ctx, rule_id=rule_id, field=field, allowed=allowed)


# --- what a playbook plug-in adds (dozvon.core.plugins) -----------------------------------
# The engine imports no plug-in: a plug-in's `register()` (its AppConfig.ready()) puts its
# named checks here, so a playbook file may cite them (DUN: dozvon.dunning.checks). A
# file citing a check nobody registered is refused when it is parsed ("unknown check").


@dataclass(frozen=True)
class Plan:
    """What an accepted outcome's checks decided beyond yes or no (DUN-5): when the order
    is due again (None: the route decides) and the marks to set on it."""

    due_at: datetime | None = None
    marks: tuple[str, ...] = ()


# Checks that also plan the order's next step once the outcome is accepted: check name →
# a function of the same parameters returning a `Plan` (engine.plan).
PLANNERS: dict[str, Callable[..., Plan]] = {}


def register_check(
    name: str,
    fn: RuleFn,
    *,
    planner: Callable[..., Plan] | None = None,
    on_demand: Iterable[str] = (),
    facts: FactLoader | None = None,
) -> None:
    """A plug-in's named check (idempotent: `ready()` may run twice): `fn` as `rule`
    registers one, its `planner` (PLANNERS), the engine's facts it reads on demand
    (ON_DEMAND) and the loader of the plug-in's own facts it reads (`facts`: called by
    the outcome service with the locked order, its mapping given as `ctx.facts`; the
    loaders of an outcome's checks are each called once, their mappings merged)."""
    REGISTRY[name] = fn
    if planner is not None:
        PLANNERS[name] = planner
    if on_demand:
        ON_DEMAND[name] = frozenset(on_demand)
    if facts is not None:
        FACT_LOADERS[name] = facts
